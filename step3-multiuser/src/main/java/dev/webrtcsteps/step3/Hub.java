package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.LogThrottle;
import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.ProtocolException;
import dev.webrtcsteps.common.protocol.RtcConfiguration;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everyone on this server: the rooms and their members, and the users whose connection dropped a moment ago
 * and who may still come back.
 *
 * <p><b>Who owns what:</b> each room's lock ({@code synchronized (room)}) guards that room and its users: who is
 * in it, each member's connection, the messages waiting for a member, its grace period. Code holds one room's
 * lock at a time, never two. What spans rooms is in concurrent maps and counters. So a join, a leave or a relay
 * in one room holds up nobody in another, and sends made under a room's lock reach only that room's members.
 * What can be done outside a room's lock is: random tokens are drawn before it, log lines written after it, so
 * that a busy room's members wait for nothing but the room.
 *
 * <p>Logs have one line per connect and disconnect, with the user's id and the reason, and at most 20 refusals a
 * minute; never the content of a message (SDP, candidates, chat text do not belong in server logs).
 */
public final class Hub implements Signaling {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    private final Settings settings;
    private final Stats stats;
    /** Refusals can come by the thousand from one client: a few lines a minute say enough. */
    private final LogThrottle refusalsLog = new LogThrottle(LOG, 20);
    private final ConcurrentMap<String, Room> roomsByName = new ConcurrentHashMap<>();
    /** Every admitted user, connected or within its grace period, by resume token. */
    private final ConcurrentMap<String, User> usersByResumeToken = new ConcurrentHashMap<>();
    /** Admitted users, and places being taken by newcomers this moment: never more than MAX_USERS. */
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicInteger resumable = new AtomicInteger();
    private final ScheduledExecutorService graceTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "resume-grace");
        thread.setDaemon(true);
        return thread;
    });

    public Hub(Settings settings) {
        this.settings = settings;
        this.stats = new Stats();
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public Stats stats() {
        return stats;
    }

    @Override
    public void connect(Connection connection, String resumeToken, JoinRequest.Unchecked join) {
        User returning = resumeToken == null ? null : usersByResumeToken.get(resumeToken);
        if (returning != null && resume(returning, resumeToken, connection)) {
            return;
        }
        String room = join.room();
        String name = join.name();
        String id = PeerInfo.randomId();
        JoinRequest request;
        try {
            request = JoinRequest.of(room, name, id);
        } catch (ProtocolException refused) {
            refuse(connection, refused.toMessage(), CloseCodes.BAD_JOIN);
            return;
        }
        if (users.incrementAndGet() > settings.maxUsers()) {
            users.decrementAndGet();
            refuse(connection, new ServerMessage.Error(ErrorCode.SERVER_FULL, "The server holds " + settings.maxUsers()
                    + " users, its limit. Try again later."), CloseCodes.SERVER_FULL);
            return;
        }
        String newToken = PeerInfo.randomId();
        RtcConfiguration rtcConfiguration = settings.iceServers().forUser(id);
        while (!join(roomsByName.computeIfAbsent(request.room(), Room::new), id, newToken, request.name(), rtcConfiguration,
                connection)) {
            // that room emptied and closed a moment ago; the next computeIfAbsent makes a new one
        }
    }

    /** Admits the newcomer into this room, or refuses it (the room is full); false if the room has closed. */
    private boolean join(Room room, String id, String resumeToken, String name, RtcConfiguration rtcConfiguration,
            Connection connection) {
        synchronized (room) {
            if (room.isClosed()) {
                return false;
            }
            if (room.size() >= settings.maxRoomSize()) {
                users.decrementAndGet();
                refuse(connection, new ServerMessage.Error(ErrorCode.ROOM_FULL, "This room holds " + settings.maxRoomSize()
                        + " users and is full. Try another room."), CloseCodes.ROOM_FULL);
                return true;
            }
            User newcomer = new User(id, resumeToken, name, room, connection);
            connection.attach(newcomer);
            usersByResumeToken.put(newcomer.resumeToken(), newcomer);
            room.add(newcomer, rtcConfiguration);
        }
        stats.countJoined();
        LOG.info("Peer {} connected ({})", id, users(users.get()));
        return true;
    }

    @Override
    public void refuse(Connection connection, ServerMessage.Error why, int closeCode) {
        refusalsLog.info("Refused a connection: {}", why.code().wireName());
        connection.sendAndClose(why, closeCode, why.code().wireName());
    }

    /**
     * Moves a user to its new connection: its welcome, with a new resume token and new TURN credentials, then what
     * waited for it. False if it has left already, or the token was used already.
     */
    private boolean resume(User user, String token, Connection fresh) {
        Connection previous;
        String renewed = PeerInfo.randomId();
        RtcConfiguration rtcConfiguration = settings.iceServers().forUser(user.id());
        synchronized (user.room()) {
            if (!token.equals(user.resumeToken()) || !usersByResumeToken.remove(token, user)) {
                return false;
            }
            user.renewResumeToken(renewed);
            usersByResumeToken.put(user.resumeToken(), user);
            if (user.endGracePeriod()) {
                resumable.decrementAndGet();
            }
            previous = user.connection();
            fresh.attach(user);
            user.reattach(fresh, user.room().welcome(user, rtcConfiguration));
        }
        if (previous != null) { // the old connection has not noticed it is dead yet
            previous.attach(null);
            previous.disconnect("replaced by a resumed connection");
        }
        LOG.info("{} resumed on a new connection", user);
        return true;
    }

    /** Only members of the sender's own room can be reached: ids from other rooms are unknown here. */
    @Override
    public void relay(User sender, Connection connection, SignalRequest request) {
        Room room = sender.room();
        synchronized (room) {
            User addressee = room.member(request.to());
            if (addressee != null && addressee != sender && room.member(sender.id()) == sender) {
                if (addressee.offerSignal(new ServerMessage.Signal(sender.id(), request.data()))) {
                    stats.countRelayed();
                } else {
                    connection.send(new ServerMessage.Error(ErrorCode.PEER_BUSY, "So much already waits for that peer "
                            + "that this signal was dropped: it is not reading fast enough. Try again later."));
                }
                return;
            }
        }
        connection.send(new ServerMessage.Error(ErrorCode.UNKNOWN_PEER,
                "No other peer with that id is here; it may have left. Wait for a peer-joined message."));
    }

    @Override
    public void closed(Connection connection, int status) {
        User user = connection.user();
        if (user == null) {
            return; // refused
        }
        boolean suspended;
        boolean left = false;
        synchronized (user.room()) {
            if (user.connection() != connection) {
                return; // resumed on another connection
            }
            suspended = connection.dropped(status);
            if (suspended) {
                suspend(user);
            } else {
                left = remove(user);
            }
        }
        if (suspended) {
            LOG.info("{} lost its connection; it may resume within {} s", user, settings.resumeGrace().toSeconds());
        } else if (left) {
            logLeft(user, connection.whyClosed(status));
        }
    }

    /**
     * The connection broke without a close frame: a network change, a proxy timeout, a server restart on the
     * other side of a load balancer. The user keeps its place for the grace period, in case it comes back with
     * its resume token; its peers see no leave and join. Called under the user's room's lock.
     */
    private void suspend(User user) {
        user.detach();
        user.gracePeriod(graceTimer.schedule(() -> leaveUnlessBack(user), settings.resumeGrace().toMillis(),
                TimeUnit.MILLISECONDS));
        resumable.incrementAndGet();
    }

    private void leaveUnlessBack(User user) {
        boolean left;
        synchronized (user.room()) {
            left = user.connection() == null && remove(user);
        }
        if (left) {
            logLeft(user, "did not come back within " + settings.resumeGrace().toSeconds() + " s");
        }
    }

    @Override
    public void leave(User user, String reason) {
        boolean left;
        synchronized (user.room()) {
            left = remove(user);
        }
        if (left) {
            logLeft(user, reason);
        }
    }

    /**
     * Takes the user out of its room, and the room out of the hub once empty; false if it was out already. Called
     * under the user's room's lock.
     */
    private boolean remove(User user) {
        if (usersByResumeToken.remove(user.resumeToken()) == null) {
            return false;
        }
        users.decrementAndGet();
        if (user.endGracePeriod()) {
            resumable.decrementAndGet();
        }
        Room room = user.room();
        room.remove(user);
        if (room.size() == 0) {
            room.close();
            roomsByName.remove(room.name(), room);
        }
        return true;
    }

    private void logLeft(User user, String reason) {
        LOG.info("{} left: {} ({})", user, reason, users(users.get()));
    }

    /** The connection of the user with this id, for a test that drops it as a network failure would. */
    Connection connectionOf(String id) {
        for (User user : usersByResumeToken.values()) {
            synchronized (user.room()) {
                if (user.id().equals(id)) {
                    return user.connection();
                }
            }
        }
        return null;
    }

    @Override
    public int users() {
        return usersByResumeToken.size();
    }

    @Override
    public int rooms() {
        return roomsByName.size();
    }

    @Override
    public int resumable() {
        return resumable.get();
    }

    private static String users(int count) {
        return count == 1 ? "1 user" : count + " users";
    }

    @Override
    public void schedule(Runnable task, Duration delay) {
        graceTimer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        graceTimer.shutdownNow();
    }
}
