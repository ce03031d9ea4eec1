package dev.webrtcsteps.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * Where a scenario's simulated users come from: {@link LeanClients} ({@link #LEAN}, the default) or
 * {@link BenchClient}s on java.net.http ({@link #JAVA_NET_HTTP}, to compare). Closing it closes every user.
 */
final class Clients implements AutoCloseable {

    static final String LEAN = "lean";
    static final String JAVA_NET_HTTP = "java.net.http";

    final String kind;
    private final LeanClients lean;
    private final HttpClient http;
    private final List<CompletableFuture<? extends SimulatedUser>> joined = new ArrayList<>();

    Clients(String kind) {
        if (!kind.equals(LEAN) && !kind.equals(JAVA_NET_HTTP)) {
            throw new IllegalArgumentException("no client called " + kind + " (" + LEAN + " or " + JAVA_NET_HTTP + ")");
        }
        this.kind = kind;
        this.lean = kind.equals(LEAN) ? new LeanClients() : null;
        this.http = kind.equals(LEAN) ? null : HttpClient.newHttpClient();
    }

    /** Connects a user and joins {@code room}; the future completes when the server has welcomed it. */
    CompletableFuture<? extends SimulatedUser> join(BenchClient.Wire wire, int port, String room, String name,
            LongConsumer onSignalSentAt) {
        CompletableFuture<? extends SimulatedUser> user = lean != null
                ? lean.join(wire, port, room, name, onSignalSentAt)
                : BenchClient.join(http, wire, port, room, name, onSignalSentAt);
        synchronized (joined) {
            joined.add(user);
        }
        return user;
    }

    @Override
    public void close() {
        if (lean != null) {
            lean.close();
            return;
        }
        synchronized (joined) {
            joined.forEach(user -> user.thenAccept(SimulatedUser::close));
        }
    }
}
