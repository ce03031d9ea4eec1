package dev.webrtcsteps.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A {@link SimulatedUser} on {@code java.net.http.WebSocket}, as any Java client would connect: the join and
 * capacity scenarios' users. (The relay scenario's users are {@link LeanClients}: this client costs the load
 * generator more CPU per message than the lightest server spends relaying it.)
 */
final class BenchClient extends SimulatedUser implements WebSocket.Listener {

    enum Wire { STEP3, SOCKET_IO }

    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    private CompletableFuture<WebSocket> lastSend;

    private BenchClient(Wire wire, LongConsumer onSignalSentAt) {
        super(wire, onSignalSentAt);
    }

    /**
     * Opens a connection and joins {@code room}; the future completes with the welcomed client. Signals it
     * receives report their send time to {@code onSignalSentAt}.
     */
    static CompletableFuture<BenchClient> join(HttpClient http, Wire wire, int port, String room, String name,
            LongConsumer onSignalSentAt) {
        BenchClient client = new BenchClient(wire, onSignalSentAt);
        return http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + path(wire, room, name)), client)
                .thenCompose(socket -> client.welcomed).thenApply(welcomed -> client);
    }

    /** The path and query a user of {@code wire} opens to join {@code room} as {@code name}. */
    static String path(Wire wire, String room, String name) {
        String query = "room=" + URLEncoder.encode(room, StandardCharsets.UTF_8) + "&name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8);
        return wire == Wire.STEP3 ? "/signal?" + query : "/socket.io/?EIO=4&transport=websocket&" + query;
    }

    /** java.net.http allows one outstanding send per WebSocket: each waits for the one before. */
    @Override
    void send(String text) {
        synchronized (this) {
            lastSend = lastSend.thenCompose(open -> open.sendText(text, true));
        }
    }

    @Override
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
            receive(text);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        ended(new IllegalStateException("closed " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        ended(error);
    }
}
