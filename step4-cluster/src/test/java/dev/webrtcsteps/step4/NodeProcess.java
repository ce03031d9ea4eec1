package dev.webrtcsteps.step4;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One step-4 node as a real process ({@code java ... Step4App}), as a user runs it, on a free port: so that a test
 * can kill it with SIGKILL. Its output is kept for the test's failure message.
 */
final class NodeProcess implements AutoCloseable {

    static final String STATS_TOKEN = "a-token-for-the-tests";
    /** Every node gives its users TURN credentials (docs/turn.md); no TURN server is needed to check them. */
    static final String TURN_URL = "turn:127.0.0.1:3478";
    private static final Pattern RUNNING = Pattern.compile("is running: open http://127\\.0\\.0\\.1:(\\d+)/");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String name;
    private final Process process;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final int port;

    private NodeProcess(String name, Map<String, String> environment) {
        this.name = name;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // A node lives for one test: the quick compiler alone and the serial collector start it on about half the
        // CPU time, which the browsers and the other nodes on a 2-core machine need more.
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Step4App.class.getName()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("PORT", "0", "NODE_ID", name, "STATS_TOKEN", STATS_TOKEN,
                "TURN_URLS", TURN_URL, "TURN_SECRET", "a-turn-secret-for-the-tests"));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        // Whatever happens to the test, the node does not outlive the test JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        CompletableFuture<Integer> started = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                    Matcher running = RUNNING.matcher(line);
                    if (running.find()) {
                        started.complete(Integer.parseInt(running.group(1)));
                    }
                }
            } catch (IOException ended) {
                // the process ended
            }
            started.completeExceptionally(new IllegalStateException("node " + name + " ended: " + output));
        }, "node-" + name + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            port = started.get(30, TimeUnit.SECONDS);
        } catch (Exception failed) {
            process.destroyForcibly();
            throw new IllegalStateException("node " + name + " did not start: " + output, failed);
        }
    }

    /** A node of the cluster whose Redis is at {@code redisUrl}, with more settings. */
    static NodeProcess start(String name, String redisUrl, String... moreSettings) {
        Map<String, String> environment = new java.util.HashMap<>();
        environment.put("REDIS_URL", redisUrl);
        for (int i = 0; i < moreSettings.length; i += 2) {
            environment.put(moreSettings[i], moreSettings[i + 1]);
        }
        return new NodeProcess(name, environment);
    }

    int port() {
        return port;
    }

    URI signal(String room, String... more) {
        StringBuilder query = new StringBuilder("/signal?room=" + room);
        for (String param : more) {
            query.append('&').append(param);
        }
        return URI.create("ws://127.0.0.1:" + port + query);
    }

    Welcomed join(String room, String... more) {
        return SignalingClient.join(signal(room, more));
    }

    /** GET a path, with the stats token; the status and body. */
    HttpResponse<String> get(String path) {
        return get(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + STATS_TOKEN).build());
    }

    HttpResponse<String> getWithoutToken(String path) {
        return get(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build());
    }

    private HttpResponse<String> get(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException failed) {
            throw new AssertionError(request + " on node " + name + " failed", failed);
        }
    }

    JsonNode stats() {
        try {
            return JSON.readTree(get("/stats").body());
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    /** Ends it at once, as a crash or an out-of-memory kill would (SIGKILL): it tells nobody. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops it as Ctrl+C or a deploy would (SIGTERM), and waits until it has. */
    void stop() {
        process.destroy();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    List<String> log() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return "node " + name + " on port " + port;
    }
}
