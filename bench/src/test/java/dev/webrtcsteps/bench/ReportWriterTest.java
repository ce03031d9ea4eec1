package dev.webrtcsteps.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final List<String> CHARTS = List.of(ReportWriter.MEMORY_CHART, ReportWriter.LATENCY_CHART,
            "latency-vs-load-unpinned.png", ReportWriter.JOIN_CHART, ReportWriter.SATURATION_CHART,
            ReportWriter.BROWSER_CHART);

    @TempDir
    Path directory;

    @Test
    void jsonReadsBackToTheSameNumbers() throws IOException {
        Results.Report report = report();
        ReportWriter.write(report, directory);

        Results.Report read = new ObjectMapper().readValue(directory.resolve("report.json").toFile(),
                Results.Report.class);
        assertEquals(report, read);
        assertEquals(12345.6, read.mainPass().servers().get(0).relay().saturationPerSecond());
        assertEquals(3.46, read.mainPass().servers().get(0).relay().atHalf().p99());
        assertEquals(0.99, read.mainPass().servers().get(0).relay().atSaturation().serverCores());
        assertEquals("unpinned", read.passes().get(1).name());
        assertEquals(0.59, read.goals().get(0).ratio());
        assertEquals(1.0, read.cluster().rate("signals", 2).redis().fanOut());
        assertEquals(4800L, read.cluster().rate("joins", 1).redis().callsByCommand().get("evalsha"));
        assertEquals(41.25, read.browser().transfers().get(0).median());
        assertEquals(List.of(44.5, 41.25, 38.0), read.browser().transfers().get(0).megabytesPerSecond());
        assertNull(read.browser().transfers().get(2).best());
        assertEquals(List.of(40.0, 41.0), read.browser().references().get(1).megabytesPerSecond());
        assertEquals("firefox", read.browser().transfers().get(1).referenceBrowser());
        assertEquals(0.5, read.browser().transfers().get(1).ratioToReference());
        assertNull(read.browser().transfers().get(2).ratioToReference());
    }

    @Test
    void markdownShowsTheReportsNumbers() throws IOException {
        ReportWriter.write(report(), directory);

        String markdown = Files.readString(directory.resolve("report.md"));
        assertAll(
                () -> assertTrue(markdown.startsWith("# Benchmark: step3 vs socket.io\n")),
                () -> assertContains(markdown, "Run started 2025-11-25T20:00:00Z, took 601 s."),
                () -> assertContains(markdown, "8 cores, 16.0 GiB RAM, Java 17.0.15"),
                () -> assertContains(markdown, "each server ran on CPU 0 (`taskset -c 0 <command>`) and the load "
                        + "generator on CPU 1"),
                () -> assertContains(markdown, "|  | step3 | socket.io |"),
                // The two summaries: pinned first, with memory; unpinned without.
                () -> assertOrder(markdown, "## Pinned: one core per server", "## Unpinned: server and load generator",
                        "## Goals", "## Capacity (pinned)", "## Join", "## Relay", "## Browser"),
                () -> assertContains(markdown, "| CPUs: server / generator (read back) | 0 / 1 | 0 / 1 |"),
                () -> assertContains(markdown, "| CPUs: server / generator (read back) | 0-7 / 0-7 | 0-7 / 0-7 |"),
                () -> assertContains(markdown, "| Server's JVM garbage collector | Serial | n/a |"),
                () -> assertContains(markdown, "| Join p50 / p99 at 200 joins/s (ms) | 2.50 / 7.89 | 4.00 / 12.34 |"),
                () -> assertContains(markdown, "| Cores used at saturation: server / generator / other load | 0.99 / 0.62 / 0.01 | 0.71 / 0.98 / 0.00 |"),
                () -> assertContains(markdown, "| Saturation limited by | server | generator |"),
                () -> assertContains(markdown, "| Relay p50 / p99 at 50% of saturation (ms) | 1.23 / 3.46 | 2.00 / 6.00 |"),
                () -> assertContains(markdown, "**socket.io's saturation figure is the load generator's, not the "
                        + "server's**: the generator's CPU was the bottleneck (server 0.71 cores, generator 0.98, other load "
                        + "0.00; CPUs busy 72 / 99 %)."),
                () -> assertContains(markdown, "| Users held / target | 10000 / 10000 | 9990 / 10000 |"),
                () -> assertContains(markdown, "| Time to connect them (s) | 4.25 | 6.50 |"),
                () -> assertContains(markdown, "| RSS at peak (MiB) | 300.0 | 400.0 |"),
                () -> assertContains(markdown, "| RSS per user (KiB) | 20.5 | 30.0 |"),
                () -> assertContains(markdown, "| Heap after GC per user (KiB) | 2.5 | n/a |"),
                () -> assertContains(markdown, "| Generator processes' CPUs (read back) | 1 | 1 |"),
                () -> assertContains(markdown, "| Rate (joins/s) | 200 | 200 |"),
                () -> assertContains(markdown, "| p99 (ms) | 7.89 | 12.34 |"),
                () -> assertContains(markdown, "| p99 (ms) | 5.50 | 9.00 |"),
                () -> assertContains(markdown, "| Saturation (signals/s) | 12346 | 8000 |"),
                () -> assertContains(markdown, "| Client | lean | java.net.http |"),
                () -> assertContains(markdown, "| Warm-up at saturation, until the rate stopped rising (s) | 12.00 | 6.00 |"),
                () -> assertContains(markdown, "| Rate in the last three warm-up windows (signals/s) | 12000 / 12300 / 12100 "
                        + "| 14000 / 15000 |"),
                // 0.99 cores / 12345.6 signals/s = 80.2 µs; 0.62 / 12345.6 = 50.2 µs; 0.71 / 8000 = 88.8, 0.98 / 8000 = 122.5
                () -> assertContains(markdown, "| CPU per signal at saturation: server / generator (µs) | 80.2 / 50.2 | "
                        + "88.8 / 122.5 |"),
                () -> assertContains(markdown, "| Saturation (signals/s) | 20000 | 15000 |"),
                () -> assertContains(markdown, "| Busy CPU 0 / 1 at saturation, any process (%) | 100 / 63 | 72 / 99 |"),
                // The half-load point of step3, pinned: fraction, target, achieved, p50, p99, max, lost.
                () -> assertContains(markdown, "#### step3, pinned: latency by load"),
                () -> assertContains(markdown, "| 50% | 6173 | 6170 | 1.23 | 3.46 | 9.87 | 0 |"),
                () -> assertContains(markdown, "#### socket.io, unpinned: latency by load"),
                () -> assertContains(markdown, "| chromium | 55.00 | 70.00 | 110.00 | 150.00 | 2.00 |"),
                () -> assertContains(markdown, "| firefox | 80.00 | 95.50 | n/a | n/a | n/a |"),
                () -> assertOrder(markdown, "## Browser", "## File transfer", "## Cluster"),
                () -> assertContains(markdown, "MB/s: 10^6 bytes a second."),
                () -> assertContains(markdown, "File size: 100.0 MiB."),
                () -> assertContains(markdown, "held against the slower of its two browsers' references, since a "
                        + "file goes no faster than its slower end allows."),
                () -> assertOrder(markdown, "| Reference (browser) | Runs | Median (MB/s) | Best (MB/s) |\n",
                        "| chromium | 3 | 50.0 | 52.0 |\n", "| firefox | 2 | 40.0 | 41.0 |\n",
                        "| Pair (sender -> receiver) | Runs | Median (MB/s) | Best (MB/s) | Slower browser's reference "
                                + "(MB/s) | Median / reference |\n"),
                () -> assertContains(markdown, "| chromium -> chromium | 3 | 41.3 | 44.5 | 50.0 (chromium) | 0.83 |\n"),
                () -> assertContains(markdown, "| chromium -> firefox | 1 | 20.0 | 20.0 | 40.0 (firefox) | 0.50 |\n"),
                () -> assertContains(markdown, "| firefox -> chromium | 0 | n/a | n/a | 40.0 (firefox) | n/a |\n"),
                () -> assertContains(markdown, "_Reference firefox: run 3 of 3 failed: no end after 420000 ms_"),
                () -> assertContains(markdown, "_chromium -> firefox: run 2 of 3 failed: the file ended interrupted: "
                        + "not sent: the connection to receiver closed_"),
                () -> assertContains(markdown, "_firefox -> chromium: not launched: firefox is not installed_"),
                () -> assertContains(markdown, "| Goal | Target | Measured | Ratio | Met | Note |"),
                () -> assertContains(markdown, "| Capacity | 19,000 users | 10,000 users, 5.9 KiB heap each | 0.59x | NO | "
                        + "9,000 users short |"),
                () -> assertContains(markdown, "| Relay throughput per core | at least 1.5x | 12346 vs 8000 signals/s | "
                        + "1.54x | yes | socket.io: generator \\| bound |"),
                () -> assertContains(markdown, "| Relay latency | p99 < 5 ms | 3.46 ms | n/a | yes |  |"),
                () -> CHARTS.forEach(chart -> assertContains(markdown, "(charts/" + chart + ")")));
    }

    @Test
    void markdownShowsTheClustersNumbers() throws IOException {
        ReportWriter.write(report(), directory);

        String markdown = Files.readString(directory.resolve("report.md"));
        assertAll(
                () -> assertOrder(markdown, "## Browser", "## Cluster (step 4): what a hop through Redis costs",
                        "### The hop", "### Joins and signals per second", "### What Redis did"),
                () -> assertContains(markdown, "**CPUs:** both nodes and Redis on CPU 0, the load generator on CPU 1."),
                () -> assertContains(markdown, "| node a | 0 | Serial | `taskset -c 0 java -cp ... Step4App` |"),
                () -> assertContains(markdown, "500 signals a second in all, alternating between 50 pairs"),
                () -> assertContains(markdown, "| p50 (ms) | 0.20 | 0.50 | 2.50x |"),
                () -> assertContains(markdown, "| p99 (ms) | 0.80 | 2.00 | 2.50x |"),
                () -> assertContains(markdown, "| Lost | 0 | 1 |  |"),
                () -> assertContains(markdown, "Measured once the nodes and Redis were quiet at this rate (after 3.50 s "
                        + "of it); meanwhile they used 0.04 cores, other processes 0.00 (CPUs busy 5 / 6 %)."),
                () -> assertContains(markdown, "|  | Joins, 1 node | Joins, 2 nodes | Signals, 1 node | Signals, 2 nodes |\n"),
                () -> assertContains(markdown, "| Rate (per second) | 300 | 270 | 40000 | 10000 |\n"),
                () -> assertContains(markdown, "| Two nodes / one node |  | 0.90 |  | 0.25 |\n"),
                () -> assertContains(markdown, "| Signals to a user on another node | n/a | n/a | 0% | 100% |\n"),
                () -> assertContains(markdown, "| Cores used: node a / node b / redis / generator / other load | "
                        + "0.60 / 0.01 / 0.37 / 0.40 / 0.00 |"),
                () -> assertContains(markdown, "| CPU per join or signal (µs): node a / node b / redis / generator | "
                        + "2000.0 / 33.3 / 1233.3 / 1333.3 |"),
                () -> assertContains(markdown, "| Busy CPU 0 / 1, any process (%) | 99 / 41 |"),
                () -> assertContains(markdown, "| Limited by | nodes and Redis (their CPU full) |"),
                () -> assertContains(markdown, "their last three windows: 39000 / 40000 / 40100 (one node), "
                        + "9900 / 10000 / 10050 (two nodes) signals/s."),
                () -> assertContains(markdown, "|  | A join, 1 node | A leave, 1 node | A join, 2 nodes | A leave, 2 nodes "
                        + "| A signal, 1 node | A signal, 2 nodes |\n"),
                () -> assertContains(markdown, "| Scripts (EVALSHA) | 2.00 | 1.00 | 2.00 | 1.00 | 0.00 | 0.00 |\n"),
                () -> assertContains(markdown, "| Subscribers each published signal reached (fan-out) | n/a | n/a | n/a "
                        + "| n/a | n/a | 1.00 |\n"),
                () -> assertContains(markdown, "| SPUBLISH (calls each) | 1.00 | 0.00 | 1.00 | 0.00 | 0.00 | 1.00 |\n"),
                () -> assertContains(markdown, "| Redis's CPU (µs) | 1233.3 | 100.0 | 1233.3 | 100.0 | 0.1 | 3.7 |\n"),
                () -> assertContains(markdown, "| Bytes Redis read / wrote | 700 / 4000 | 300 / 200 | 700 / 4000 | "
                        + "300 / 200 | 0 / 0 | 400 / 413 |\n"),
                () -> assertContains(markdown, "for 30.00 s, until neither rate rose any more;"),
                () -> assertFalse(markdown.contains("listeners"), markdown));
    }

    @Test
    void aClusterOnlyRunShowsTheClusterAlone() throws IOException {
        Results.Report report = report();
        ReportWriter.write(new Results.Report(report.startedAt(), report.durationSeconds(), report.machine(),
                new Results.Pinning(true, "0", "1", ""), List.of(), null, List.of(), report.cluster()), directory);

        String markdown = Files.readString(directory.resolve("report.md"));
        assertContains(markdown, "## Cluster (step 4)");
        assertFalse(markdown.contains("## Goals"), markdown);
        assertFalse(markdown.contains("## Relay"), markdown);
    }

    @Test
    void aClusterThatCouldNotRunSaysWhy() throws IOException {
        Results.Report report = report();
        ReportWriter.write(new Results.Report(report.startedAt(), report.durationSeconds(), report.machine(),
                report.pinning(), report.passes(), report.browser(), report.goals(), new Results.Cluster(true, "0", "1",
                        null, List.of(), 0, false, List.of(), List.of(), null, List.of(), "redis-server not found")),
                directory);

        assertContains(Files.readString(directory.resolve("report.md")), "_Not measured in this run: redis-server not found_");
    }

    @Test
    void writesEveryChartAsPng() throws IOException {
        ReportWriter.write(report(), directory);

        for (String chart : CHARTS) {
            Path file = directory.resolve("charts").resolve(chart);
            assertTrue(Files.isRegularFile(file), chart);
            byte[] start = Arrays.copyOf(Files.readAllBytes(file), PNG_SIGNATURE.length);
            assertArrayEquals(PNG_SIGNATURE, start, chart);
        }
    }

    @Test
    void reportWithoutDataSkipsChartsWithANote() throws IOException {
        Results.Report empty = new Results.Report("2025-11-25T20:00:00Z", 1, null,
                new Results.Pinning(false, null, null, "only 1 CPU available: not pinned"),
                List.of(new Results.Pass("unpinned", false, List.of(new Results.ServerResults("step3", "java", null,
                        null, null, null, new Results.Relay(0, 2, null, 0, List.of(), 0, null, List.of()))))),
                null, List.of(), null);
        ReportWriter.write(empty, directory);

        String markdown = Files.readString(directory.resolve("report.md"));
        assertContains(markdown, "**CPUs:** only 1 CPU available: not pinned.");
        assertContains(markdown, "_Not measured in this run (no browser results)._");
        assertContains(markdown, "_No load points measured._");
        assertContains(markdown, "_No goals evaluated in this run._");
        assertContains(markdown, "## Cluster (step 4): what a hop through Redis costs");
        assertFalse(markdown.contains("](charts/"), markdown);
        CHARTS.forEach(chart -> assertFalse(Files.exists(directory.resolve("charts").resolve(chart)), chart));
    }

    @Test
    void browsersThatCouldNotRunSayWhy() throws IOException {
        Results.Report report = report();
        ReportWriter.write(new Results.Report(report.startedAt(), report.durationSeconds(), report.machine(),
                report.pinning(), report.passes(), new Results.BrowserResults(List.of(), List.of(), List.of(),
                        "chromium is not installed"), report.goals(), report.cluster()), directory);

        String markdown = Files.readString(directory.resolve("report.md"));
        assertOrder(markdown, "## Browser", "_Not measured in this run: chromium is not installed_",
                "## File transfer", "_Not measured in this run: chromium is not installed_", "## Cluster");
    }

    @Test
    void aBrowserThatFailedCostsOnlyItsOwnFigures() throws IOException {
        Results.Report report = report();
        Results.BrowserResults browser = report.browser();
        ReportWriter.write(new Results.Report(report.startedAt(), report.durationSeconds(), report.machine(),
                report.pinning(), report.passes(), new Results.BrowserResults(browser.timings().subList(0, 2),
                        browser.references().subList(0, 1), browser.transfers().subList(0, 1),
                        "firefox step3 run 2 failed:\n  Timeout 30000ms exceeded."),
                report.goals(), report.cluster()), directory);

        String markdown = Files.readString(directory.resolve("report.md"));
        assertAll(
                () -> assertContains(markdown, "| chromium | 55.00 | 70.00 | 110.00 | 150.00 | 2.00 |"),
                () -> assertFalse(markdown.contains("| firefox |"), markdown),
                () -> assertContains(markdown, "_Not measured in this run: firefox step3 run 2 failed: Timeout 30000ms "
                        + "exceeded._"),
                () -> assertContains(markdown, "| chromium -> chromium | 3 | 41.3 | 44.5 | 50.0 (chromium) | 0.83 |"),
                () -> assertFalse(markdown.contains("| firefox | 2 |"), markdown));
    }

    @Test
    void theBrowsersAloneShowOnlyTheirSections() throws IOException {
        Results.Report report = report();
        ReportWriter.write(new Results.Report(report.startedAt(), report.durationSeconds(), null, null, List.of(),
                report.browser(), List.of(), null), directory);

        String markdown = Files.readString(directory.resolve("report.md"));
        assertOrder(markdown, "## Browser", "| chromium | 55.00 |", "## File transfer", "| chromium -> chromium |");
        assertFalse(markdown.contains("## Goals"), markdown);
        assertFalse(markdown.contains("## Relay"), markdown);
    }

    @Test
    void noChartOfAnEarlierRunIsLeftBehind() throws IOException {
        Path stale = Files.createDirectories(directory.resolve("charts")).resolve("latency-vs-load-unpinned.png");
        Files.write(stale, PNG_SIGNATURE);
        Results.Report report = report();
        ReportWriter.write(new Results.Report(report.startedAt(), report.durationSeconds(), report.machine(),
                report.pinning(), report.passes().subList(0, 1), report.browser(), report.goals(), report.cluster()),
                directory);

        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(directory.resolve("charts").resolve(ReportWriter.LATENCY_CHART)));
    }

    private static void assertOrder(String text, String... parts) {
        int from = 0;
        for (String part : parts) {
            int after = from;
            int at = text.indexOf(part, after);
            assertTrue(at >= 0, () -> "Expected \"" + part + "\" after position " + after + " in:\n" + text);
            from = at + part.length();
        }
    }

    private static void assertContains(String text, String expected) {
        assertTrue(text.contains(expected), () -> "Expected \"" + expected + "\" in:\n" + text);
    }

    private static Results.Report report() {
        long mib = 1024 * 1024;
        Results.CpuUse serverBound = new Results.CpuUse(8, 0.99, 0.62, List.of(1.0, 0.63), 0.01, "server");
        Results.CpuUse generatorBound = new Results.CpuUse(8, 0.71, 0.98, List.of(0.72, 0.99), 0.0, "generator");
        Results.CpuUse shared = new Results.CpuUse(8, 1.2, 0.7, List.of(0.95, 0.97), 0.02,
                "server and generator together (CPUs shared)");
        Results.ServerResults step3 = new Results.ServerResults("step3", "taskset -c 0 java -cp ... Step3App", "Serial",
                new Results.Affinity("0", "1"),
                new Results.Capacity(10_000, 10_000, 10, 0, 4.25,
                        List.of(new Results.MemoryPoint(0, 100 * mib, 20 * mib),
                                new Results.MemoryPoint(5_000, 200 * mib, 32 * mib),
                                new Results.MemoryPoint(10_000, 300 * mib, 45 * mib)),
                        100 * mib, 300 * mib, 20.5 * 1024, 20 * mib, 45 * mib, 2560.0, "1"),
                new Results.Join(2_000, 200, 10, "lean", 0, 2.5, 7.89, 15.0, new Results.CpuUse(10, 0.3, 0.2,
                        List.of(0.31, 0.22), 0.0, "neither CPU full")),
                new Results.Relay(1_000, 10, "lean", 12.0, List.of(9000.0, 12000.0, 12300.0, 12100.0), 12345.6, serverBound, List.of(
                        new Results.LoadPoint(0.25, 3086.4, 3086, 30_000, 0, 0.9, 2.1, 5.0),
                        new Results.LoadPoint(0.5, 6172.8, 6170, 60_000, 0, 1.23, 3.46, 9.87),
                        new Results.LoadPoint(1.0, 12345.6, 11000, 110_000, 3, 40.0, 250.0, 800.0))));
        Results.ServerResults socketIo = new Results.ServerResults("socket.io", "taskset -c 0 node server.js", null,
                new Results.Affinity("0", "1"),
                new Results.Capacity(10_000, 9_990, 10, 10, 6.5,
                        List.of(new Results.MemoryPoint(0, 100 * mib, null),
                                new Results.MemoryPoint(10_000, 400 * mib, null)),
                        100 * mib, 400 * mib, 30.0 * 1024, null, null, null, "1"),
                new Results.Join(2_000, 200, 10, "lean", 1, 4.0, 12.34, 30.0, null),
                new Results.Relay(1_000, 10, "lean", 12.0, List.of(9000.0, 12000.0, 12300.0, 12100.0), 8000, generatorBound, List.of(
                        new Results.LoadPoint(0.5, 4000, 4000, 40_000, 0, 2.0, 6.0, 12.0),
                        new Results.LoadPoint(1.0, 8000, 7500, 75_000, 10, 60.0, 400.0, 1200.0))));
        Results.ServerResults step3Unpinned = new Results.ServerResults("step3", "java -cp ... Step3App", "G1",
                new Results.Affinity("0-7", "0-7"), null,
                new Results.Join(2_000, 200, 10, "lean", 0, 2.0, 5.5, 11.0, null),
                new Results.Relay(1_000, 10, "lean", 12.0, List.of(9000.0, 12000.0, 12300.0, 12100.0), 20000, shared, List.of(
                        new Results.LoadPoint(0.5, 10000, 10000, 80_000, 0, 0.8, 2.5, 7.0))));
        Results.ServerResults socketIoUnpinned = new Results.ServerResults("socket.io", "node server.js", null,
                new Results.Affinity("0-7", "0-7"), null,
                new Results.Join(2_000, 200, 10, "lean", 0, 3.0, 9.0, 20.0, null),
                new Results.Relay(1_000, 10, "java.net.http", 6.0, List.of(14000.0, 15000.0), 15000, shared, List.of(
                        new Results.LoadPoint(0.5, 7500, 7500, 60_000, 0, 1.0, 4.0, 9.0))));
        Results.BrowserResults browser = new Results.BrowserResults(List.of(
                new Results.BrowserTiming("chromium", "step1", 5, 55.0, 70.0, List.of(50.0, 55.0, 70.0)),
                new Results.BrowserTiming("chromium", "step3", 5, 110.0, 150.0, List.of(100.0, 110.0, 150.0)),
                new Results.BrowserTiming("firefox", "step1", 5, 80.0, 95.5, List.of(80.0, 95.5))), List.of(
                new Results.ChannelReference("chromium", 100 * mib, 3, 50.0, 52.0, List.of(49.0, 50.0, 52.0), null),
                new Results.ChannelReference("firefox", 100 * mib, 2, 40.0, 41.0, List.of(40.0, 41.0),
                        "run 3 of 3 failed: no end after\n420000 ms")), List.of(
                new Results.FileTransfer("chromium", "chromium", 100 * mib, 3, 41.25, 44.5, List.of(44.5, 41.25, 38.0),
                        null, "chromium", 0.83),
                new Results.FileTransfer("chromium", "firefox", 100 * mib, 1, 20.0, 20.0, List.of(20.0),
                        "run 2 of 3 failed: the file ended interrupted:\nnot sent: the connection to receiver closed",
                        "firefox", 0.5),
                new Results.FileTransfer("firefox", "chromium", 100 * mib, 0, null, null, List.of(),
                        "not launched: firefox is not installed", "firefox", null)), null);
        List<Results.Goal> goals = List.of(
                new Results.Goal("Capacity", "19,000 users", "10,000 users, 5.9 KiB heap each", 0.59, false,
                        "9,000 users short"),
                new Results.Goal("Relay throughput per core", "at least 1.5x", "12346 vs 8000 signals/s", 1.54, true,
                        "socket.io: generator | bound"),
                new Results.Goal("Relay latency", "p99 < 5 ms", "3.46 ms", null, true, null));
        Results.Machine machine = new Results.Machine("Linux 6.1 (amd64)", 8, 16L * 1024 * mib, "17.0.15",
                "v20.11.0", "4.8.1", 1_048_576);
        return new Results.Report("2025-11-25T20:00:00Z", 601, machine, new Results.Pinning(true, "0", "1", ""),
                List.of(new Results.Pass("pinned", true, List.of(step3, socketIo)),
                        new Results.Pass("unpinned", false, List.of(step3Unpinned, socketIoUnpinned))),
                browser, goals, cluster());
    }

    private static Results.Cluster cluster() {
        Results.CpuUse bound = new Results.CpuUse(8, 0.98, 0.40, List.of(0.99, 0.41), 0.0, "server");
        List<Results.ProcessCpu> cpus = List.of(new Results.ProcessCpu("node a", 0.60, 2000.0),
                new Results.ProcessCpu("node b", 0.01, 33.3), new Results.ProcessCpu("redis", 0.37, 1233.3),
                new Results.ProcessCpu("generator", 0.40, 1333.3));
        Results.RedisUse joins = new Results.RedisUse(2400, 8, Map.of("evalsha", 4800L, "hset", 4800L, "spublish", 2400L),
                12000, 4800, 5.0, 2.0, 2400, null, null, 1233.3, 700, 4000);
        Results.RedisUse leaves = new Results.RedisUse(2400, 4, Map.of("evalsha", 2400L, "hincrby", 2400L), 4800, 2400,
                2.0, 1.0, 2400, null, null, 100.0, 300, 200);
        return new Results.Cluster(true, "0", "1", "7.0.15", List.of(
                new Results.ClusterProcess("node a", "taskset -c 0 java -cp ... Step4App", "0", "Serial"),
                new Results.ClusterProcess("redis", "taskset -c 0 redis-server --port 1234", "0", null)),
                30.0, true, List.of(30000.0, 39000.0, 40000.0, 40100.0), List.of(9000.0, 9900.0, 10000.0, 10050.0),
                new Results.Hop(500, 50, 16, 3.5, new Results.CpuUse(16, 0.04, 0.05, List.of(0.05, 0.06), 0.0,
                        "neither CPU full"), new Results.HopLatency(4000, 0, 0.20, 0.30, 0.80, 3.0),
                        new Results.HopLatency(4000, 1, 0.50, 0.70, 2.00, 6.0)),
                List.of(new Results.ClusterRate("joins", 1, 2400, 50, 50, 8.0, 2400, 0, 300.0, null, cpus, bound,
                                joins, leaves),
                        new Results.ClusterRate("joins", 2, 2160, 50, 50, 8.0, 2160, 0, 270.0, null, cpus, bound,
                                joins, leaves),
                        new Results.ClusterRate("signals", 1, 100, 10, 1000, 8.0, 320000, 0, 40000.0, 0.0, cpus, bound,
                                new Results.RedisUse(320000, 8, Map.of(), 0, 0, 0, 0, 0, null, null, 0.1, 0, 0), null),
                        new Results.ClusterRate("signals", 2, 100, 10, 1000, 8.0, 80000, 3, 10000.0, 1.0, cpus, bound,
                                new Results.RedisUse(80000, 8, Map.of("spublish", 80000L), 80000, 0, 1.0, 0.0, 80000,
                                        80000L, 1.0, 3.7, 400, 412.5), null)),
                null);
    }
}
