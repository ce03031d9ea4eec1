package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One user, as the server knows it: its id, its display name, its room, and the connection it has now. A user
 * whose connection dropped may come back on a new one with its resume token and keep its id; messages for it
 * wait here meanwhile. Guarded by its room's lock, like the room.
 */
final class User {

    private final String id;
    private final String resumeToken = PeerInfo.randomId();
    private final String name;
    private final Room room;
    private final List<ServerMessage> waiting = new ArrayList<>();
    private Connection connection;
    private ScheduledFuture<?> gracePeriod;

    User(String id, String name, Room room, Connection connection) {
        this.id = id;
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

    /** The secret that lets this user take its id back after a dropped connection; only it is told. */
    String resumeToken() {
        return resumeToken;
    }

    Connection connection() {
        return connection;
    }

    /** Sends a message now, or keeps it (a bounded number) until the user is back on a new connection. */
    void send(ServerMessage message) {
        if (connection != null) {
            connection.send(message);
        } else if (waiting.size() < Connection.MAX_QUEUED_MESSAGES) {
            waiting.add(message);
        }
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

    /** Back on a new connection: {@code welcome} first, then what waited. */
    void reattach(Connection fresh, ServerMessage welcome) {
        connection = fresh;
        fresh.send(welcome);
        waiting.forEach(fresh::send);
        waiting.clear();
    }

    @Override
    public String toString() {
        return "Peer " + id;
    }
}
