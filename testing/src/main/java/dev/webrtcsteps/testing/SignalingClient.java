package dev.webrtcsteps.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client of the signaling protocol ({@code java.net.http.WebSocket}), for server tests.
 * Every wait has a deadline; none sleeps.
 */
public final class SignalingClient implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;

    private SignalingClient(URI uri, String... headerNamesAndValues) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        for (int i = 0; i < headerNamesAndValues.length; i += 2) {
            builder.header(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        socket = builder.buildAsync(uri, new Listener()).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public static SignalingClient connect(URI uri) {
        return new SignalingClient(uri);
    }

    /** Connects with extra request headers: name, value, name, value... */
    public static SignalingClient connect(URI uri, String... headerNamesAndValues) {
        return new SignalingClient(uri, headerNamesAndValues);
    }

    /** Connects and reads the welcome; {@link #id()} is then known. */
    public static Welcomed join(URI uri) {
        SignalingClient client = connect(uri);
        JsonNode welcome = client.next("welcome");
        return new Welcomed(client, welcome.get("id").asText(), welcome);
    }

    /**
     * Connects as a page that comes back after a drop: {@code signalUri} with {@code resume} added (its
     * {@code ?room=...} too, if any), then the resume message with the token as its first frame.
     */
    public static SignalingClient resume(URI signalUri, String token) {
        String query = signalUri.getRawQuery();
        SignalingClient client = connect(URI.create(signalUri.toString() + (query == null ? "?" : "&") + "resume"));
        return client.send("{\"type\":\"resume\",\"token\":\"" + token + "\"}");
    }

    /** A client that has been welcomed, with the id the server gave it. */
    public record Welcomed(SignalingClient client, String id, JsonNode welcome) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    /** The next message, waiting up to 10 s for it. */
    public JsonNode next() {
        try {
            JsonNode message = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                fail("No message arrived within " + WAIT.toSeconds() + " s");
            }
            return message;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError(interrupted);
        }
    }

    /** The next message, which must be of this type. */
    public JsonNode next(String type) {
        JsonNode message = next();
        assertEquals(type, message.path("type").asText(), () -> "expected a " + type + " message, got " + message);
        return message;
    }

    /** The next message, which must be an error with this code. */
    public JsonNode nextError(String code) {
        JsonNode error = next("error");
        assertEquals(code, error.path("code").asText(), () -> "unexpected error " + error);
        assertNotNull(error.get("message"));
        return error;
    }

    /** Reads past other messages to the next one of this type (say, past rate-limited errors to a signal). */
    public JsonNode drainUntil(String type) {
        JsonNode message = next();
        while (!message.path("type").asText().equals(type)) {
            message = next();
        }
        return message;
    }

    /** Whether a message of this type has arrived and not been read yet, without waiting or reading it. */
    public boolean hasReceived(String type) {
        return received.stream().anyMatch(message -> message.path("type").asText().equals(type));
    }

    /** Messages that have arrived and not been read yet, without waiting. */
    public List<JsonNode> drain() {
        List<JsonNode> messages = new ArrayList<>();
        received.drainTo(messages);
        return messages;
    }

    public SignalingClient send(String text) {
        socket.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        return this;
    }

    /** Sends unless the connection is closed already; whether it was sent. */
    public boolean trySend(String text) {
        try {
            socket.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
            return true;
        } catch (RuntimeException closed) {
            return false;
        }
    }

    public SignalingClient send(Object message) {
        try {
            return send(JSON.writeValueAsString(message));
        } catch (JsonProcessingException impossible) {
            throw new AssertionError(impossible);
        }
    }

    public SignalingClient sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        return this;
    }

    /** The code the server closed the connection with, waiting up to 10 s for the close. */
    public int awaitClose() {
        return closeCode.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Waits up to 10 s until the connection has ended, with a close frame or without. */
    public void awaitClosed() {
        closeCode.handle((code, error) -> code).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public boolean isClosedByServer() {
        return closeCode.isDone();
    }

    /**
     * Closes as a page that leaves on purpose does (1000), and waits for the server's answer to the close frame: the
     * server has then seen a clean close (a close that {@link #close} aborts at once may reach it as a dropped
     * connection instead).
     */
    public void closeAndWait() {
        closeAndWait(WebSocket.NORMAL_CLOSURE);
    }

    /** The same with another status, such as 1001, which a browser sends for a page that is reloaded or closed. */
    public void closeAndWait(int status) {
        socket.sendClose(status, "bye").orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        awaitClosed();
        socket.abort();
    }

    /** Drops the TCP connection without a WebSocket close, like a browser tab that crashed. */
    public void drop() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .exceptionally(alreadyClosed -> null).join();
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    received.add(JSON.readTree(text.toString()));
                } catch (JsonProcessingException notJson) {
                    received.add(JSON.getNodeFactory().textNode("NOT JSON: " + text));
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
