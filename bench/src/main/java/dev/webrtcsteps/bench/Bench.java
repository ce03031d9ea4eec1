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
 * then connection setup and file transfer in real browsers ({@link BrowserSetup}), then step 4's nodes through Redis
 * ({@link ClusterScenario}, docs/step4-cluster.md); writes report.md, report.json and charts to the folder given as the
 * first argument. Every loop has a count and a deadline; all traffic goes to 127.0.0.1.
 *
 * <p>Sizes can be changed with system properties (with Maven: {@code -Dbench.users=2000}): {@code bench.users}
 * (capacity target, default 19,000), {@code bench.browserRuns} (default 10; 0 leaves the browsers out),
 * {@code bench.fileRuns} (files sent per pair of browsers, and runs of each browser's reference, default 3; 0 sends
 * none), {@code bench.fileMib} (their size, default 100), {@code bench.joins} (measured joins, default 2,000), {@code bench.relaySeconds} (each relay
 * phase, default 8), {@code bench.servers} (which servers, comma separated, default all three), {@code bench.client}
 * (what the join and relay scenarios' users run on: "lean", the default, or "java.net.http"), {@code bench.cluster}
 * ("only": the cluster scenario alone; "no": without it; default: after the others), {@code bench.clusterSeconds}
 * (each of its measured phases, default 8).
 */
public final class Bench {

    /** Capacity goal: users held by one server process, and heap each may cost. */
    static final int CAPACITY_GOAL = 19_000;
    static final double HEAP_PER_USER_GOAL = 10 * 1024;
    /** Issue #16: relay saturation per core at least 1.5x socket.io's (it was 5x, out of reach of any server here). */
    static final double THROUGHPUT_FACTOR_GOAL = 1.5;
    static final double P99_GOAL_MS = 5;
    /** Join p99 at 200 joins/s no worse than socket.io's: step 3's over socket.io's at most this. */
    static final double JOIN_FACTOR_GOAL = 1.0;
    static final double BROWSER_FACTOR_GOAL = 1.5;
    /** Issue #16: step 3 relays at least as much as the least any Node.js relay can do. */
    static final double FLOOR_FACTOR_GOAL = 1.0;
    static final String STEP3 = "step3";
    static final String SOCKET_IO = "socket.io";
    /** A minimal relay on the ws package (bench/ws-floor): no checks, no limits, the least a relay can do. */
    static final String WS_FLOOR = "ws floor";

    /** The CPUs this process could use when it started, as a taskset list ("0,1"). */
    static final String ALL_CPUS = String.join(",",
            Cpus.allowedToThisProcess().stream().map(String::valueOf).toList());

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
        Files.createDirectories(out);
        Path baseline = Path.of("socketio-server").toAbsolutePath();
        Path floor = Path.of("ws-floor").toAbsolutePath();
        Sizes sizes = Sizes.fromProperties();
        int browserRuns = Integer.getInteger("bench.browserRuns", 10);
        String only = System.getProperty("bench.servers", "");
        List<String> names = only.isBlank() ? List.of(STEP3, SOCKET_IO, WS_FLOOR)
                : List.of(only.split(",")).stream().map(String::trim).toList();
        String clusterMode = System.getProperty("bench.cluster", "").trim();
        if (!List.of("", "yes", "only", "no").contains(clusterMode)) {
            throw new IllegalArgumentException("bench.cluster is 'only', 'no' or 'yes' (the default), not '" + clusterMode + "'");
        }
        boolean clusterOnly = clusterMode.equals("only");
        long started = System.nanoTime();
        String startedAt = Instant.now().toString();

        if (!clusterOnly) {
            System.out.println("Installing the socket.io baseline (npm ci)");
            run(baseline, "npm", "ci", "--no-audit", "--no-fund");
            System.out.println("Installing the ws floor (npm ci)");
            run(floor, "npm", "ci", "--no-audit", "--no-fund");
        }
        Results.Machine machine = machine(baseline);

        Results.Pinning pinning = pinning();
        List<Results.Pass> passes = new ArrayList<>();
        if (clusterOnly) {
            System.out.println("Only the cluster scenario (bench.cluster=only)");
        } else if (pinning.applied()) {
            System.out.println("Pinned pass: servers on CPU " + pinning.serverCpus() + ", the load generator on CPU "
                    + pinning.generatorCpus());
            Cpus.pinThisProcess(pinning.generatorCpus());
            passes.add(pass("pinned", true, names, out, Cpus.pinned(pinning.serverCpus()),
                    Cpus.pinned(pinning.generatorCpus()), sizes));
            Cpus.pinThisProcess(ALL_CPUS);
            System.out.println("Unpinned pass: servers and the load generator on CPUs " + ALL_CPUS);
            passes.add(pass("unpinned", false, names, out, List.of(), List.of(), sizes.withoutCapacity()));
        } else {
            System.out.println("Not pinned (" + pinning.note() + "): servers and the load generator share the CPUs");
            passes.add(pass("unpinned", false, names, out, List.of(), List.of(), sizes));
        }

        Results.BrowserResults browser = null;
        if (browserRuns > 0 && !clusterOnly) {
            System.out.println("Browsers: click to open data channel, then files between them (not pinned)");
            try {
                browser = BrowserSetup.measure(browserRuns, BrowserSetup.fileRuns(), BrowserSetup.fileBytes(),
                        BrowserKind.selected().toList(), out);
            } catch (RuntimeException | IOException failed) {
                System.out.println("  browsers not measured: " + failed.getMessage());
                browser = new Results.BrowserResults(List.of(), List.of(), List.of(),
                        String.valueOf(failed.getMessage()));
            }
        }

        Results.Cluster cluster = clusterMode.equals("no") ? null : cluster(pinning, out, ClusterScenario.Sizes.fromProperties());

        Results.Report report = new Results.Report(startedAt, (System.nanoTime() - started) / 1e9, machine, pinning,
                passes, browser, passes.isEmpty() ? List.of() : goals(passes.get(0), browser), cluster);
        ReportWriter.write(report, out);
        System.out.println("Wrote " + out.resolve("report.md").toAbsolutePath());
        report.goals().forEach(goal -> System.out.println("  " + (goal.met() ? "met    " : "MISSED ") + goal.name()
                + ": " + goal.measured() + (goal.ratio() == null ? "" : String.format(Locale.ROOT, ", %.2fx", goal.ratio()))
                + " (goal " + goal.target() + ")" + (goal.note().isEmpty() ? "" : "; " + goal.note())));
        System.out.printf("Bench took %.0f s%n", report.durationSeconds());
    }

    /**
     * Step 4's cluster: its two nodes and Redis on the CPU the servers get in the pinned pass, the load generator
     * (this process) on its other one, if the machine allows; otherwise everything shares the CPUs. A failure
     * (no redis-server, say) costs the run its cluster figures, not all the others.
     */
    static Results.Cluster cluster(Results.Pinning pinning, Path out, ClusterScenario.Sizes sizes) {
        boolean pinned = pinning.applied();
        System.out.println("Cluster (step 4): two nodes and one Redis" + (pinned ? " on CPU " + pinning.serverCpus()
                + ", the load generator on CPU " + pinning.generatorCpus() : ", not pinned (" + pinning.note() + ")"));
        try {
            if (pinned) {
                Cpus.pinThisProcess(pinning.generatorCpus());
            }
            return new ClusterScenario(sizes, out, pinned ? Cpus.pinned(pinning.serverCpus()) : List.of())
                    .run(pinned, pinning.serverCpus(), pinning.generatorCpus());
        } catch (RuntimeException | IOException failed) {
            System.out.println("  cluster not measured: " + failed);
            return new Results.Cluster(pinned, pinning.serverCpus(), pinning.generatorCpus(), null, List.of(), 0, false,
                    List.of(), List.of(), null, List.of(), String.valueOf(failed));
        } finally {
            if (pinned) {
                Cpus.pinThisProcess(ALL_CPUS);
            }
        }
    }

    /**
     * Each server on the first CPU this process may use, the load generator on the second, if there are two and
     * taskset is there to pin them.
     */
    private static Results.Pinning pinning() {
        List<Integer> cpus = Cpus.allowedToThisProcess();
        if (cpus.size() < 2) {
            return new Results.Pinning(false, null, null, "only " + cpus.size() + " CPU available: not pinned");
        }
        if (!Cpus.tasksetAvailable()) {
            return new Results.Pinning(false, null, null, "taskset not found (util-linux): not pinned");
        }
        return new Results.Pinning(true, String.valueOf(cpus.get(0)), String.valueOf(cpus.get(1)), "");
    }

    /**
     * The scenarios' sizes: {@code capacityUsers} (0: no capacity scenario), measured {@code joins}, the length of
     * each relay phase, and what the join and relay scenarios' users run on.
     */
    record Sizes(int capacityUsers, int joins, double relaySeconds, String client) {

        static Sizes fromProperties() {
            String client = System.getProperty("bench.client", "");
            return new Sizes(Integer.getInteger("bench.users", CAPACITY_GOAL), Integer.getInteger("bench.joins", 2_000),
                    doubleProperty("bench.relaySeconds", 8), client.isBlank() ? Clients.LEAN : client);
        }

        Sizes withoutCapacity() {
            return new Sizes(0, joins, relaySeconds, client);
        }
    }

    /**
     * One pass of the join and relay scenarios over every server, each started behind {@code serverLauncher}
     * (taskset, or nothing), while this process runs where it was put; then, if the sizes ask for it, capacity on
     * a fresh server, with its generator processes behind {@code generatorLauncher}.
     */
    private static Results.Pass pass(String pass, boolean pinned, List<String> names, Path out,
            List<String> serverLauncher, List<String> generatorLauncher, Sizes sizes) throws IOException {
        List<Results.ServerResults> servers = new ArrayList<>();
        for (String name : names) {
            System.out.println("Server under test: " + name + " (" + pass + ")");
            Results.Join join;
            Results.Relay relay;
            Results.Affinity affinity;
            String command;
            String gc;
            try (ServerUnderTest server = start(name, out, pass + "-join-relay", serverLauncher)) {
                command = server.command;
                gc = server.gc();
                join = new JoinScenario(sizes.joins(), 200, 50, sizes.client()).run(server);
                relay = new RelayScenario(100, 10, sizes.relaySeconds(), 1_000, sizes.client()).run(server);
                // Read back, not assumed: every thread of the server, and of this process, the generator.
                affinity = new Results.Affinity(Cpus.affinity(server.pid()), Cpus.affinity(ProcessHandle.current().pid()));
            }
            System.out.println("  CPUs: server " + affinity.server() + ", generator " + affinity.generator()
                    + (gc == null ? "" : "; server's GC: " + gc));
            // Capacity on a fresh process, so that its memory grows from an idle server's, not a busy one's.
            Results.Capacity capacity = null;
            if (sizes.capacityUsers() > 0) {
                try (ServerUnderTest server = start(name, out, pass + "-capacity", serverLauncher)) {
                    capacity = new CapacityScenario(sizes.capacityUsers(), 50, 2, 500, generatorLauncher).run(server);
                }
            }
            servers.add(new Results.ServerResults(name, command, gc, affinity, capacity, join, relay));
        }
        return new Results.Pass(pass, pinned, servers);
    }

    /** A system property as a number; unset or empty (Maven passes every one on, empty if not given): the default. */
    static double doubleProperty(String name, double otherwise) {
        String value = System.getProperty(name, "");
        return value.isBlank() ? otherwise : Double.parseDouble(value);
    }

    private static ServerUnderTest start(String name, Path out, String phase, List<String> launcher) throws IOException {
        int port = freePort();
        Path log = out.resolve(name.replaceAll("[. ]", "") + "-" + phase + ".log");
        return switch (name) {
            case STEP3 -> ServerUnderTest.step3(port, log, launcher);
            case SOCKET_IO -> ServerUnderTest.socketIo(port, Path.of("socketio-server").toAbsolutePath(), log, launcher);
            case WS_FLOOR -> ServerUnderTest.wsFloor(port, Path.of("ws-floor").toAbsolutePath(), log, launcher);
            default -> throw new IllegalArgumentException("no server called " + name + " (bench.servers)");
        };
    }

    /**
     * The goals, each checked against this run's numbers and each a ratio within the run: from the main
     * pass (pinned, one core per server, when the machine allows it).
     */
    static List<Results.Goal> goals(Results.Pass pass, Results.BrowserResults browser) {
        List<Results.Goal> goals = new ArrayList<>();
        Results.ServerResults ours = find(pass, STEP3);
        Results.ServerResults baseline = find(pass, SOCKET_IO);
        Results.ServerResults floor = find(pass, WS_FLOOR);
        String cores = pass.pinned() ? ", one core each" : " (not pinned: cores shared)";

        if (ours != null && ours.capacity() != null && ours.capacity().heapPerUser() != null) {
            Results.Capacity capacity = ours.capacity();
            boolean heldAll = capacity.held() >= CAPACITY_GOAL;
            double ratio = capacity.heapPerUser() / HEAP_PER_USER_GOAL;
            goals.add(new Results.Goal("Capacity", String.format(Locale.ROOT,
                    "%,d users, <= 10 KiB heap each (ratio to 10 KiB <= 1.0)", CAPACITY_GOAL),
                    String.format(Locale.ROOT, "%,d users, %.1f KiB heap each", capacity.held(),
                            capacity.heapPerUser() / 1024),
                    ratio, heldAll && ratio <= 1, !heldAll
                            ? String.format(Locale.ROOT, "%,d users short", CAPACITY_GOAL - capacity.held())
                            : ratio <= 1 ? "" : String.format(Locale.ROOT, "heap per user over the goal by %.1f KiB",
                                    (capacity.heapPerUser() - HEAP_PER_USER_GOAL) / 1024)));
        }
        if (ours != null && baseline != null) {
            goals.add(throughput("Relay throughput per core", "at least 1.5x socket.io's" + cores, ours, baseline,
                    THROUGHPUT_FACTOR_GOAL));
        }
        if (ours != null && floor != null) {
            goals.add(throughput("Relay throughput against the floor", "at least 1.0x the ws floor's" + cores, ours,
                    floor, FLOOR_FACTOR_GOAL));
        }
        if (ours != null && ours.relay() != null && ours.relay().atHalf() != null) {
            Results.LoadPoint half = ours.relay().atHalf();
            double ratio = half.p99() / P99_GOAL_MS;
            goals.add(new Results.Goal("Relay latency", "p99 under 5 ms at half of its own saturation (ratio to 5 ms < 1.0)",
                    String.format(Locale.ROOT, "p99 %.2f ms at %.0f signals/s", half.p99(), half.achievedPerSecond()),
                    ratio, ratio < 1, ratio < 1 ? "" : String.format(Locale.ROOT, "over by %.2f ms", half.p99() - P99_GOAL_MS)));
        }
        if (ours != null && baseline != null && ours.join() != null && baseline.join() != null) {
            double ratio = ours.join().p99() / baseline.join().p99();
            List<String> notes = new ArrayList<>();
            if (ratio > JOIN_FACTOR_GOAL) {
                notes.add(String.format(Locale.ROOT, "over by %.2f ms", ours.join().p99() - baseline.join().p99()));
            }
            // At a fixed rate neither side need be full; a figure is not the server's if the generator or others were.
            for (Results.ServerResults server : List.of(ours, baseline)) {
                Results.CpuUse cpu = server.join().cpu();
                if (cpu != null && (cpu.limitedBy().equals("generator") || cpu.limitedBy().startsWith("other load"))) {
                    notes.add(server.server() + "'s figure is not the server's alone: limited by " + cpu.limitedBy());
                }
            }
            goals.add(new Results.Goal("Join latency", String.format(Locale.ROOT,
                    "p99 at %.0f joins/s no worse than socket.io's (ratio <= 1.0)", ours.join().ratePerSecond()),
                    String.format(Locale.ROOT, "p99 %.2f vs %.2f ms", ours.join().p99(), baseline.join().p99()),
                    ratio, ratio <= JOIN_FACTOR_GOAL, String.join("; ", notes)));
        }

        if (browser != null) {
            for (String kind : browser.timings().stream().map(Results.BrowserTiming::browser).distinct().toList()) {
                double step1 = median(browser, kind, "step1");
                double step3 = median(browser, kind, "step3");
                double factor = step3 / step1;
                goals.add(new Results.Goal("Browser setup (" + kind + ")", "step 3 within 1.5x of step 1",
                        String.format(Locale.ROOT, "%.1f vs %.1f ms median", step3, step1), factor,
                        factor <= BROWSER_FACTOR_GOAL, factor <= BROWSER_FACTOR_GOAL ? ""
                                : String.format(Locale.ROOT, "over by %.2fx", factor - BROWSER_FACTOR_GOAL)));
            }
        }
        return goals;
    }

    /**
     * Step 3's saturation against another server's. Each is a server figure only if that server, not the load
     * generator, was the bottleneck; the note says when one was not.
     */
    private static Results.Goal throughput(String name, String target, Results.ServerResults ours,
            Results.ServerResults other, double goal) {
        double factor = ours.relay().saturationPerSecond() / other.relay().saturationPerSecond();
        List<String> notes = new ArrayList<>();
        if (factor < goal) {
            notes.add(String.format(Locale.ROOT, "short by %.2fx", goal - factor));
        }
        for (Results.ServerResults server : List.of(ours, other)) {
            Results.CpuUse cpu = server.relay().atSaturation();
            if (cpu != null && !cpu.limitedBy().equals("server")) {
                notes.add(server.server() + "'s figure is not the server's alone: limited by " + cpu.limitedBy());
            }
        }
        return new Results.Goal(name, target, String.format(Locale.ROOT, "%.0f vs %.0f signals/s",
                ours.relay().saturationPerSecond(), other.relay().saturationPerSecond()), factor, factor >= goal,
                String.join("; ", notes));
    }

    private static Results.ServerResults find(Results.Pass pass, String name) {
        return pass.servers().stream().filter(s -> s.server().equals(name) && s.relay() != null).findFirst().orElse(null);
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
        // With bench.cluster=only neither Node server is installed, and Node need not be there.
        Path socketIoPackage = baseline.resolve("node_modules/socket.io/package.json");
        String socketIoVersion = Files.exists(socketIoPackage)
                ? new ObjectMapper().readTree(socketIoPackage.toFile()).path("version").asText() : "not installed";
        String node;
        try {
            node = run(baseline, "node", "--version").trim();
        } catch (IOException | IllegalStateException notThere) {
            node = "not found";
        }
        return new Results.Machine(System.getProperty("os.name") + " " + System.getProperty("os.version"),
                Runtime.getRuntime().availableProcessors(), Long.parseLong(memTotal) * 1024,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                node, socketIoVersion, limitWords.length > 3 ? Long.parseLong(limitWords[3]) : -1);
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
