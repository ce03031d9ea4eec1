package dev.webrtcsteps.common;

import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One user, as the server knows it: the id it gave the user, an optional display name, and the connection
 * it currently has. A user whose connection dropped may come back on a new connection with its resume
 * token and keep its id ({@link SignalingEndpoint}); messages for it meanwhile wait here.
 */
public final class Peer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final String name;
    private final String resumeToken = randomToken();
    private final List<ServerMessage> waiting = new ArrayList<>();
    private Connection connection;

    /**
     * A user a step admits on this connection. Create it only once the user is admitted, just before its
     * welcome: from here on the connection belongs to it, and its resume token is valid.
     */
    public Peer(String id, String name, Connection connection) {
        this.id = id;
        this.name = name;
        this.connection = connection;
        connection.admitted(this);
    }

    /** A new id: 128 random bits, so ids cannot be guessed from one another (22 URL-safe characters). */
    public static String newId() {
        return randomToken();
    }

    private static String randomToken() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    public String id() {
        return id;
    }

    /** How others see this peer: PEER in the protocol. */
    public PeerInfo info() {
        return new PeerInfo(id, name);
    }

    /** The secret that lets this user take its id back after a dropped connection; only it is told. */
    public String resumeToken() {
        return resumeToken;
    }

    /** Sends a message now, or keeps it (a bounded number) until the user is back on a new connection. */
    public void send(ServerMessage message) {
        Connection current;
        synchronized (this) {
            current = connection;
            if (current == null) {
                if (waiting.size() < Connection.MAX_QUEUED_MESSAGES) {
                    waiting.add(message);
                }
                return;
            }
        }
        current.send(message);
    }

    synchronized Connection connection() {
        return connection;
    }

    /** The connection dropped; messages wait until {@link #reattach}. */
    synchronized void detach() {
        connection = null;
    }

    /** Back on a new connection: {@code welcome} first, then what waited. */
    void reattach(Connection fresh, ServerMessage welcome) {
        List<ServerMessage> missed;
        synchronized (this) {
            fresh.send(welcome);
            missed = List.copyOf(waiting);
            waiting.clear();
            connection = fresh;
            missed.forEach(fresh::send);
        }
    }

    @Override
    public String toString() {
        return "Peer " + id;
    }
}
