package dev.webrtcsteps.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test, started in a process of its own the way a user starts it: a step with
 * {@code java ... dev.webrtcsteps.step3.Step3App}, the baseline with {@code node server.js}. The bench reaches it
 * only over the wire. Its memory is read from outside: resident set size from /proc, and for a Java server the
 * heap after a full GC via jcmd. A {@code launcher} such as {@code taskset -c 0} goes in front of the command (it
 * execs the command, so the process is the server's own).
 */
final class ServerUnderTest implements AutoCloseable {

    /** HTTP/1.1: Java asks for an upgrade to HTTP/2 otherwise, which Node hands to socket.io, and nobody answers. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /**
     * What GC.heap_info says is in use: one heap (G1: "garbage-first heap total ..K, used ..K") or the sum of two
     * generations (Serial, which a JVM picks on one CPU: "def new generation" and "tenured generation"; Parallel:
     * "PSYoungGen" and "ParOldGen").
     */
    private static final Pattern HEAP_USED =
            Pattern.compile("(?:heap|generation|PSYoungGen|ParOldGen)\\s+total \\d+K, used (\\d+)K");
    private static final Pattern GC_FLAG = Pattern.compile("-XX:\\+Use(\\w+)GC\\b");

    final String name;
    final BenchClient.Wire wire;
    final int port;
    final String command;
    private final Process process;
    private final boolean java;

    private ServerUnderTest(String name, BenchClient.Wire wire, int port, List<String> launcher, List<String> command,
            Map<String, String> environment, Path directory, Path log, boolean java) throws IOException {
        this.name = name;
        this.wire = wire;
        this.port = port;
        this.java = java;
        this.command = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + " ").sorted()
                .reduce("", String::concat) + String.join(" ", launcher) + (launcher.isEmpty() ? "" : " ")
                + String.join(" ", java ? List.of("java", "-cp", "...", command.get(command.size() - 1)) : command);
        List<String> launched = new ArrayList<>(launcher);
        launched.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(launched).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        this.process = builder.start();
    }

    /** Every simulated user connects from this machine's one address: step 3's limits per address are lifted. */
    static final Map<String, String> ONE_ADDRESS_FOR_ALL =
            Map.of("MAX_CONNECTIONS_PER_ADDRESS", "1000000", "JOINS_PER_SECOND_PER_ADDRESS", "100000");

    /** Step 3's own server, with its defaults but for the rate limits, which would cap the scenarios. */
    static ServerUnderTest step3(int port, Path log) throws IOException {
        return step3(port, log, List.of());
    }

    static ServerUnderTest step3(int port, Path log, List<String> launcher) throws IOException {
        Map<String, String> settings = new HashMap<>(ONE_ADDRESS_FOR_ALL);
        settings.putAll(Map.of("RATE_LIMIT_PER_SECOND", "100000", "RATE_LIMIT_BURST", "100000"));
        return step("step3", "dev.webrtcsteps.step3.Step3App", port, log, settings, launcher);
    }

    /** What the bench's step-4 nodes want for {@code /metrics} (and {@code /stats}): at least 16 characters. */
    static final String STATS_TOKEN = "bench-stats-token-not-a-secret";

    /**
     * A node of step 4's cluster ({@code dev.webrtcsteps.step4.Step4App}) named {@code node}, sharing the Redis at
     * {@code redisUrl}; step 3's limits lifted as for {@link #step3}, and the cluster's user limit too.
     */
    static ServerUnderTest step4Node(String node, int port, Path log, List<String> launcher, String redisUrl)
            throws IOException {
        Map<String, String> settings = new HashMap<>(ONE_ADDRESS_FOR_ALL);
        settings.putAll(Map.of("RATE_LIMIT_PER_SECOND", "100000", "RATE_LIMIT_BURST", "100000",
                "MAX_USERS", "1000000", "REDIS_URL", redisUrl, "NODE_ID", node, "STATS_TOKEN", STATS_TOKEN));
        return step("node " + node, "dev.webrtcsteps.step4.Step4App", port, log, settings, launcher);
    }

    /** A step's app ({@code mainClass}) from this process's class path, which holds every step's jar. */
    static ServerUnderTest step(String name, String mainClass, int port, Path log, Map<String, String> settings)
            throws IOException {
        return step(name, mainClass, port, log, settings, List.of());
    }

    static ServerUnderTest step(String name, String mainClass, int port, Path log, Map<String, String> settings,
            List<String> launcher) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, String> environment = new HashMap<>(settings);
        environment.put("PORT", String.valueOf(port));
        return started(new ServerUnderTest(name, BenchClient.Wire.STEP3, port, launcher,
                List.of(javaBin, "-cp", System.getProperty("java.class.path"), mainClass), environment,
                Path.of("."), log, true), "/health");
    }

    /** The socket.io baseline in bench/socketio-server. */
    static ServerUnderTest socketIo(int port, Path directory, Path log, List<String> launcher) throws IOException {
        return started(new ServerUnderTest("socket.io", BenchClient.Wire.SOCKET_IO, port, launcher,
                List.of("node", "server.js"), Map.of("PORT", String.valueOf(port)), directory, log, false), "/stats");
    }

    /** The floor in bench/ws-floor: step 3's wire on the ws package, with no checks at all. */
    static ServerUnderTest wsFloor(int port, Path directory, Path log, List<String> launcher) throws IOException {
        return started(new ServerUnderTest("ws floor", BenchClient.Wire.STEP3, port, launcher,
                List.of("node", "server.js"), Map.of("PORT", String.valueOf(port)), directory, log, false), "/stats");
    }

    long pid() {
        return process.pid();
    }

    /** The garbage collector the server's JVM chose ("G1", "Serial", ...); null for a Node server. */
    String gc() {
        if (!java) {
            return null;
        }
        Matcher flag = GC_FLAG.matcher(jcmd("VM.flags"));
        return flag.find() ? flag.group(1) : "unknown";
    }

    private static ServerUnderTest started(ServerUnderTest server, String readyPath) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.process.isAlive()) {
                throw new IllegalStateException(server.name + " exited at start; see its log");
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port + readyPath)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return server;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        server.close();
        throw new IllegalStateException(server.name + " did not become ready within 60 s");
    }

    /** The node's {@code GET /metrics} (step 4), Prometheus' text format. */
    String metrics() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + STATS_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(name + " answered /metrics with " + response.statusCode());
            }
            return response.body();
        } catch (IOException failed) {
            throw new IllegalStateException(name + " did not answer /metrics", failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    /** Resident set size, from /proc/PID/status. */
    long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException gone) {
            throw new IllegalStateException(name + " is gone", gone);
        }
        throw new IllegalStateException("no VmRSS for " + name);
    }

    /** Heap in use right after a full GC (Java server only; null for the baseline). */
    Long heapAfterGc() {
        if (!java) {
            return null;
        }
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher used = HEAP_USED.matcher(info);
        long kib = 0;
        boolean found = false;
        while (used.find()) {
            kib += Long.parseLong(used.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("jcmd GC.heap_info gave no heap figure: " + info);
        }
        return kib * 1024;
    }

    private String jcmd(String command) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process run = new ProcessBuilder(jcmd, String.valueOf(process.pid()), command).redirectErrorStream(true).start();
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + command + " failed: " + output);
            }
            return output;
        } catch (IOException failed) {
            throw new IllegalStateException("jcmd " + command + " failed", failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
