package dev.webrtcsteps.bench;

import static dev.webrtcsteps.bench.ReportWriter.BROWSER_CHART;
import static dev.webrtcsteps.bench.ReportWriter.JOIN_CHART;
import static dev.webrtcsteps.bench.ReportWriter.LATENCY_CHART;
import static dev.webrtcsteps.bench.ReportWriter.MEMORY_CHART;
import static dev.webrtcsteps.bench.ReportWriter.MIB;
import static dev.webrtcsteps.bench.ReportWriter.SATURATION_CHART;
import static dev.webrtcsteps.bench.ReportWriter.browserTimings;
import static dev.webrtcsteps.bench.ReportWriter.latencyChart;
import static dev.webrtcsteps.bench.ReportWriter.ms;
import static dev.webrtcsteps.bench.ReportWriter.orEmpty;
import static dev.webrtcsteps.bench.ReportWriter.passes;
import static dev.webrtcsteps.bench.ReportWriter.rate;
import static dev.webrtcsteps.bench.ReportWriter.servers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Stroke;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
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

/** Draws the PNG charts; a chart without data is not drawn. */
final class ReportCharts {

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
        List<Results.Pass> passes = passes(report);
        Set<String> written = new HashSet<>();
        save(directory, MEMORY_CHART, memory(passes.stream().flatMap(pass -> servers(pass).stream())
                .filter(server -> server.capacity() != null).toList()), written);
        for (int index = 0; index < Math.max(1, passes.size()); index++) {
            Results.Pass pass = index < passes.size() ? passes.get(index) : null;
            save(directory, pass == null ? LATENCY_CHART : latencyChart(index, pass), latency(pass), written);
        }
        save(directory, JOIN_CHART, join(passes), written);
        save(directory, SATURATION_CHART, saturation(passes), written);
        save(directory, BROWSER_CHART, browser(report), written);
        // Another pass's latency chart left over from an earlier run would pass for this run's too.
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("latency-vs-load") && !written.contains(name)) {
                    Files.delete(file);
                }
            }
        }
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

    private static Optional<JFreeChart> latency(Results.Pass pass) {
        List<Results.ServerResults> servers = servers(pass);
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
        JFreeChart chart = lineChart("Relay latency vs load, " + pass.name(), "Achieved rate (signals/s)",
                "Latency (ms)", lines);
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

    /** p50 and p99 of each pass, side by side for each server. */
    private static Optional<JFreeChart> join(List<Results.Pass> passes) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Results.Pass pass : passes) {
            for (Results.ServerResults server : servers(pass)) {
                if (server.join() != null) {
                    data.addValue(server.join().p50(), "p50, " + pass.name(), server.server());
                    data.addValue(server.join().p99(), "p99, " + pass.name(), server.server());
                }
            }
        }
        if (data.getColumnCount() == 0) {
            return Optional.empty();
        }
        return Optional.of(barChart("Join time: connection opened to welcome", "Server", "Time (ms)", data, "0.00"));
    }

    /** Each server's saturation rate in each pass. */
    private static Optional<JFreeChart> saturation(List<Results.Pass> passes) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Results.Pass pass : passes) {
            for (Results.ServerResults server : servers(pass)) {
                if (server.relay() != null && server.relay().saturationPerSecond() > 0) {
                    data.addValue(server.relay().saturationPerSecond(), pass.name(), server.server());
                }
            }
        }
        if (data.getColumnCount() == 0) {
            return Optional.empty();
        }
        return Optional.of(barChart("Relay saturation", "Server", "Signals per second", data, "0"));
    }

    private static Optional<JFreeChart> browser(Results.Report report) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        browserTimings(report).forEach((browser, pages) -> pages.forEach(
                (page, timing) -> data.addValue(timing.median(), page, browser)));
        if (data.getColumnCount() == 0) {
            return Optional.empty();
        }
        return Optional.of(barChart("Browser setup: click to data channel open (median)", "Browser",
                "Time (ms)", data, "0.00"));
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

    /** {@code format}: how the value on each bar reads, as in the tables. */
    private static JFreeChart barChart(String title, String xLabel, String yLabel, DefaultCategoryDataset data,
            String format) {
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
                decimalFormat(format)));
        renderer.setDefaultItemLabelsVisible(true);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
