package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One user, as the server knows it: its id, its display name, its room, and the connection it has now. A user
 * whose connection dropped may come back on a new one with its resume token and keep its id; messages for it
 * wait here meanwhile. Guarded by its room's lock, like the room.
 */
public final class User {

    private final String id;
    private String resumeToken;
    private final String name;
    private final Room room;
    /** Signals that came while the connection was down; the welcome on return says who is here now. */
    private final Outbox waiting = new Outbox();
    private Connection connection;
    private ScheduledFuture<?> gracePeriod;

    public User(String id, String resumeToken, String name, Room room, Connection connection) {
        this.id = id;
        this.resumeToken = resumeToken;
        this.name = name;
        this.room = room;
        this.connection = connection;
    }

    public String id() {
        return id;
    }

    /** How others see this user: PEER in the protocol. */
    public PeerInfo info() {
        return new PeerInfo(id, name);
    }

    public Room room() {
        return room;
    }

    /**
     * The secret that lets this user take its id back after a dropped connection; only it is told. Each one
     * works once: {@link #renewResumeToken} replaces it when it is used.
     */
    public String resumeToken() {
        return resumeToken;
    }

    public void renewResumeToken(String fresh) {
        resumeToken = fresh;
    }

    public Connection connection() {
        return connection;
    }

    /**
     * Sends one of the server's own messages now. While the connection is down it is dropped: presence that
     * changed meanwhile is in the welcome the user gets when it comes back.
     */
    public void send(ServerMessage message) {
        if (connection != null) {
            connection.send(message);
        }
    }

    /** {@link #send} of a message encoded already (once for a whole room). */
    public void sendText(String text) {
        if (connection != null) {
            connection.sendText(text);
        }
    }

    /**
     * Hands over a signal from another user, now or, while the connection is down, when the user is back.
     * False if too much waits for this user already: the signal was dropped.
     */
    public boolean offerSignal(ServerMessage.Signal signal) {
        return offerSignalText(Protocol.encode(signal));
    }

    /** {@link #offerSignal} of a signal encoded already (step 4: by the sender's server). */
    public boolean offerSignalText(String signal) {
        return connection != null ? connection.offerSignalText(signal) : waiting.addSignal(signal);
    }

    /** The connection dropped; messages wait until {@link #reattach}. */
    public void detach() {
        connection = null;
    }

    /** The connection dropped: the timer that lets the user go unless it comes back. */
    public void gracePeriod(ScheduledFuture<?> letGo) {
        gracePeriod = letGo;
    }

    /** Stops the grace period's timer; whether there was one. */
    public boolean endGracePeriod() {
        if (gracePeriod == null) {
            return false;
        }
        gracePeriod.cancel(false);
        gracePeriod = null;
        return true;
    }

    /**
     * The signals that waited while the connection was down, taken: step 4 forwards them to the server the user
     * came back on.
     */
    public List<String> takeWaitingSignals() {
        List<String> signals = new ArrayList<>();
        for (String signal = waiting.poll(); signal != null; signal = waiting.poll()) {
            signals.add(signal);
        }
        return signals;
    }

    /** Back on a new connection: {@code welcome} first, then the signals that waited. */
    public void reattach(Connection fresh, ServerMessage welcome) {
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
