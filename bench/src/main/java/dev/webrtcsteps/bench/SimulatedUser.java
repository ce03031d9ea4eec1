package dev.webrtcsteps.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * One simulated user of step 3's protocol, on any of the servers, whatever carries its frames ({@link BenchClient}
 * on java.net.http, {@link LeanClients} on plain sockets): it joins a room, learns who is there, sends signals to
 * peers and reports when each signal it receives was sent. Only the framing differs between the servers:
 *
 * <ul>
 *   <li>{@link BenchClient.Wire#STEP3}: the JSON messages of docs/protocol.md on {@code /signal}.
 *   <li>{@link BenchClient.Wire#SOCKET_IO}: the same messages as socket.io events, in the Socket.IO protocol (v5,
 *       over Engine.IO v4) on {@code /socket.io/?EIO=4&transport=websocket}: what socket.io-client sends with
 *       {@code transports: ['websocket']}, without its long-polling fallback.
 * </ul>
 *
 * Signals carry their send time ({@code x-sent:} and {@link System#nanoTime()}) inside candidate- or
 * offer-sized data, so the receiver can measure the latency; sender and receiver share one process clock.
 */
abstract class SimulatedUser {

    static final String SENT_MARK = "x-sent:";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** About the size of a real offer with a few media sections. */
    private static final String SDP_PADDING = "a=x-padding:" + "0123456789abcdef".repeat(150) + "\\r\\n";

    final BenchClient.Wire wire;
    final LongConsumer onSignalSentAt;
    /** Completes when the server has welcomed this user (fails if it refused or closed first). */
    final CompletableFuture<SimulatedUser> welcomed = new CompletableFuture<>();
    final List<String> peers = new CopyOnWriteArrayList<>();
    private volatile String id;

    SimulatedUser(BenchClient.Wire wire, LongConsumer onSignalSentAt) {
        this.wire = wire;
        this.onSignalSentAt = onSignalSentAt;
    }

    /** Sends one text message. */
    abstract void send(String text);

    /** Leaves as a closed tab does: a close frame, so the user leaves at once. */
    abstract void close();

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
        send(wire == BenchClient.Wire.STEP3
                ? "{\"type\":\"signal\",\"to\":\"" + to + "\",\"data\":" + data + "}"
                : "42[\"signal\",{\"to\":\"" + to + "\",\"data\":" + data + "}]");
    }

    /** A whole text message from the server. */
    void receive(String text) {
        try {
            int mark = text.indexOf(SENT_MARK);
            if (mark >= 0) { // a signal: the hot path, read without parsing the JSON
                int end = mark + SENT_MARK.length();
                while (end < text.length() && Character.isDigit(text.charAt(end))) {
                    end++;
                }
                onSignalSentAt.accept(Long.parseLong(text, mark + SENT_MARK.length(), end, 10));
                return;
            }
            if (wire == BenchClient.Wire.STEP3) {
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
        } catch (Exception malformed) {
            welcomed.completeExceptionally(malformed);
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

    /** The server closed, or the connection failed: a user not yet welcomed never will be. */
    void ended(Throwable why) {
        welcomed.completeExceptionally(why);
    }
}
