package dev.webrtcsteps.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Slowloris: a request header that trickles in is cut off at the deadline; nothing else is. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeaderDeadlineTest {

    /** Shortened for the test; the steps use {@link StepServer#REQUEST_HEADER_DEADLINE}. */
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    /** Half a deadline: the trickle never leaves a connection silent for long. */
    private static final long TRICKLE_MILLIS = 250;

    @RegisterExtension
    static final AppServer app = new AppServer(() -> StepServer.create("test-page", HostCheck.allowing(), DEADLINE,
            config -> config.routes.ws("/echo", ws -> ws.onMessage(ctx -> ctx.send(ctx.message())))));

    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopPacer() {
        pacer.shutdownNow();
    }

    @Test
    void aHeaderThatTricklesInIsCutOffAtTheDeadline() throws Exception {
        assertTricklingIsCutOff("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    }

    @Test
    void aWebSocketUpgradeThatTricklesInIsCutOffAtTheDeadline() throws Exception {
        assertTricklingIsCutOff("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
    }

    @Test
    void aRequestLineThatTricklesInIsCutOffAtTheDeadline() throws Exception {
        assertTricklingIsCutOff("G");
    }

    @Test
    void aSecondRequestOnAKeptAliveConnectionHasADeadlineOfItsOwn() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(bytes("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertTrue(readResponseHead(socket.getInputStream()).startsWith("HTTP/1.1 200"));
            drainBody(socket.getInputStream(), "{\"status\":\"ready\"}".length());
            assertTricklingIsCutOff(socket, "GET /health HTTP/1.1\r\n");
        }
    }

    /** Jetty skips blank lines before a request; each one would otherwise restart the idle timeout for ever. */
    @Test
    void blankLinesInsteadOfAFirstRequestAreCutOffAtTheDeadline() throws Exception {
        try (Socket socket = connect()) {
            assertTricklingIsCutOff(socket, "\r\n", "\r\n");
        }
    }

    @Test
    void blankLinesBetweenRequestsAreCutOffAtTheDeadline() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(bytes("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertTrue(readResponseHead(socket.getInputStream()).startsWith("HTTP/1.1 200"));
            drainBody(socket.getInputStream(), "{\"status\":\"ready\"}".length());
            assertTricklingIsCutOff(socket, "\r\n", "\r\n");
        }
    }

    @Test
    void aKeptAliveConnectionMayWaitLongerThanTheDeadlineBetweenRequests() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(bytes("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertTrue(readResponseHead(socket.getInputStream()).startsWith("HTTP/1.1 200"));
            drainBody(socket.getInputStream(), "{\"status\":\"ready\"}".length());
            ScheduledFuture<?> later = pacer.schedule(() -> {
                out.write(bytes("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
                return null;
            }, 3 * DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            later.get();
            assertTrue(readResponseHead(socket.getInputStream()).startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void normalRequestsAndAWebSocketOpenLongerThanTheDeadlineStillWork() throws Exception {
        assertEquals(200, RawHttp.get(app.port(), "/health", "127.0.0.1").status());
        CompletableFuture<String> echoed = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + app.port() + "/echo"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        echoed.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        pacer.schedule(() -> socket.sendText("still here", true), 3 * DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals("still here", echoed.get(10, TimeUnit.SECONDS));
        socket.abort();
    }

    private void assertTricklingIsCutOff(String start) throws Exception {
        try (Socket socket = connect()) {
            assertTricklingIsCutOff(socket, start);
        }
    }

    /** Sends {@code start}, then a header line every TRICKLE_MILLIS; the server must close within the deadline and a margin. */
    private void assertTricklingIsCutOff(Socket socket, String start) throws Exception {
        assertTricklingIsCutOff(socket, start, null);
    }

    /** Sends {@code start}, then {@code piece} every TRICKLE_MILLIS (null: a header line, or more of the request line). */
    private void assertTricklingIsCutOff(Socket socket, String start, String piece) throws Exception {
        OutputStream out = socket.getOutputStream();
        long began = System.nanoTime();
        out.write(bytes(start));
        AtomicInteger lines = new AtomicInteger();
        pacer.scheduleAtFixedRate(() -> {
            try {
                out.write(bytes(piece != null ? piece : start.endsWith("\n") ? "X-Slow-" + lines.incrementAndGet() + ": 1\r\n" : "E"));
            } catch (IOException closed) {
                throw new IllegalStateException(closed); // ends the trickle
            }
        }, TRICKLE_MILLIS, TRICKLE_MILLIS, TimeUnit.MILLISECONDS);
        Duration margin = Duration.ofSeconds(2);
        socket.setSoTimeout((int) DEADLINE.plus(margin).toMillis());
        try {
            int read = socket.getInputStream().read();
            assertEquals(-1, read, "the server should close without answering");
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("Still open " + DEADLINE.plus(margin) + " after the request began, "
                    + lines.get() + " header lines later", stillOpen);
        } catch (IOException reset) {
            // closed while our lines were on their way: a reset is a close too
        }
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertTrue(took.compareTo(DEADLINE) >= 0, "closed after " + took + ", before the deadline");
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", app.port()), 10_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String readResponseHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static void drainBody(InputStream in, int length) throws IOException {
        assertEquals(length, in.readNBytes(length).length);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
