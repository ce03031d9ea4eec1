package dev.webrtcsteps.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Stroke;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes a run's {@link Results.Report} as {@code report.json}, {@code report.md} and PNG charts under
 * {@code charts/}. Every number in the Markdown comes from the Report, so the JSON and the report agree.
 */
public final class ReportWriter {

    static final String MEMORY_CHART = "memory-vs-users.png";
    static final String LATENCY_CHART = "latency-vs-load.png";
    static final String JOIN_CHART = "join-latency.png";
    static final String BROWSER_CHART = "browser-setup.png";

    private static final double KIB = 1024.0;
    private static final double MIB = KIB * 1024;
    private static final double GIB = MIB * 1024;

    private ReportWriter() {
    }

    /** Writes report.json, report.md and charts/*.png into {@code directory}, creating it if needed. */
    public static void write(Results.Report report, Path directory) {
        // Before any AWT class loads (even java.awt.Color reads it once and keeps it): no display needed.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        try {
            Path charts = directory.resolve("charts");
            Files.createDirectories(charts);
            writeJson(report, directory.resolve("report.json"));
            Set<String> written = Charts.write(report, charts);
            Files.writeString(directory.resolve("report.md"), new Markdown(report, written).render());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the report to " + directory, e);
        }
    }

    private static void writeJson(Results.Report report, Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
    }

    private static List<Results.ServerResults> servers(Results.Report report) {
        return report.servers() == null ? List.of() : report.servers().stream().filter(Objects::nonNull).toList();
    }

    /** Browser timings grouped by browser (in the order measured), then by page ("step1", "step3"). */
    private static Map<String, Map<String, Results.BrowserTiming>> browserTimings(Results.Report report) {
        Map<String, Map<String, Results.BrowserTiming>> byBrowser = new LinkedHashMap<>();
        if (report.browser() == null || report.browser().timings() == null) {
            return byBrowser;
        }
        for (Results.BrowserTiming timing : report.browser().timings()) {
            byBrowser.computeIfAbsent(timing.browser(), browser -> new LinkedHashMap<>()).put(timing.page(), timing);
        }
        return byBrowser;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    // Number formats, one per unit, so that the same quantity always reads the same way. Locale.ROOT keeps the
    // decimal point a point whatever the machine's locale.

    static String ms(double millis) {
        return String.format(Locale.ROOT, "%.2f", millis);
    }

    static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    static String kib(double bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / KIB);
    }

    static String mib(double bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / MIB);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** Renders report.md; {@code charts} are the file names of the charts that were written. */
    private static final class Markdown {

        private static final String NOT_AVAILABLE = "n/a";

        private final Results.Report report;
        private final List<Results.ServerResults> servers;
        private final Set<String> charts;
        private final StringBuilder out = new StringBuilder();

        Markdown(Results.Report report, Set<String> charts) {
            this.report = report;
            this.servers = servers(report);
            this.charts = charts;
        }

        String render() {
            title();
            capacity();
            join();
            relay();
            browser();
            goals();
            return out.toString();
        }

        private void title() {
            String compared = String.join(" vs ", servers.stream().map(Results.ServerResults::server).toList());
            out.append("# Benchmark").append(compared.isEmpty() ? "" : ": " + compared).append("\n\n");
            out.append("Run started ").append(text(report.startedAt())).append(", took ")
                    .append(String.format(Locale.ROOT, "%.0f", report.durationSeconds())).append(" s.\n\n");
            Results.Machine machine = report.machine();
            if (machine != null) {
                out.append(String.format(Locale.ROOT,
                        "**Machine:** %s, %d cores, %.1f GiB RAM, Java %s, Node %s, socket.io %s, open files limit %d.%n%n",
                        text(machine.os()), machine.cores(), machine.memoryBytes() / GIB, text(machine.java()),
                        text(machine.node()), text(machine.socketIo()), machine.openFilesLimit()));
            }
            out.append("Times in ms, rates per second, KiB = 1024 bytes, MiB = 1024 KiB.\n\n");
        }

        private void capacity() {
            section("Capacity", "Users connected in rooms up to the target, memory sampled as they arrive. "
                    + "Heap is measured after a full GC, so only for the Java server.");
            sideBySide(Results.ServerResults::capacity, List.of(
                    new Metric<>("Users held / target", c -> c.held() + " / " + c.target()),
                    new Metric<>("Room size (users)", c -> Integer.toString(c.roomSize())),
                    new Metric<>("Time to connect them (s)", c -> seconds(c.secondsToConnect())),
                    new Metric<>("RSS at baseline (MiB)", c -> mib(c.rssBaseline())),
                    new Metric<>("RSS at peak (MiB)", c -> mib(c.rssAtPeak())),
                    new Metric<>("RSS per user (KiB)", c -> kib(c.rssPerUser())),
                    new Metric<>("Heap after GC per user (KiB)",
                            c -> c.heapPerUser() == null ? NOT_AVAILABLE : kib(c.heapPerUser())),
                    new Metric<>("Failures", c -> Integer.toString(c.failures()))));
            chart(MEMORY_CHART, "Memory vs connected users");
        }

        private void join() {
            section("Join", "Time from opening the connection to the welcome, at a steady join rate.");
            sideBySide(Results.ServerResults::join, List.of(
                    new Metric<>("Joins", j -> Integer.toString(j.joins())),
                    new Metric<>("Rate (joins/s)", j -> rate(j.ratePerSecond())),
                    new Metric<>("Room size (users)", j -> Integer.toString(j.roomSize())),
                    new Metric<>("p50 (ms)", j -> ms(j.p50())),
                    new Metric<>("p99 (ms)", j -> ms(j.p99())),
                    new Metric<>("max (ms)", j -> ms(j.max())),
                    new Metric<>("Failures", j -> Integer.toString(j.failures()))));
            chart(JOIN_CHART, "Join time per server");
        }

        private void relay() {
            section("Relay", "Signals per second through the server at saturation, then latency (send to receipt, "
                    + "timed from when each signal was due) at fractions of each server's own saturation rate.");
            sideBySide(Results.ServerResults::relay, List.of(
                    new Metric<>("Users", r -> Integer.toString(r.users())),
                    new Metric<>("Room size (users)", r -> Integer.toString(r.roomSize())),
                    new Metric<>("Saturation (signals/s)", r -> rate(r.saturationPerSecond()))));
            for (Results.ServerResults server : servers) {
                if (server.relay() != null) {
                    latencyByLoad(server.server(), orEmpty(server.relay().latencyByLoad()));
                }
            }
            chart(LATENCY_CHART, "Relay latency vs load");
        }

        private void latencyByLoad(String server, List<Results.LoadPoint> points) {
            out.append("### ").append(server).append(": latency by load\n\n");
            if (points.isEmpty()) {
                note("No load points measured.");
                return;
            }
            List<List<String>> rows = points.stream().map(p -> List.of(percent(p.fraction()),
                    rate(p.targetPerSecond()), rate(p.achievedPerSecond()), ms(p.p50()), ms(p.p99()), ms(p.max()),
                    Long.toString(p.lost()))).toList();
            table(List.of("Load (of saturation)", "Target (signals/s)", "Achieved (signals/s)", "p50 (ms)",
                    "p99 (ms)", "max (ms)", "Lost"), rows);
        }

        private void browser() {
            section("Browser", "From \"click\" to \"data channel open\" in real browsers: step1 (both peers in one "
                    + "page, the lower bound) against step3 (two pages, through the server).");
            Map<String, Map<String, Results.BrowserTiming>> byBrowser = browserTimings(report);
            if (byBrowser.isEmpty()) {
                note("Not measured in this run (no browser results).");
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            byBrowser.forEach((browser, pages) -> rows.add(browserRow(browser, pages.get("step1"), pages.get("step3"))));
            table(List.of("Browser", "step1 median (ms)", "step1 p90 (ms)", "step3 median (ms)", "step3 p90 (ms)",
                    "step3 / step1 (median)"), rows);
            chart(BROWSER_CHART, "Browser setup time");
        }

        private List<String> browserRow(String browser, Results.BrowserTiming step1, Results.BrowserTiming step3) {
            boolean comparable = step1 != null && step3 != null && step1.median() > 0;
            return List.of(text(browser),
                    step1 == null ? NOT_AVAILABLE : ms(step1.median()),
                    step1 == null ? NOT_AVAILABLE : ms(step1.p90()),
                    step3 == null ? NOT_AVAILABLE : ms(step3.median()),
                    step3 == null ? NOT_AVAILABLE : ms(step3.p90()),
                    comparable ? ratio(step3.median() / step1.median()) : NOT_AVAILABLE);
        }

        private void goals() {
            section("Goals", null);
            List<Results.Goal> goals = orEmpty(report.goals());
            if (goals.isEmpty()) {
                note("No goals evaluated in this run.");
                return;
            }
            List<List<String>> rows = goals.stream().map(g -> List.of(text(g.name()), text(g.target()),
                    text(g.measured()), g.met() ? "yes" : "NO", g.note() == null ? "" : g.note())).toList();
            table(List.of("Goal", "Target", "Measured", "Met", "Note"), rows);
        }

        /** A metric of one scenario: its row label, and how to format its value. */
        private record Metric<T>(String label, Function<T, String> value) {
        }

        /** One row per metric, one column per server that ran the scenario. */
        private <T> void sideBySide(Function<Results.ServerResults, T> scenario, List<Metric<T>> metrics) {
            List<Results.ServerResults> measured = servers.stream().filter(s -> scenario.apply(s) != null).toList();
            if (measured.isEmpty()) {
                note("Not measured in this run.");
                return;
            }
            List<String> header = new ArrayList<>();
            header.add("");
            measured.forEach(server -> header.add(server.server()));
            List<List<String>> rows = new ArrayList<>();
            for (Metric<T> metric : metrics) {
                List<String> row = new ArrayList<>();
                row.add(metric.label());
                measured.forEach(server -> row.add(metric.value().apply(scenario.apply(server))));
                rows.add(row);
            }
            table(header, rows);
        }

        private void section(String title, String description) {
            out.append("## ").append(title).append("\n\n");
            if (description != null) {
                out.append(description).append("\n\n");
            }
        }

        private void table(List<String> header, List<List<String>> rows) {
            tableRow(header);
            tableRow(header.stream().map(cell -> "---").toList());
            rows.forEach(this::tableRow);
            out.append('\n');
        }

        private void tableRow(List<String> cells) {
            out.append('|');
            cells.forEach(cell -> out.append(' ').append(cell(cell)).append(" |"));
            out.append('\n');
        }

        private void chart(String file, String alt) {
            if (charts.contains(file)) {
                out.append("![").append(alt).append("](charts/").append(file).append(")\n\n");
            } else {
                note("No chart: no data for " + alt.toLowerCase(Locale.ROOT) + ".");
            }
        }

        private void note(String text) {
            out.append('_').append(text).append("_\n\n");
        }

        /** A pipe or a line break inside a cell would end it. */
        private static String cell(String text) {
            return text.replace("|", "\\|").replace('\n', ' ');
        }

        private static String text(String text) {
            return text == null ? NOT_AVAILABLE : text;
        }
    }

    /** Draws the PNG charts; a chart without data is not drawn. */
    private static final class Charts {

        private static final int WIDTH = 900;
        private static final int HEIGHT = 500;
        private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd)};
        private static final Stroke SOLID = new BasicStroke(2f);
        private static final Stroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f);

        /**
         * Line series styled so that a server keeps one colour across its series, and its second measure (heap,
         * p99) is dashed: the legend then reads as server x measure.
         */
        private static final class Lines {

            final XYSeriesCollection data = new XYSeriesCollection();
            private final List<Color> colors = new ArrayList<>();
            private final List<Stroke> strokes = new ArrayList<>();

            void add(XYSeries series, int server, boolean dashed) {
                if (series.getItemCount() == 0) {
                    return;
                }
                data.addSeries(series);
                colors.add(color(server));
                strokes.add(dashed ? DASHED : SOLID);
            }

            boolean isEmpty() {
                return data.getSeriesCount() == 0;
            }

            XYLineAndShapeRenderer renderer() {
                XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
                for (int series = 0; series < colors.size(); series++) {
                    renderer.setSeriesPaint(series, colors.get(series));
                    renderer.setSeriesStroke(series, strokes.get(series));
                }
                return renderer;
            }
        }

        /** Returns the file names of the charts written. */
        static Set<String> write(Results.Report report, Path directory) throws IOException {
            List<Results.ServerResults> servers = servers(report);
            Set<String> written = new HashSet<>();
            save(directory, MEMORY_CHART, memory(servers), written);
            save(directory, LATENCY_CHART, latency(servers), written);
            save(directory, JOIN_CHART, join(servers), written);
            save(directory, BROWSER_CHART, browser(report), written);
            return written;
        }

        private static void save(Path directory, String name, Optional<JFreeChart> chart, Set<String> written)
                throws IOException {
            Path file = directory.resolve(name);
            if (chart.isEmpty()) {
                // A chart left over from an earlier run in the same directory would pass for this run's.
                Files.deleteIfExists(file);
                return;
            }
            ChartUtils.saveChartAsPNG(file.toFile(), chart.get(), WIDTH, HEIGHT);
            written.add(name);
        }

        private static Optional<JFreeChart> memory(List<Results.ServerResults> servers) {
            Lines lines = new Lines();
            for (int index = 0; index < servers.size(); index++) {
                Results.ServerResults server = servers.get(index);
                List<Results.MemoryPoint> points =
                        server.capacity() == null ? List.of() : orEmpty(server.capacity().memory());
                XYSeries rss = new XYSeries(server.server() + " RSS");
                XYSeries heap = new XYSeries(server.server() + " heap after GC");
                for (Results.MemoryPoint point : points) {
                    rss.add(point.users(), point.rss() / MIB);
                    if (point.heapAfterGc() != null) {
                        heap.add(point.users(), point.heapAfterGc() / MIB);
                    }
                }
                lines.add(rss, index, false);
                lines.add(heap, index, true);
            }
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(lineChart("Server memory vs connected users", "Connected users", "Memory (MiB)", lines));
        }

        private static Optional<JFreeChart> latency(List<Results.ServerResults> servers) {
            Lines lines = new Lines();
            for (int index = 0; index < servers.size(); index++) {
                Results.ServerResults server = servers.get(index);
                List<Results.LoadPoint> points =
                        server.relay() == null ? List.of() : orEmpty(server.relay().latencyByLoad());
                XYSeries p50 = new XYSeries(server.server() + " p50");
                XYSeries p99 = new XYSeries(server.server() + " p99");
                for (Results.LoadPoint point : points) {
                    p50.add(point.achievedPerSecond(), point.p50());
                    p99.add(point.achievedPerSecond(), point.p99());
                }
                lines.add(p50, index, false);
                lines.add(p99, index, true);
            }
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            JFreeChart chart = lineChart("Relay latency vs load", "Achieved rate (signals/s)", "Latency (ms)", lines);
            logScaleIfWide(chart.getXYPlot(), lines.data);
            return Optional.of(chart);
        }

        /**
         * Near saturation the latency can be orders of magnitude above that at light load, which a linear axis
         * would flatten to zero; a log axis shows both. Only then: a log axis cannot show zero, and within one
         * power of ten it would have no labelled tick.
         */
        private static void logScaleIfWide(XYPlot plot, XYSeriesCollection data) {
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (int series = 0; series < data.getSeriesCount(); series++) {
                for (int item = 0; item < data.getItemCount(series); item++) {
                    min = Math.min(min, data.getYValue(series, item));
                    max = Math.max(max, data.getYValue(series, item));
                }
            }
            if (!(min > 0) || max / min < 10) {
                return;
            }
            LogAxis axis = new LogAxis("Latency (ms, log scale)");
            axis.setNumberFormatOverride(decimalFormat("0.###"));
            axis.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten: 0.1, 1, 10, 100 ms
            plot.setRangeAxis(axis);
        }

        private static Optional<JFreeChart> join(List<Results.ServerResults> servers) {
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            for (Results.ServerResults server : servers) {
                if (server.join() != null) {
                    data.addValue(server.join().p50(), "p50", server.server());
                    data.addValue(server.join().p99(), "p99", server.server());
                }
            }
            if (data.getColumnCount() == 0) {
                return Optional.empty();
            }
            return Optional.of(barChart("Join time: connection opened to welcome", "Server", "Time (ms)", data));
        }

        private static Optional<JFreeChart> browser(Results.Report report) {
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            browserTimings(report).forEach((browser, pages) -> pages.forEach(
                    (page, timing) -> data.addValue(timing.median(), page, browser)));
            if (data.getColumnCount() == 0) {
                return Optional.empty();
            }
            return Optional.of(barChart("Browser setup: click to data channel open (median)", "Browser",
                    "Time (ms)", data));
        }

        private static Color color(int index) {
            return PALETTE[index % PALETTE.length];
        }

        private static DecimalFormat decimalFormat(String pattern) {
            return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
        }

        private static JFreeChart lineChart(String title, String xLabel, String yLabel, Lines lines) {
            JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, lines.data,
                    PlotOrientation.VERTICAL, true, false, false);
            XYPlot plot = chart.getXYPlot();
            plot.setRenderer(lines.renderer());
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            chart.setBackgroundPaint(Color.WHITE);
            return chart;
        }

        private static JFreeChart barChart(String title, String xLabel, String yLabel, DefaultCategoryDataset data) {
            JFreeChart chart = ChartFactory.createBarChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                    true, false, false);
            CategoryPlot plot = chart.getCategoryPlot();
            BarRenderer renderer = (BarRenderer) plot.getRenderer();
            renderer.setBarPainter(new StandardBarPainter());
            renderer.setShadowVisible(false);
            for (int series = 0; series < data.getRowCount(); series++) {
                renderer.setSeriesPaint(series, color(series));
            }
            // The value on each bar, in the same format as the tables.
            renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
                    decimalFormat("0.00")));
            renderer.setDefaultItemLabelsVisible(true);
            plot.setBackgroundPaint(Color.WHITE);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            chart.setBackgroundPaint(Color.WHITE);
            return chart;
        }
    }
}
