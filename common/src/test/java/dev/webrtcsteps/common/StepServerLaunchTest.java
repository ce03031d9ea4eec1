package dev.webrtcsteps.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Starts a step the way a person does, in its own JVM, and reads what it prints. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StepServerLaunchTest {

    /** A step with nothing of its own, run as a separate process. */
    public static final class SampleStep {
        public static void main(String[] args) {
            StepServer.run("Sample step", () -> StepServer.create("test-page", config -> { }));
        }
    }

    @Test
    void printsThePageUrlOnceItIsServing() throws Exception {
        Process server = launch(Map.of("PORT", "0"));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            Matcher url = Pattern.compile("^Sample step is running: open (http://127\\.0\\.0\\.1:\\d+/)$").matcher(line);
            assertTrue(url.find(), "first line: " + line);
            assertEquals("Only this machine can reach it (HOST=0.0.0.0 opens it to your network). Ctrl+C stops it.",
                    out.readLine());
            assertServes(url.group(1));
        } finally {
            stop(server);
        }
    }

    @Test
    void onEveryInterfaceItPrintsLocalhostAndEachNetworkAddressAndEachServes() throws Exception {
        Process server = launch(Map.of("PORT", "0", "HOST", "0.0.0.0"));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            Matcher url = Pattern.compile("^Sample step is running: open http://localhost:(\\d+)/$").matcher(line);
            assertTrue(url.find(), "first line: " + line);
            int port = Integer.parseInt(url.group(1));
            assertServes("http://localhost:" + port + "/");
            List<String> networkUrls = new ArrayList<>();
            for (line = out.readLine(); line.startsWith("  or, from a phone or another computer on your network, "); line = out.readLine()) {
                networkUrls.add(line.substring(line.lastIndexOf(' ') + 1));
            }
            assertEquals("Ctrl+C stops it.", line);
            List<String> expected = ServerAddress.networkAddresses().stream()
                    .map(address -> "http://" + address.getHostAddress() + ":" + port + "/").toList();
            assertEquals(expected, networkUrls);
            for (String networkUrl : networkUrls) {
                assertServes(networkUrl);
            }
        } finally {
            stop(server);
        }
    }

    private static void assertServes(String pageUrl) throws Exception {
        HttpResponse<String> style = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(pageUrl + "common/style.css")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, style.statusCode(), pageUrl);
    }

    private static void stop(Process server) throws InterruptedException {
        server.destroy();
        server.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void aPortThatIsNotANumberIsOneLineOfAdvice() throws Exception {
        Finished run = runToEnd(Map.of("PORT", "eighty"));
        assertEquals(1, run.exitCode());
        assertEquals(List.of("error: PORT must be a number from 0 to 65535 (0 picks a free port), but it is 'eighty'."),
                run.errorLines());
    }

    @Test
    void aTakenPortIsOneLineOfAdvice() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Finished run = runToEnd(Map.of("PORT", String.valueOf(taken.getLocalPort())));
            assertEquals(1, run.exitCode());
            assertEquals(1, run.errorLines().size(), "stderr: " + run.errorLines());
            String line = run.errorLines().get(0);
            assertTrue(line.startsWith("error: Cannot listen on that port, it is probably in use"), line);
            assertTrue(line.contains("choose another port, e.g. PORT="), line);
            assertFalse(line.contains("Exception"), line);
        }
    }

    private record Finished(int exitCode, List<String> errorLines) {
    }

    private static Finished runToEnd(Map<String, String> environment) throws Exception {
        Process process = launch(environment);
        process.getOutputStream().close();
        List<String> errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the server should give up, not keep running");
        return new Finished(process.exitValue(), errors);
    }

    private static Process launch(Map<String, String> environment) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SampleStep.class.getName());
        builder.environment().remove("HOST");
        builder.environment().putAll(environment);
        return builder.start();
    }
}
