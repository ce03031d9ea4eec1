package dev.webrtcsteps.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webrtcsteps.testing.BrowserKind;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark (docs/performance.md): step 3's server, a socket.io baseline and a ws floor through the same scenarios,
 * then connection setup in real browsers; writes report.md, report.json and charts to the folder given as the
 * first argument. Every loop has a count and a deadline; all traffic goes to 127.0.0.1.
 *
 * <p>Sizes can be changed with system properties (with Maven: {@code -Dbench.users=2000}): {@code bench.users}
 * (capacity target, default 19,000), {@code bench.browserRuns} (default 10; 0 leaves the browsers out),
 * {@code bench.joins} (measured joins, default 2,000), {@code bench.relaySeconds} (each relay phase, default 8),
 * {@code bench.servers} (which servers, comma separated, default all three).
 */
public final class Bench {

    /** Capacity goal: users held by one server process, and heap each may cost. */
    static final int CAPACITY_GOAL = 19_000;
    static final double HEAP_PER_USER_GOAL = 10 * 1024;
    static final double THROUGHPUT_FACTOR_GOAL = 5;
    static final double P99_GOAL_MS = 5;
    static final double BROWSER_FACTOR_GOAL = 1.5;
    /** Issue #16: step 3 relays at least as much as the least any Node.js relay can do. */
    static final double FLOOR_FACTOR_GOAL = 1.0;
    static final String STEP3 = "step3";
    static final String SOCKET_IO = "socket.io";
    /** A minimal relay on the ws package (bench/ws-floor): no checks, no limits, the least a relay can do. */
    static final String WS_FLOOR = "ws floor";

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
        Files.createDirectories(out);
        Path baseline = Path.of("socketio-server").toAbsolutePath();
        Path floor = Path.of("ws-floor").toAbsolutePath();
        int users = Integer.getInteger("bench.users", CAPACITY_GOAL);
        int joins = Integer.getInteger("bench.joins", 2_000);
        double relaySeconds = doubleProperty("bench.relaySeconds", 8);
        int browserRuns = Integer.getInteger("bench.browserRuns", 10);
        String only = System.getProperty("bench.servers", "");
        List<String> names = only.isBlank() ? List.of(STEP3, SOCKET_IO, WS_FLOOR)
                : List.of(only.split(",")).stream().map(String::trim).toList();
        long started = System.nanoTime();
        String startedAt = Instant.now().toString();

        System.out.println("Installing the socket.io baseline (npm ci)");
        run(baseline, "npm", "ci", "--no-audit", "--no-fund");
        System.out.println("Installing the ws floor (npm ci)");
        run(floor, "npm", "ci", "--no-audit", "--no-fund");
        Results.Machine machine = machine(baseline);

        List<Results.ServerResults> servers = new ArrayList<>();
        for (String name : names) {
            System.out.println("Server under test: " + name);
            Results.Join join;
            Results.Relay relay;
            String command;
            try (ServerUnderTest server = start(name, out, "join-relay")) {
                command = server.command;
                join = new JoinScenario(joins, 200, 50).run(server);
                relay = new RelayScenario(100, 10, relaySeconds, 1_000).run(server);
            }
            // Capacity on a fresh process, so that its memory grows from an idle server's, not a busy one's.
            Results.Capacity capacity;
            try (ServerUnderTest server = start(name, out, "capacity")) {
                capacity = new CapacityScenario(users, 50, 2, 500).run(server);
            }
            servers.add(new Results.ServerResults(name, command, capacity, join, relay));
        }

        Results.BrowserResults browser = null;
        if (browserRuns > 0) {
            System.out.println("Browsers: click to open data channel");
            browser = BrowserSetup.measure(browserRuns, BrowserKind.selected().toList(), out);
        }

