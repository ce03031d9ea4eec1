package dev.webrtcsteps.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final List<String> CHARTS = List.of(ReportWriter.MEMORY_CHART, ReportWriter.LATENCY_CHART,
            ReportWriter.JOIN_CHART, ReportWriter.BROWSER_CHART);

    @TempDir
    Path directory;

    @Test
    void jsonReadsBackToTheSameNumbers() throws IOException {
        Results.Report report = report();
        ReportWriter.write(report, directory);

        Results.Report read = new ObjectMapper().readValue(directory.resolve("report.json").toFile(),
                Results.Report.class);
        assertEquals(report, read);
        assertEquals(12345.6, read.servers().get(0).relay().saturationPerSecond());
        assertEquals(3.46, read.servers().get(0).relay().atHalf().p99());
    }

    @Test
    void markdownShowsTheReportsNumbers() throws IOException {
        ReportWriter.write(report(), directory);

        String markdown = Files.readString(directory.resolve("report.md"));
        assertAll(
                () -> assertTrue(markdown.startsWith("# Benchmark: step3 vs socket.io\n")),
                () -> assertContains(markdown, "Run started 2025-11-25T20:00:00Z, took 601 s."),
                () -> assertContains(markdown, "8 cores, 16.0 GiB RAM, Java 17.0.15"),
                () -> assertContains(markdown, "|  | step3 | socket.io |"),
                () -> assertContains(markdown, "| Users held / target | 10000 / 10000 | 9990 / 10000 |"),
                () -> assertContains(markdown, "| Time to connect them (s) | 4.25 | 6.50 |"),
                () -> assertContains(markdown, "| RSS at peak (MiB) | 300.0 | 400.0 |"),
                () -> assertContains(markdown, "| RSS per user (KiB) | 20.5 | 30.0 |"),
                () -> assertContains(markdown, "| Heap after GC per user (KiB) | 2.5 | n/a |"),
                () -> assertContains(markdown, "| Rate (joins/s) | 200 | 200 |"),
                () -> assertContains(markdown, "| p99 (ms) | 7.89 | 12.34 |"),
                () -> assertContains(markdown, "| Saturation (signals/s) | 12346 | 8000 |"),
                // The half-load point of step3: fraction, target, achieved, p50, p99, max, lost.
                () -> assertContains(markdown, "| 50% | 6173 | 6170 | 1.23 | 3.46 | 9.87 | 0 |"),
                () -> assertContains(markdown, "| chromium | 55.00 | 70.00 | 110.00 | 150.00 | 2.00 |"),
                () -> assertContains(markdown, "| firefox | 80.00 | 95.50 | n/a | n/a | n/a |"),
                () -> assertContains(markdown, "| Relay saturation | >= 10000 signals/s | 12346 signals/s | yes |  |"),
                () -> assertContains(markdown, "| Memory per user | <= 16 KiB | 20.5 KiB | NO | RSS \\| heap |"),
                () -> CHARTS.forEach(chart -> assertContains(markdown, "(charts/" + chart + ")")));
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
                List.of(new Results.ServerResults("step3", "java", null, null,
                        new Results.Relay(0, 2, 0, List.of()))),
                null, List.of());
        ReportWriter.write(empty, directory);

        String markdown = Files.readString(directory.resolve("report.md"));
        assertContains(markdown, "_Not measured in this run (no browser results)._");
        assertContains(markdown, "_No load points measured._");
        assertContains(markdown, "_No goals evaluated in this run._");
        assertFalse(markdown.contains("](charts/"), markdown);
        CHARTS.forEach(chart -> assertFalse(Files.exists(directory.resolve("charts").resolve(chart)), chart));
    }

    private static void assertContains(String text, String expected) {
        assertTrue(text.contains(expected), () -> "Expected \"" + expected + "\" in:\n" + text);
    }

    private static Results.Report report() {
        long mib = 1024 * 1024;
        Results.ServerResults step3 = new Results.ServerResults("step3", "java -jar step3.jar",
                new Results.Capacity(10_000, 10_000, 10, 0, 4.25,
                        List.of(new Results.MemoryPoint(0, 100 * mib, 20 * mib),
                                new Results.MemoryPoint(5_000, 200 * mib, 32 * mib),
                                new Results.MemoryPoint(10_000, 300 * mib, 45 * mib)),
                        100 * mib, 300 * mib, 20.5 * 1024, 20 * mib, 45 * mib, 2560.0),
                new Results.Join(2_000, 200, 10, 0, 2.5, 7.89, 15.0),
                new Results.Relay(1_000, 10, 12345.6, List.of(
                        new Results.LoadPoint(0.25, 3086.4, 3086, 30_000, 0, 0.9, 2.1, 5.0),
                        new Results.LoadPoint(0.5, 6172.8, 6170, 60_000, 0, 1.23, 3.46, 9.87),
                        new Results.LoadPoint(1.0, 12345.6, 11000, 110_000, 3, 40.0, 250.0, 800.0))));
        Results.ServerResults socketIo = new Results.ServerResults("socket.io", "node server.js",
                new Results.Capacity(10_000, 9_990, 10, 10, 6.5,
                        List.of(new Results.MemoryPoint(0, 100 * mib, null),
                                new Results.MemoryPoint(10_000, 400 * mib, null)),
                        100 * mib, 400 * mib, 30.0 * 1024, null, null, null),
                new Results.Join(2_000, 200, 10, 1, 4.0, 12.34, 30.0),
                new Results.Relay(1_000, 10, 8000, List.of(
                        new Results.LoadPoint(0.5, 4000, 4000, 40_000, 0, 2.0, 6.0, 12.0),
                        new Results.LoadPoint(1.0, 8000, 7500, 75_000, 10, 60.0, 400.0, 1200.0))));
        Results.BrowserResults browser = new Results.BrowserResults(List.of(
                new Results.BrowserTiming("chromium", "step1", 5, 55.0, 70.0, List.of(50.0, 55.0, 70.0)),
                new Results.BrowserTiming("chromium", "step3", 5, 110.0, 150.0, List.of(100.0, 110.0, 150.0)),
                new Results.BrowserTiming("firefox", "step1", 5, 80.0, 95.5, List.of(80.0, 95.5))));
        List<Results.Goal> goals = List.of(
                new Results.Goal("Relay saturation", ">= 10000 signals/s", "12346 signals/s", true, null),
                new Results.Goal("Memory per user", "<= 16 KiB", "20.5 KiB", false, "RSS | heap"));
        Results.Machine machine = new Results.Machine("Linux 6.1 (amd64)", 8, 16L * 1024 * mib, "17.0.15",
                "v20.11.0", "4.8.1", 1_048_576);
        return new Results.Report("2025-11-25T20:00:00Z", 601, machine, List.of(step3, socketIo), browser, goals);
    }
}
