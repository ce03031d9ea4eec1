package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.concurrent.ScheduledFuture;

/**
 * One user, as the server knows it: its id, its display name, its room, and the connection it has now. A user
 * whose connection dropped may come back on a new one with its resume token and keep its id; messages for it
 * wait here meanwhile. Guarded by its room's lock, like the room.
 */
final class User {

    private final String id;
    private String resumeToken;
    private final String name;
    private final Room room;
    /** Signals that came while the connection was down; the welcome on return says who is here now. */
    private final Outbox waiting = new Outbox();
    private Connection connection;
    private ScheduledFuture<?> gracePeriod;

    User(String id, String resumeToken, String name, Room room, Connection connection) {
        this.id = id;
        this.resumeToken = resumeToken;
        this.name = name;
        this.room = room;
        this.connection = connection;
    }

    String id() {
        return id;
    }

    /** How others see this user: PEER in the protocol. */
    PeerInfo info() {
        return new PeerInfo(id, name);
    }

    Room room() {
        return room;
    }

    /**
     * The secret that lets this user take its id back after a dropped connection; only it is told. Each one
     * works once: {@link #renewResumeToken} replaces it when it is used.
     */
    String resumeToken() {
        return resumeToken;
    }

    void renewResumeToken(String fresh) {
        resumeToken = fresh;
    }

    Connection connection() {
        return connection;
    }

    /**
     * Sends one of the server's own messages now. While the connection is down it is dropped: presence that
     * changed meanwhile is in the welcome the user gets when it comes back.
     */
    void send(ServerMessage message) {
        if (connection != null) {
            connection.send(message);
        }
    }

    /** {@link #send} of a message encoded already (once for a whole room). */
    void sendText(String text) {
        if (connection != null) {
            connection.sendText(text);
        }
    }

    /**
     * Hands over a signal from another user, now or, while the connection is down, when the user is back.
     * False if too much waits for this user already: the signal was dropped.
     */
    boolean offerSignal(ServerMessage.Signal signal) {
        return connection != null ? connection.offerSignal(signal) : waiting.addSignal(Protocol.encode(signal));
    }

    /** The connection dropped; messages wait until {@link #reattach}. */
    void detach() {
        connection = null;
    }

    /** The connection dropped: the timer that lets the user go unless it comes back. */
    void gracePeriod(ScheduledFuture<?> letGo) {
        gracePeriod = letGo;
    }

    /** Stops the grace period's timer; whether there was one. */
    boolean endGracePeriod() {
        if (gracePeriod == null) {
            return false;
        }
        gracePeriod.cancel(false);
        gracePeriod = null;
        return true;
    }

    /** Back on a new connection: {@code welcome} first, then the signals that waited. */
    void reattach(Connection fresh, ServerMessage welcome) {
        connection = fresh;
        fresh.send(welcome);
        for (String signal = waiting.poll(); signal != null; signal = waiting.poll()) {
            fresh.offerSignalText(signal); // fits: it fitted the same budget here
        }
    }

    @Override
    public String toString() {
        return "Peer " + id;
    }
}