        Results.Report report = new Results.Report(startedAt, (System.nanoTime() - started) / 1e9, machine, servers,
                browser, goals(servers, browser));
        ReportWriter.write(report, out);
        System.out.println("Wrote " + out.resolve("report.md").toAbsolutePath());
        report.goals().forEach(goal -> System.out.println("  " + (goal.met() ? "met    " : "MISSED ") + goal.name()
                + ": " + goal.measured() + " (goal " + goal.target() + ")"));
    }

    /** A system property as a number; unset or empty (Maven passes every one on, empty if not given): the default. */
    static double doubleProperty(String name, double otherwise) {
        String value = System.getProperty(name, "");
        return value.isBlank() ? otherwise : Double.parseDouble(value);
    }

    private static ServerUnderTest start(String name, Path out, String phase) throws IOException {
        int port = freePort();
        Path log = out.resolve(name.replaceAll("[. ]", "") + "-" + phase + ".log");
        return switch (name) {
            case STEP3 -> ServerUnderTest.step3(port, log);
            case SOCKET_IO -> ServerUnderTest.socketIo(port, Path.of("socketio-server").toAbsolutePath(), log);
            case WS_FLOOR -> ServerUnderTest.wsFloor(port, Path.of("ws-floor").toAbsolutePath(), log);
            default -> throw new IllegalArgumentException("no server called " + name + " (bench.servers)");
        };
    }

    /** The goals, each checked against this run's numbers. */
    static List<Results.Goal> goals(List<Results.ServerResults> servers, Results.BrowserResults browser) {
        Results.ServerResults ours = servers.stream().filter(s -> s.server().equals(STEP3)).findFirst().orElseThrow();
        Results.ServerResults baseline = servers.stream().filter(s -> s.server().equals(SOCKET_IO)).findFirst().orElse(null);
        Results.ServerResults floor = servers.stream().filter(s -> s.server().equals(WS_FLOOR)).findFirst().orElse(null);
        List<Results.Goal> goals = new ArrayList<>();

        Results.Capacity capacity = ours.capacity();
        boolean heldAll = capacity.held() >= CAPACITY_GOAL;
        boolean lightEnough = capacity.heapPerUser() != null && capacity.heapPerUser() < HEAP_PER_USER_GOAL;
        goals.add(new Results.Goal("Capacity", String.format(Locale.ROOT, "%,d users, < 10 KiB heap each", CAPACITY_GOAL),
                String.format(Locale.ROOT, "%,d users, %.1f KiB heap each", capacity.held(), capacity.heapPerUser() / 1024),
                heldAll && lightEnough, heldAll ? (lightEnough ? "" : "heap per user over the goal by "
                        + String.format(Locale.ROOT, "%.1f KiB", (capacity.heapPerUser() - HEAP_PER_USER_GOAL) / 1024))
                        : String.format(Locale.ROOT, "%,d users short", CAPACITY_GOAL - capacity.held())));

        if (baseline != null) {
            double factor = ours.relay().saturationPerSecond() / baseline.relay().saturationPerSecond();
            goals.add(new Results.Goal("Relay throughput", "at least 5x socket.io's",
                    String.format(Locale.ROOT, "%.1fx (%.0f vs %.0f signals/s)", factor, ours.relay().saturationPerSecond(),
                            baseline.relay().saturationPerSecond()),
                    factor >= THROUGHPUT_FACTOR_GOAL, factor >= THROUGHPUT_FACTOR_GOAL ? ""
                            : String.format(Locale.ROOT, "short by %.1fx", THROUGHPUT_FACTOR_GOAL - factor)));
        }

        if (floor != null) {
            double factor = ours.relay().saturationPerSecond() / floor.relay().saturationPerSecond();
            goals.add(new Results.Goal("Relay throughput against the floor", "at least 1.0x the ws floor's",
                    String.format(Locale.ROOT, "%.2fx (%.0f vs %.0f signals/s)", factor, ours.relay().saturationPerSecond(),
                            floor.relay().saturationPerSecond()),
                    factor >= FLOOR_FACTOR_GOAL, factor >= FLOOR_FACTOR_GOAL ? ""
                            : String.format(Locale.ROOT, "short by %.2fx", FLOOR_FACTOR_GOAL - factor)));
        }

        Results.LoadPoint half = ours.relay().atHalf();
        goals.add(new Results.Goal("Relay latency", "p99 under 5 ms at half of saturation",
                String.format(Locale.ROOT, "p99 %.2f ms at %.0f signals/s", half.p99(), half.achievedPerSecond()),
                half.p99() < P99_GOAL_MS, half.p99() < P99_GOAL_MS ? ""
                        : String.format(Locale.ROOT, "over by %.2f ms", half.p99() - P99_GOAL_MS)));

        if (browser != null) {
            for (String kind : browser.timings().stream().map(Results.BrowserTiming::browser).distinct().toList()) {
                double step1 = median(browser, kind, "step1");
                double step3 = median(browser, kind, "step3");
                double factor = step3 / step1;
                goals.add(new Results.Goal("Browser setup (" + kind + ")", "step 3 within 1.5x of step 1",
                        String.format(Locale.ROOT, "%.2fx (%.1f vs %.1f ms median)", factor, step3, step1),
                        factor <= BROWSER_FACTOR_GOAL, factor <= BROWSER_FACTOR_GOAL ? ""
                                : String.format(Locale.ROOT, "over by %.2fx", factor - BROWSER_FACTOR_GOAL)));
            }
        }
        return goals;
    }

    private static double median(Results.BrowserResults browser, String kind, String page) {
        return browser.timings().stream().filter(t -> t.browser().equals(kind) && t.page().equals(page))
                .mapToDouble(Results.BrowserTiming::median).findFirst().orElse(Double.NaN);
    }

    private static Results.Machine machine(Path baseline) throws IOException, InterruptedException {
        String memTotal = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .findFirst().orElse("0").replaceAll("\\D", "");
        String limits = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max open files")).findFirst().orElse("");
        String[] limitWords = limits.trim().split("\\s+");
        String socketIoVersion = new ObjectMapper().readTree(baseline.resolve("node_modules/socket.io/package.json").toFile())
                .path("version").asText();
        return new Results.Machine(System.getProperty("os.name") + " " + System.getProperty("os.version"),
                Runtime.getRuntime().availableProcessors(), Long.parseLong(memTotal) * 1024,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                run(baseline, "node", "--version").trim(), socketIoVersion,
                limitWords.length > 3 ? Long.parseLong(limitWords[3]) : -1);
    }

    /** Runs a command to its end (at most 5 minutes) and returns its output; fails if it fails. */
    static String run(Path directory, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
