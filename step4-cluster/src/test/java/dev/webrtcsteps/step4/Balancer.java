package dev.webrtcsteps.step4;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * HAProxy (Debian's package) with the chapter's configuration, {@code balancer/haproxy.cfg}, on free ports: its
 * {@code bind} line listens on a free port and its {@code server} lines name the test's nodes. Nothing else of
 * the file changes, so the test checks the configuration users copy.
 */
final class Balancer implements AutoCloseable {

    static final Path CONFIGURATION = Path.of("balancer/haproxy.cfg");
    private final int port = RedisProcess.freePort();
    private final Process process;
    private final Path log;

    Balancer(NodeProcess... nodes) {
        try {
            List<String> lines = new ArrayList<>();
            boolean serversWritten = false;
            for (String line : Files.readAllLines(CONFIGURATION)) {
                if (line.trim().startsWith("bind ")) {
                    lines.add("    bind 127.0.0.1:" + port);
                } else if (line.trim().startsWith("server ")) {
                    if (!serversWritten) {
                        for (NodeProcess node : nodes) {
                            lines.add("    server " + node.name + " 127.0.0.1:" + node.port() + " check");
                        }
                        serversWritten = true;
                    }
                } else {
                    lines.add(line);
                }
            }
            Path directory = Files.createTempDirectory("haproxy");
            Path configuration = Files.write(directory.resolve("haproxy.cfg"), lines);
            log = directory.resolve("haproxy.log");
            process = new ProcessBuilder("haproxy", "-db", "-f", configuration.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly)); // never outlives the tests
        } catch (IOException notInstalled) {
            throw new UncheckedIOException("Cannot start haproxy: install Debian's haproxy package (bash .ci/run does)",
                    notInstalled);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("haproxy did not start; see " + log);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private boolean listening() {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** A GET through the balancer, on a connection of its own; its status. */
    int get(String path) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url(path))).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException failed) {
            throw new AssertionError("GET " + path + " through the balancer failed", failed);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
