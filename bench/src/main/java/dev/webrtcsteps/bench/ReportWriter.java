package dev.webrtcsteps.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a run's {@link Results.Report} as {@code report.json}, {@code report.md} and PNG charts under
 * {@code charts/}. Every number in the Markdown comes from the Report, so the JSON and the report agree.
 */
public final class ReportWriter {

    static final String MEMORY_CHART = "memory-vs-users.png";
    static final String LATENCY_CHART = "latency-vs-load.png";
    static final String JOIN_CHART = "join-latency.png";
    static final String BROWSER_CHART = "browser-setup.png";
    static final String SATURATION_CHART = "relay-saturation.png";

    static final double KIB = 1024.0;
    static final double MIB = KIB * 1024;
    static final double GIB = MIB * 1024;

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
            Set<String> written = ReportCharts.write(report, charts);
            Files.writeString(directory.resolve("report.md"), new MarkdownReport(report, written).render());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the report to " + directory, e);
        }
    }

    private static void writeJson(Results.Report report, Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
    }

    /** The passes of the run, pinned first. */
    static List<Results.Pass> passes(Results.Report report) {
        return report.passes() == null ? List.of() : report.passes().stream().filter(Objects::nonNull).toList();
    }

    /** The main pass's latency chart is {@link #LATENCY_CHART}; another pass's has its name in the file's. */
    static String latencyChart(int index, Results.Pass pass) {
        return index == 0 ? LATENCY_CHART : "latency-vs-load-" + pass.name().replaceAll("[^A-Za-z0-9]", "") + ".png";
    }

    /** The servers of one pass. */
    static List<Results.ServerResults> servers(Results.Pass pass) {
        return pass == null || pass.servers() == null ? List.of()
                : pass.servers().stream().filter(Objects::nonNull).toList();
    }

    /** The servers of the main pass (pinned, if the run was). */
    static List<Results.ServerResults> servers(Results.Report report) {
        return servers(report.mainPass());
    }

    /** Browser timings grouped by browser (in the order measured), then by page ("step1", "step3"). */
    static Map<String, Map<String, Results.BrowserTiming>> browserTimings(Results.Report report) {
        Map<String, Map<String, Results.BrowserTiming>> byBrowser = new LinkedHashMap<>();
        if (report.browser() == null || report.browser().timings() == null) {
            return byBrowser;
        }
        for (Results.BrowserTiming timing : report.browser().timings()) {
            byBrowser.computeIfAbsent(timing.browser(), browser -> new LinkedHashMap<>()).put(timing.page(), timing);
        }
        return byBrowser;
    }

    static <T> List<T> orEmpty(List<T> list) {
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

    /** MB/s, MB = 10^6 bytes: file transfers, as browsers and networks count them. */
    static String megabytesPerSecond(double perSecond) {
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }


}
