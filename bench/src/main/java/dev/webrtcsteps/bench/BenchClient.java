package dev.webrtcsteps.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One simulated user of step 3's protocol, on either server: it joins a room, learns who is there, sends
 * signals to peers and reports when each signal it receives was sent. Both servers are driven through the
 * same client code; only the framing differs:
 *
 * <ul>
 *   <li>{@link Wire#STEP3}: the JSON messages of docs/protocol.md on {@code /signal}.
 *   <li>{@link Wire#SOCKET_IO}: the same messages as socket.io events, in the Socket.IO protocol (v5, over
 *       Engine.IO v4) on {@code /socket.io/?EIO=4&transport=websocket}: what socket.io-client sends with
 *       {@code transports: ['websocket']}, without its long-polling fallback.
 * </ul>
 *
 * Signals carry their send time ({@code x-sent:} and {@link System#nanoTime()}) inside candidate- or
 * offer-sized data, so the receiver can measure the latency; sender and receiver share one process clock.
 */
final class BenchClient implements WebSocket.Listener {

    enum Wire { STEP3, SOCKET_IO }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SENT_MARK = "x-sent:";
    /** About the size of a real offer with a few media sections. */
    private static final String SDP_PADDING = "a=x-padding:" + "0123456789abcdef".repeat(150) + "\\r\\n";

    private final Wire wire;
    private final LongConsumer onSignalSentAt;
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<BenchClient> welcomed = new CompletableFuture<>();
    final List<String> peers = new CopyOnWriteArrayList<>();
    private volatile String id;
    private WebSocket socket;
    private CompletableFuture<WebSocket> lastSend;

    private BenchClient(Wire wire, LongConsumer onSignalSentAt) {
        this.wire = wire;
        this.onSignalSentAt = onSignalSentAt;
    }

    /**
     * Opens a connection and joins {@code room}; the future completes with the welcomed client. Signals it
     * receives report their send time to {@code onSignalSentAt}.
     */
    static CompletableFuture<BenchClient> join(HttpClient http, Wire wire, int port, String room, String name,
            LongConsumer onSignalSentAt) {
        BenchClient client = new BenchClient(wire, onSignalSentAt);
        String query = "room=" + URLEncoder.encode(room, StandardCharsets.UTF_8) + "&name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8);
        URI uri = URI.create(wire == Wire.STEP3
                ? "ws://127.0.0.1:" + port + "/signal?" + query
                : "ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket&" + query);
        return http.newWebSocketBuilder().buildAsync(uri, client).thenCompose(socket -> client.welcomed);
    }

    String id() {
        return id;
    }

    /** Sends a candidate-sized signal (or, with {@code offerSized}, an offer-sized one) stamped with {@code sentAt}. */
    void signal(String to, long sentAt, boolean offerSized) {
        String data = offerSized
                ? "{\"description\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n" + SDP_PADDING
                        + "a=" + SENT_MARK + sentAt + "\\r\\n\"}}"
                : "{\"candidate\":{\"candidate\":\"candidate:842163049 1 udp 1677729535 192.0.2.10 46154 typ srflx "
                        + "raddr 10.0.0.2 rport 46154 generation 0\",\"sdpMid\":\"" + SENT_MARK + sentAt
                        + "\",\"sdpMLineIndex\":0}}";
        send(wire == Wire.STEP3
                ? "{\"type\":\"signal\",\"to\":\"" + to + "\",\"data\":" + data + "}"
                : "42[\"signal\",{\"to\":\"" + to + "\",\"data\":" + data + "}]");
    }

    /** java.net.http allows one outstanding send per WebSocket: each waits for the one before. */
    private void send(String text) {
        synchronized (this) {
            lastSend = lastSend.thenCompose(open -> open.sendText(text, true));
        }
    }

    void close() {
        WebSocket open;
        synchronized (this) {
            open = socket;
        }
        if (open != null) {
            // As a closed tab does: a close frame, so the user leaves at once (a drop would keep its place
            // for step 3's resume grace period).
            open.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS)
                    .whenComplete((closed, failure) -> open.abort());
        }
    }

    /** Before any message: the server may speak first (socket.io does). */
    @Override
    public void onOpen(WebSocket webSocket) {
        synchronized (this) {
            socket = webSocket;
            lastSend = CompletableFuture.completedFuture(webSocket);
        }
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                receive(webSocket, text);
            } catch (Exception malformed) {
                welcomed.completeExceptionally(malformed);
            }
        }
        webSocket.request(1);
        return null;
    }

    private void receive(WebSocket webSocket, String text) throws Exception {
        int mark = text.indexOf(SENT_MARK);
        if (mark >= 0) { // a signal: the hot path, read without parsing the JSON
            int end = mark + SENT_MARK.length();
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            onSignalSentAt.accept(Long.parseLong(text, mark + SENT_MARK.length(), end, 10));
            return;
        }
        if (wire == Wire.STEP3) {
            JsonNode message = JSON.readTree(text);
            event(message.path("type").asText(), message);
        } else if (text.equals("2")) {
            send("3"); // Engine.IO ping, answered with pong
        } else if (text.startsWith("0")) {
            send("40"); // Engine.IO open: connect to the default namespace
        } else if (text.startsWith("42")) {
            JsonNode event = JSON.readTree(text.substring(2));
            event(event.path(0).asText(), event.path(1));
        } else if (text.startsWith("44")) {
            welcomed.completeExceptionally(new IllegalStateException("socket.io refused: " + text));
        }
    }

    private void event(String type, JsonNode message) {
        switch (type) {
            case "welcome" -> {
                message.path("peers").forEach(peer -> peers.add(peer.path("id").asText()));
                id = message.path("id").asText();
                welcomed.complete(this);
            }
            case "peer-joined" -> peers.add(message.path("peer").path("id").asText());
            case "peer-left" -> peers.remove(message.path("id").asText());
            case "error", "signal-error" -> welcomed.completeExceptionally(
                    new IllegalStateException("refused: " + message.path("code").asText()));
            default -> {
                // nothing else matters to the load generator
            }
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        welcomed.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        welcomed.completeExceptionally(error);
    }
}
