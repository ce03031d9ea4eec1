package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.ProtocolException;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everyone on this server: the rooms and their members, and the users whose connection dropped a moment ago
 * and who may still come back.
 *
 * <p><b>Who owns this state:</b> the hub. Rooms, users and their waiting messages change only inside the hub's
 * synchronized methods, one at a time, whichever Jetty thread calls. Sending under the lock is cheap: a
 * {@link Connection} only queues, and writes on Jetty's threads later.
 *
 * <p>Logs have one line per connect, disconnect and refusal, with the user's id and the reason; never the content
 * of a message (SDP, candidates, chat text do not belong in server logs).
 */
final class Hub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    /** WebSocket close status for a connection that ended without a close frame. */
    private static final int NO_CLOSE_FRAME = 1006;

    private final Settings settings;
    private final Stats stats;
    private final Map<String, Room> roomsByName = new HashMap<>();
    /** Every admitted user, connected or within its grace period, by resume token. */
    private final Map<String, User> usersByResumeToken = new HashMap<>();
    /** Users whose connection dropped, and the timer that will let them go. */
    private final Map<User, ScheduledFuture<?>> suspended = new HashMap<>();
    private final ScheduledExecutorService graceTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "resume-grace");
        thread.setDaemon(true);
        return thread;
    });

    Hub(Settings settings) {
        this.settings = settings;
        this.stats = new Stats();
    }

    Settings settings() {
        return settings;
    }

    Stats stats() {
        return stats;
    }

    /**
     * A new connection: the user with this resume token, back after a drop (its peers see nothing), or a newcomer
     * to admit into its room, or a refusal.
     */
    synchronized void connect(Connection connection, String resumeToken, String room, String name) {
        User returning = resumeToken == null ? null : usersByResumeToken.get(resumeToken);
        if (returning != null) {
            resume(returning, connection);
            return;
        }
        String id = PeerInfo.randomId();
        JoinRequest request;
        try {
            request = JoinRequest.of(room, name, id);
        } catch (ProtocolException refused) {
            refuse(connection, refused.toMessage(), CloseCodes.BAD_JOIN);
            return;
        }
        if (usersByResumeToken.size() >= settings.maxUsers()) {
            refuse(connection, new ServerMessage.Error(ErrorCode.SERVER_FULL, "The server holds " + settings.maxUsers()
                    + " users, its limit. Try again later."), CloseCodes.SERVER_FULL);
            return;
        }
        Room joined = roomsByName.computeIfAbsent(request.room(), Room::new);
        if (joined.size() >= settings.maxRoomSize()) {
            refuse(connection, new ServerMessage.Error(ErrorCode.ROOM_FULL, "This room holds " + settings.maxRoomSize()
                    + " users and is full. Try another room."), CloseCodes.ROOM_FULL);
            return;
        }
        User newcomer = new User(id, request.name(), joined, connection);
        connection.attach(newcomer);
        usersByResumeToken.put(newcomer.resumeToken(), newcomer);
        joined.add(newcomer);
        LOG.info("{} connected ({})", newcomer, users(usersByResumeToken.size()));
    }

    private void refuse(Connection connection, ServerMessage.Error why, int closeCode) {
        LOG.info("Refused a connection: {}", why.code().wireName());
        connection.sendAndClose(why, closeCode, why.code().wireName());
    }

    /** Moves a user to its new connection: its welcome, then what waited for it. */
    private void resume(User user, Connection fresh) {
        ScheduledFuture<?> letGo = suspended.remove(user);
        if (letGo != null) {
            letGo.cancel(false);
        }
        Connection previous = user.connection();
        fresh.attach(user);
        user.reattach(fresh, user.room().welcome(user));
        if (previous != null) { // the old connection has not noticed it is dead yet
            previous.attach(null);
            previous.disconnect("replaced by a resumed connection");
        }
        LOG.info("{} resumed on a new connection", user);
    }

    /**
     * Hands a signal to its addressee, stamped with the sender's real id: a client cannot pose as another. Only
     * members of the sender's own room can be reached: ids from other rooms are unknown here.
     */
    synchronized void relay(User sender, Connection connection, SignalRequest request) {
        User addressee = sender.room().member(request.to());
        if (addressee == null || addressee == sender || !usersByResumeToken.containsKey(sender.resumeToken())) {
            connection.send(new ServerMessage.Error(ErrorCode.UNKNOWN_PEER,
                    "No other peer with that id is here; it may have left. Wait for a peer-joined message."));
            return;
        }
        addressee.send(new ServerMessage.Signal(sender.id(), request.data()));
        stats.countRelayed();
    }

    /** A connection closed: its user leaves, or, when it dropped without a close frame, may come back a while. */
    synchronized void closed(Connection connection, int status) {
        User user = connection.user();
        if (user == null || user.connection() != connection) {
            return; // refused, or resumed on another connection
        }
        if (connection.endReason() != null) {
            leave(user, connection.endReason());
        } else if (status == NO_CLOSE_FRAME) {
            suspend(user);
        } else {
            leave(user, "closed by the client (" + status + ")");
        }
    }

    /**
     * The connection broke without a close frame: a network change, a proxy timeout, a server restart on the
     * other side of a load balancer. The user keeps its place for the grace period, in case it comes back with
     * its resume token; its peers see no leave and join.
     */
    private void suspend(User user) {
        user.detach();
        suspended.put(user, graceTimer.schedule(() -> leaveUnlessBack(user), settings.resumeGrace().toMillis(),
                TimeUnit.MILLISECONDS));
        LOG.info("{} lost its connection; it may resume within {} s", user, settings.resumeGrace().toSeconds());
    }

    private synchronized void leaveUnlessBack(User user) {
        if (user.connection() == null) {
            leave(user, "did not come back within " + settings.resumeGrace().toSeconds() + " s");
        }
    }

    /** The user is gone for good; its peers are told once, however many ways it ended. */
    synchronized void leave(User user, String reason) {
        if (usersByResumeToken.remove(user.resumeToken()) == null) {
            return;
        }
        ScheduledFuture<?> letGo = suspended.remove(user);
        if (letGo != null) {
            letGo.cancel(false);
        }
        Room room = user.room();
        room.remove(user);
        if (room.size() == 0) {
            roomsByName.remove(room.name());
        }
        LOG.info("{} left: {} ({})", user, reason, users(usersByResumeToken.size()));
    }

    /** The user with this id's connection, for a test that drops it as a network failure would. */
    synchronized Connection connectionOf(String id) {
        return usersByResumeToken.values().stream().filter(user -> user.id().equals(id)).findFirst()
                .map(User::connection).orElse(null);
    }

    /** How many users are admitted, including any whose connection dropped a moment ago. */
    synchronized int users() {
        return usersByResumeToken.size();
    }

    synchronized int rooms() {
        return roomsByName.size();
    }

    /** Users whose connection dropped and who may still come back. */
    synchronized int resumable() {
        return suspended.size();
    }

    private static String users(int count) {
        return count == 1 ? "1 user" : count + " users";
    }

    @Override
    public void close() {
        graceTimer.shutdownNow();
    }
}
