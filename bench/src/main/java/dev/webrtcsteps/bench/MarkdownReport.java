package dev.webrtcsteps.bench;

import static dev.webrtcsteps.bench.ReportWriter.BROWSER_CHART;
import static dev.webrtcsteps.bench.ReportWriter.GIB;
import static dev.webrtcsteps.bench.ReportWriter.JOIN_CHART;
import static dev.webrtcsteps.bench.ReportWriter.LATENCY_CHART;
import static dev.webrtcsteps.bench.ReportWriter.MEMORY_CHART;
import static dev.webrtcsteps.bench.ReportWriter.browserTimings;
import static dev.webrtcsteps.bench.ReportWriter.kib;
import static dev.webrtcsteps.bench.ReportWriter.mib;
import static dev.webrtcsteps.bench.ReportWriter.ms;
import static dev.webrtcsteps.bench.ReportWriter.orEmpty;
import static dev.webrtcsteps.bench.ReportWriter.percent;
import static dev.webrtcsteps.bench.ReportWriter.rate;
import static dev.webrtcsteps.bench.ReportWriter.ratio;
import static dev.webrtcsteps.bench.ReportWriter.seconds;
import static dev.webrtcsteps.bench.ReportWriter.servers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Renders report.md; {@code charts} are the file names of the charts that were written. */
final class MarkdownReport {

    private static final String NOT_AVAILABLE = "n/a";

    private final Results.Report report;
    private final List<Results.ServerResults> servers;
    private final Set<String> charts;
    private final StringBuilder out = new StringBuilder();

    MarkdownReport(Results.Report report, Set<String> charts) {
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
