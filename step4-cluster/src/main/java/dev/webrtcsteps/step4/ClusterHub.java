package dev.webrtcsteps.step4;

import static dev.webrtcsteps.step4.RedisState.strings;

import dev.webrtcsteps.common.LogThrottle;
import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ProtocolException;
import dev.webrtcsteps.common.protocol.RtcConfiguration;
import dev.webrtcsteps.common.protocol.ServerMessage;
import dev.webrtcsteps.step3.Connection;
import dev.webrtcsteps.step3.JoinRequest;
import dev.webrtcsteps.step3.Settings;
import dev.webrtcsteps.step3.Signaling;
import dev.webrtcsteps.step3.Stats;
import dev.webrtcsteps.step3.User;
import dev.webrtcsteps.step4.RedisState.Script;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everyone in the cluster, as this server (a node) sees it: the users connected here, as in step 3, and through
 * Redis the members of their rooms connected to other nodes.
 *
 * <p><b>Who owns what:</b> Redis owns who is in which room, and every change to that is one Lua script
 * ({@link RedisState}), so that limits hold for the whole cluster. Each node owns its connections, and its view of
 * its rooms: a room's lock guards that view, as in step 3. The view follows Redis through the room's channel,
 * whose changes are numbered: a node that sees a number jump asks for a snapshot of the room instead.
 *
 * <p>A signal to a member here is handed over as in step 3; to a member elsewhere it is published on the channel of
 * that member's node, which hands it over. Each node beats a heartbeat into Redis every second;
 * one silent for {@link ClusterSettings#nodeTimeout()} is dead, and the others take its users out of their rooms.
 */
final class ClusterHub implements Signaling {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterHub.class);
    /** Changes kept while a room's snapshot is on its way; beyond, they are dropped and a later gap asks again. */
    private static final int MAX_HELD_CHANGES = 1_000;
    private static final Duration FIRST_HEARTBEAT_WAIT = Duration.ofSeconds(10);
    /**
     * Bytes of signals on their way to Redis, at most: while Redis is slow or away they wait in memory, and beyond
     * this bound a signal for another node is refused to its sender ({@code peer-busy}) instead.
     */
    static final long MAX_SIGNAL_BYTES_TO_REDIS = 8L << 20;
    /** Signals for a user who is not here yet, kept at most this long and this many bytes ({@link #earlySignals}). */
    private static final Duration EARLY_SIGNALS_KEPT = Duration.ofSeconds(5);
    private static final long MAX_EARLY_SIGNAL_BYTES = 1L << 20;

    private final Settings settings;
    private final ClusterSettings cluster;
    private final Stats stats = new Stats();
    private final RedisState redis;
    private final LogThrottle refusalsLog = new LogThrottle(LOG, 20);
    private final LogThrottle redisLog = new LogThrottle(LOG, 10);
    private final ConcurrentMap<String, ClusterRoom> roomsByName = new ConcurrentHashMap<>();
    /** The users connected here (or whose connection dropped a moment ago), by id. */
    private final ConcurrentMap<String, User> localUsers = new ConcurrentHashMap<>();
    private final AtomicInteger resumable = new AtomicInteger();
    private final Set<String> evicting = ConcurrentHashMap.newKeySet();
    private final AtomicLong signalBytesToRedis = new AtomicLong();
    /**
     * Signals for users who are not here: kept a moment, for a user resuming here right now. Its old node forwards
     * what waited for it there when it hears of the move, and that can arrive before this node has it.
     */
    private final ConcurrentMap<String, List<String>> earlySignals = new ConcurrentHashMap<>();
    private final AtomicLong earlySignalBytes = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "cluster-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final NodeMetrics metrics;
    private final String incarnation;
    /** When the last heartbeat reached Redis (System.nanoTime), or 0. */
    private volatile long lastHeartbeat;
    /** When a heartbeat last failed (System.nanoTime), or 0: until a node timeout later, nobody is evicted. */
    private volatile long lastHeartbeatFailure;
    private volatile boolean registered;
    /** Redis was away, or took out a user of this node: the next heartbeat reconciles the two. */
    private volatile boolean outOfStep;

    ClusterHub(Settings settings, ClusterSettings cluster) {
        this.settings = settings;
        this.cluster = cluster;
        this.incarnation = cluster.node() + "@" + PeerInfo.randomId().substring(0, 6);
        this.redis = RedisState.connect(cluster.redisUrl(), this::onEvent);
        this.metrics = new NodeMetrics(cluster.node());
        awaitFirstHeartbeat();
        redis.subscribe(RoomKeys.signalsOf(node())).join(); // Redis answered a heartbeat: it answers this too
        timer.scheduleWithFixedDelay(this::heartbeat, cluster.heartbeat().toMillis(), cluster.heartbeat().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The node is in the cluster before it serves anyone; a Redis that never answers stops it with one clear line. */
    private void awaitFirstHeartbeat() {
        long deadline = System.nanoTime() + FIRST_HEARTBEAT_WAIT.toNanos();
        while (true) {
            try {
                heartbeat().get(RedisState.COMMAND_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
                if (lastHeartbeat != 0) {
                    return;
                }
            } catch (Exception notYet) {
                // tried again below
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalArgumentException("Redis at " + cluster.redisUrl() + " did not answer within "
                        + FIRST_HEARTBEAT_WAIT.toSeconds() + " s. Start it, or leave REDIS_URL unset to run one server alone.");
            }
            LockSupport.parkNanos(cluster.heartbeat().toNanos() / 5);
        }
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public Stats stats() {
        return stats;
    }

    NodeMetrics metrics() {
        return metrics;
    }

    /**
     * This process in Redis: its NODE_ID and a random part, new at each start. A node restarted under the same
     * NODE_ID before the others missed it is a new node to them, and its old users are taken out as a dead node's.
     */
    String node() {
        return incarnation;
    }

    /** Why this node should get no new users now, or null: it reaches Redis. For {@code /health}. */
    String unavailable() {
        long last = lastHeartbeat;
        if (last == 0) {
            return "not yet connected to Redis";
        }
        if (System.nanoTime() - last > cluster.nodeTimeout().toNanos() / 2) {
            return "Redis has not answered for " + Duration.ofNanos(System.nanoTime() - last).toSeconds() + " s";
        }
        return null;
    }

    @Override
    public void connect(Connection connection, String resumeToken, JoinRequest.Unchecked join) {
        String id = PeerInfo.randomId();
        JoinRequest request;
        try {
            request = JoinRequest.of(join.room(), join.name(), id);
        } catch (ProtocolException refused) {
            refuse(connection, refused.toMessage(), CloseCodes.BAD_JOIN);
            return;
        }
        if (unavailable() != null) {
            refuseForNow(connection);
            return;
        }
        ClusterRoom room = enter(request.room(), id);
        try {
            await(room.subscribed);
            if (resumeToken == null || !resume(room, resumeToken, connection)) {
                admit(room, id, request.name(), connection);
            }
        } catch (RedisUnavailable unreachable) {
            redisLog.warn("Refused a connection: Redis did not answer ({})", unreachable.getMessage());
            outOfStep = true; // a script may have run without its answer reaching here: reconcile
            refuseForNow(connection);
        } finally {
            synchronized (room) {
                room.arrived(id);
            }
            closeIfUnused(room);
        }
    }

    /** The room, open, with {@code id} marked as arriving so that it stays open. */
    private ClusterRoom enter(String name, String id) {
        while (true) {
            ClusterRoom room = roomsByName.computeIfAbsent(name,
                    newName -> new ClusterRoom(newName, redis.subscribe(new RoomKeys(newName).channel())));
            synchronized (room) {
                if (!room.isClosed()) {
                    room.arriving(id);
                    return room;
                }
            }
        }
    }

    private void admit(ClusterRoom room, String id, String name, Connection connection) {
        if (!reservePlace(room, false)) {
            refuse(connection, new ServerMessage.Error(ErrorCode.SERVER_FULL, "The cluster holds " + settings.maxUsers()
                    + " users, its limit. Try again later."), CloseCodes.SERVER_FULL);
            return;
        }
        String token = PeerInfo.randomId();
        List<String> snapshot;
        try {
            snapshot = strings(await(redis.run(Script.JOIN, room.keys.all().subList(0, 3),
                    List.of(id, node(), token, name, String.valueOf(settings.maxRoomSize()), room.keys.channel()))));
        } catch (RedisUnavailable unreachable) {
            releasePlace();
            throw unreachable;
        }
        if (snapshot.isEmpty()) {
            releasePlace();
            refuse(connection, new ServerMessage.Error(ErrorCode.ROOM_FULL, "This room holds " + settings.maxRoomSize()
                    + " users and is full. Try another room."), CloseCodes.ROOM_FULL);
            return;
        }
        RtcConfiguration rtcConfiguration = settings.iceServers().forUser(id);
        synchronized (room) {
            apply(room, snapshot, false);
            User newcomer = new User(id, token, name, room, connection);
            connection.attach(newcomer);
            localUsers.put(id, newcomer);
            room.add(newcomer, rtcConfiguration);
        }
        stats.countJoined();
        LOG.info("Peer {} connected ({} here)", id, users(localUsers.size()));
    }

    /**
     * The user with this token comes back: from a dropped connection to this node (as in step 3), from another
     * node (it died, or the balancer sent the page elsewhere: its peers see nothing), or after its node died and
     * it was taken out (its peers see it join again, with its id). False if the token is unknown.
     */
    private boolean resume(ClusterRoom room, String token, Connection fresh) {
        String renewed = PeerInfo.randomId();
        // The room is among this node's before the user is: were the node to die now, the user would be found.
        reservePlace(room, true);
        List<String> answer;
        try {
            answer = strings(await(redis.run(Script.RESUME, room.keys.all(),
                    List.of(token, renewed, node(), room.keys.channel(), String.valueOf(settings.maxRoomSize())))));
        } catch (RedisUnavailable unreachable) {
            releasePlace();
            throw unreachable;
        }
        if (answer.isEmpty()) {
            releasePlace();
            return false;
        }
        String id = answer.get(0);
        String name = answer.get(1);
        String from = answer.get(2);
        List<String> snapshot = answer.subList(3, answer.size());
        RtcConfiguration rtcConfiguration = settings.iceServers().forUser(id); // new credentials with every welcome
        Connection previous = null;
        synchronized (room) {
            room.arriving(id);
            User user = from.equals(node()) ? localUsers.get(id) : null;
            if (user != null && user.room() == room) {
                releasePlace(); // it had its place here already
                previous = user.connection();
                user.renewResumeToken(renewed);
                if (user.endGracePeriod()) {
                    resumable.decrementAndGet();
                }
                fresh.attach(user);
                apply(room, snapshot, false);
                user.reattach(fresh, room.welcome(user, rtcConfiguration));
            } else {
                user = new User(id, renewed, name, room, fresh);
                fresh.attach(user);
                localUsers.put(id, user);
                if (from.isEmpty()) { // its node died and it was taken out: it joins again
                    apply(room, snapshot, false);
                    room.add(user, rtcConfiguration);
                } else { // from another node: the members here know it already
                    apply(room, snapshot, false);
                    room.takeOver(user);
                    user.reattach(fresh, room.welcome(user, rtcConfiguration));
                    takeEarly(id).forEach(user::offerSignalText); // forwarded from its old node, ahead of it
                }
            }
            room.arrived(id);
        }
        if (previous != null) {
            previous.attach(null);
            previous.disconnect("replaced by a resumed connection");
        }
        LOG.info("Peer {} resumed on a new connection{}", id,
                from.equals(node()) ? "" : from.isEmpty() ? " after its node died" : " (it was on node " + from + ")");
        return true;
    }

    @Override
    public void relay(User sender, Connection connection, SignalRequest request) {
        ClusterRoom room = (ClusterRoom) sender.room();
        synchronized (room) {
            if (room.member(sender.id()) == sender) {
                User addressee = room.member(request.to());
                if (addressee != null && addressee != sender) {
                    if (addressee.offerSignal(new ServerMessage.Signal(sender.id(), request.data()))) {
                        stats.countRelayed();
                    } else {
                        connection.send(new ServerMessage.Error(ErrorCode.PEER_BUSY, "So much already waits for that peer "
                                + "that this signal was dropped: it is not reading fast enough. Try again later."));
                    }
                    return;
                }
                ClusterRoom.Elsewhere remote = room.elsewhere(request.to());
                if (remote != null) {
                    publishSignal(remote, new ServerMessage.Signal(sender.id(), request.data()), connection);
                    return;
                }
            }
        }
        connection.send(new ServerMessage.Error(ErrorCode.UNKNOWN_PEER,
                "No other peer with that id is here; it may have left. Wait for a peer-joined message."));
    }

    /**
     * A signal for a member on another node goes to that node's channel: only it hears it. Within a bound in bytes
     * of what waits for Redis.
     */
    private void publishSignal(ClusterRoom.Elsewhere addressee, ServerMessage.Signal signal, Connection sender) {
        String message = RoomEvent.signal(addressee.info().id(), Protocol.encode(signal));
        long bytes = 2L * message.length(); // what the string holds, about; the bound matters, not the exact figure
        if (signalBytesToRedis.addAndGet(bytes) > MAX_SIGNAL_BYTES_TO_REDIS) {
            signalBytesToRedis.addAndGet(-bytes);
            sender.send(new ServerMessage.Error(ErrorCode.PEER_BUSY, "That peer is on another server, and so much is "
                    + "on its way there that this signal was dropped. Try again later."));
            return;
        }
        redis.publish(RoomKeys.signalsOf(addressee.node()), message).whenComplete((receivers, failed) -> {
            signalBytesToRedis.addAndGet(-bytes);
            if (failed != null) {
                sender.send(new ServerMessage.Error(ErrorCode.PEER_BUSY, "That peer is on another server, which cannot "
                        + "be reached this moment: this signal was dropped. Try again later."));
            } else {
                stats.countRelayed();
                metrics.relayedToOtherNodes.increment();
            }
        });
    }

    @Override
    public void closed(Connection connection, int status) {
        User user = connection.user();
        if (user == null) {
            return;
        }
        ClusterRoom room = (ClusterRoom) user.room();
        boolean suspended;
        boolean left = false;
        synchronized (room) {
            if (user.connection() != connection) {
                return;
            }
            suspended = connection.dropped(status);
            if (suspended) {
                user.detach();
                user.gracePeriod(timer.schedule(() -> leaveUnlessBack(user), settings.resumeGrace().toMillis(),
                        TimeUnit.MILLISECONDS));
                resumable.incrementAndGet();
            } else {
                left = removeHere(user);
            }
        }
        if (suspended) {
            LOG.info("Peer {} lost its connection; it may resume within {} s", user.id(), settings.resumeGrace().toSeconds());
        } else if (left) {
            left(user, connection.whyClosed(status));
        }
    }

    private void leaveUnlessBack(User user) {
        boolean left;
        synchronized (user.room()) {
            left = user.connection() == null && removeHere(user);
        }
        if (left) {
            left(user, "did not come back within " + settings.resumeGrace().toSeconds() + " s");
        }
    }

    @Override
    public void leave(User user, String reason) {
        boolean left;
        synchronized (user.room()) {
            left = removeHere(user);
        }
        if (left) {
            left(user, reason);
        }
    }

    /** Takes a user out of its room here (the members here are told); false if it was out already. Under the room's lock. */
    private boolean removeHere(User user) {
        if (!localUsers.remove(user.id(), user)) {
            return false;
        }
        if (user.endGracePeriod()) {
            resumable.decrementAndGet();
        }
        user.room().remove(user);
        return true;
    }

    /** After {@link #removeHere}: the other nodes are told, through Redis, and the place is given back. */
    private void left(User user, String reason) {
        ClusterRoom room = (ClusterRoom) user.room();
        redis.run(Script.LEAVE, room.keys.all().subList(0, 3), List.of(user.id(), node(), room.keys.channel()))
                .exceptionally(failed -> null); // Redis away: the reconciliation after it comes back takes the user out
        releasePlace();
        closeIfUnused(room);
        LOG.info("Peer {} left: {} ({} here)", user.id(), reason, users(localUsers.size()));
    }

    /**
     * A place in the cluster for one more user of this node, in this room (which joins this node's rooms); false if
     * the cluster holds MAX_USERS already. {@code whatever}: taken even then (the user is in the cluster already).
     */
    private boolean reservePlace(ClusterRoom room, boolean whatever) {
        return await(redis.runForNumber(Script.RESERVE, List.of(RoomKeys.USERS_PER_NODE, RoomKeys.roomsOf(node())),
                List.of(node(), room.name(), String.valueOf(settings.maxUsers()), whatever ? "1" : "0"))) == 1;
    }

    private void releasePlace() {
        redis.addToHashField(RoomKeys.USERS_PER_NODE, node(), -1).exceptionally(failed -> null); // recounted after an outage
    }

    /** The last user here left: this node stops listening to the room. */
    private void closeIfUnused(ClusterRoom room) {
        synchronized (room) {
            if (room.isClosed() || !room.unused()) {
                return;
            }
            room.close();
            // Issued before a new room of this name can subscribe again, so Redis sees them in this order.
            redis.unsubscribe(room.keys.channel()).exceptionally(failed -> null);
            redis.removeFromSet(RoomKeys.roomsOf(node()), room.name()).exceptionally(failed -> null);
            roomsByName.remove(room.name(), room);
        }
    }

    // ---- What comes from the other nodes, through Redis --------------------------------------------------------

    /**
     * A message on a room's channel, or a signal on this node's; on one of Lettuce's threads, which must not wait
     * for Redis.
     */
    private void onEvent(String channel, String message) {
        RoomEvent event = RoomEvent.parse(message);
        try {
            if (event != null && event.kind() == RoomEvent.Kind.SIGNAL && channel.equals(RoomKeys.signalsOf(node()))) {
                handOverSignal(event.id(), event.text());
                return;
            }
            String name = RoomKeys.roomOf(channel);
            ClusterRoom room = name == null ? null : roomsByName.get(name);
            if (room == null || event == null || event.kind() == RoomEvent.Kind.SIGNAL) {
                return;
            }
            synchronized (room) {
                if (!room.isClosed()) {
                    apply(room, event);
                }
            }
        } catch (RuntimeException bug) {
            stats.countUncaught();
            LOG.error("Handling a message from Redis failed", bug);
        }
    }

    /** A signal another node published for a user of this one: handed over as it is, its {@code from} stamped already. */
    private void handOverSignal(String to, String frame) {
        User addressee = localUsers.get(to);
        boolean handedOver = false;
        if (addressee != null) {
            synchronized (addressee.room()) {
                handedOver = addressee.room().member(to) == addressee && addressee.offerSignalText(frame);
            }
        } else if (keepEarly(to, frame)) {
            return;
        }
        if (handedOver) {
            metrics.relayedFromOtherNodes.increment();
        } else {
            metrics.droppedFromOtherNodes.increment(); // gone, or not reading: its sender cannot be told from here
        }
    }

    /** Keeps a signal for a user not here (yet), for {@link #EARLY_SIGNALS_KEPT}; false if the bound is reached. */
    private boolean keepEarly(String to, String frame) {
        long bytes = 2L * frame.length();
        if (earlySignalBytes.addAndGet(bytes) > MAX_EARLY_SIGNAL_BYTES) {
            earlySignalBytes.addAndGet(-bytes);
            return false;
        }
        earlySignals.compute(to, (id, kept) -> {
            if (kept == null) {
                kept = new ArrayList<>();
                timer.schedule(() -> metrics.droppedFromOtherNodes.increment(takeEarly(id).size()),
                        EARLY_SIGNALS_KEPT.toMillis(), TimeUnit.MILLISECONDS); // nobody came for them
            }
            kept.add(frame);
            return kept;
        });
        return true;
    }

    /** The signals kept for this user, taken; empty if none. */
    private List<String> takeEarly(String id) {
        List<String> kept = earlySignals.remove(id);
        if (kept == null) {
            return List.of();
        }
        kept.forEach(frame -> earlySignalBytes.addAndGet(-2L * frame.length()));
        return kept;
    }

    /** A change to a room, from its channel. Under the room's lock. */
    private void apply(ClusterRoom room, RoomEvent event) {
        if (room.settling()) {
            change(room, event);
            return;
        }
        if (room.awaitsSnapshot()) {
            room.hold(event, MAX_HELD_CHANGES);
            return;
        }
        if (event.seq() <= room.seq()) {
            return; // in a snapshot already
        }
        if (event.seq() > room.seq() + 1) {
            room.awaitSnapshot();
            room.hold(event, MAX_HELD_CHANGES);
            askSnapshot(room, false);
            return;
        }
        room.seq(event.seq());
        change(room, event);
    }

    /** A change to the room's membership, on another node: the members here hear of it. Under the room's lock. */
    private void change(ClusterRoom room, RoomEvent event) {
        switch (event.kind()) {
            case JOINED -> placeElsewhere(room, event.id(), event.node(), event.text());
            case MOVED -> placeElsewhere(room, event.id(), event.node(), null);
            case LEFT -> {
                if (room.member(event.id()) == null) {
                    room.leftElsewhere(event.id());
                } else {
                    outOfStep = true; // Redis took out a user of this node: it thought this node dead; set it right
                }
            }
            default -> throw new IllegalStateException("not a change: " + event);
        }
    }

    /** A member is on {@code node}; if that is not here, a copy of it here is stale: it resumed elsewhere. */
    private void placeElsewhere(ClusterRoom room, String id, String node, String name) {
        if (node.equals(node())) {
            return; // a change this node made itself, applied already
        }
        User here = room.member(id);
        if (here != null) {
            handOver(room, here, node);
        } else if (room.elsewhere(id) != null) {
            room.movedElsewhere(id, node);
        } else if (name != null) {
            room.joinedElsewhere(id, node, name);
        }
    }

    /**
     * A user of this node resumed on another: its old connection here ends, what waited for it follows it, and its
     * peers here see nothing.
     */
    private void handOver(ClusterRoom room, User user, String node) {
        localUsers.remove(user.id(), user);
        if (user.endGracePeriod()) {
            resumable.decrementAndGet();
        }
        Connection previous = user.connection();
        user.detach();
        // Signals that waited here while its connection was down follow it (bounded, as they were here).
        for (String signal : user.takeWaitingSignals()) {
            redis.publish(RoomKeys.signalsOf(node), RoomEvent.signal(user.id(), signal)).exceptionally(failed -> null);
        }
        room.handOver(user, node);
        if (previous != null) {
            previous.attach(null);
            previous.disconnect("resumed on another server");
        }
        releasePlace();
        CompletableFuture.runAsync(() -> closeIfUnused(room), timer);
        LOG.info("Peer {} moved to node {}", user.id(), node);
    }

    private CompletableFuture<?> askSnapshot(ClusterRoom room, boolean force) {
        return redis.run(Script.SNAPSHOT, List.of(room.keys.members(), room.keys.seq()), List.of()).whenComplete((answer, failed) -> {
            if (failed == null) {
                synchronized (room) {
                    if (!room.isClosed()) {
                        apply(room, strings(answer), force);
                    }
                }
            } else {
                outOfStep = true; // the next heartbeat reconciles, and brings a snapshot
            }
        });
    }

    /**
     * A snapshot of the room from Redis: the view here becomes it (each difference is one peer-joined or peer-left
     * for the members here), then the changes held meanwhile are applied. {@code force}: even if it is older than
     * what was seen (Redis restarted, and its numbers with it). Under the room's lock.
     */
    private void apply(ClusterRoom room, List<String> snapshot, boolean force) {
        if (room.settling() && !force) {
            return; // the nodes may not all have told Redis their users yet: someone missing here has not left
        }
        long seq = Long.parseLong(snapshot.get(0));
        if (force || seq > room.seq()) {
            List<String> inRedis = new ArrayList<>();
            for (int i = 1; i + 2 < snapshot.size(); i += 3) {
                String id = snapshot.get(i);
                String node = snapshot.get(i + 1);
                inRedis.add(id);
                if (!node.equals(node())) { // this node's own members are its to tell Redis about (RESTORE)
                    placeElsewhere(room, id, node, snapshot.get(i + 2));
                }
            }
            for (String id : room.idsElsewhere()) {
                if (!inRedis.contains(id)) {
                    room.leftElsewhere(id);
                }
            }
            room.seq(seq);
            room.settled();
        }
        for (RoomEvent held : room.takeHeld()) {
            apply(room, held);
        }
    }

    // ---- The heartbeat, failed nodes, and Redis coming back -------------------------------------------------------

    private CompletableFuture<List<Object>> heartbeat() {
        long started = System.nanoTime();
        return redis.run(Script.HEARTBEAT, List.of(RoomKeys.NODES_ALIVE), List.of(node(), String.valueOf(cluster.nodeTimeout().toMillis())))
                .whenComplete((answer, failed) -> {
                    if (failed != null) {
                        if (!outOfStep && registered) {
                            LOG.warn("Redis does not answer ({}); new users are refused until it does",
                                    RedisState.rootCause(failed).getMessage());
                        }
                        outOfStep = registered;
                        lastHeartbeatFailure = System.nanoTime();
                        return;
                    }
                    metrics.redisRoundTrip(System.nanoTime() - started);
                    lastHeartbeat = System.nanoTime();
                    List<String> values = strings(answer);
                    boolean known = values.get(0).equals("1");
                    metrics.nodes(Integer.parseInt(values.get(1)));
                    if ((registered && !known) || outOfStep) {
                        LOG.info(known ? "Redis and this node may disagree (Redis was away); telling it what this node holds"
                                : "Redis lost this node (it restarted, or took this node for dead); telling it again");
                        outOfStep = false;
                        timer.execute(this::reconcile);
                    }
                    registered = true;
                    // After Redis was away, every node's heartbeat is old: wait until they all had time to beat again.
                    long lastFailure = lastHeartbeatFailure;
                    if (lastFailure == 0 || System.nanoTime() - lastFailure > cluster.nodeTimeout().toNanos()) {
                        values.subList(2, values.size()).forEach(this::evict);
                    }
                });
    }

    /**
     * Makes Redis agree with this node again after it was away or lost its data: the node's count and rooms, and
     * in each room its members (who left meanwhile leaves, who is missing joins). The other nodes do the same
     * within a heartbeat or two of Redis coming back; after {@link ClusterSettings#nodeTimeout()} each room's
     * view here becomes Redis's snapshot of it. Earlier, a node that had not told Redis its users yet would look
     * as if its users had left, and the members here would see them leave and come back. Runs on the timer.
     */
    private void reconcile() {
        List<String> recount = new ArrayList<>(List.of(node(), String.valueOf(localUsers.size())));
        recount.addAll(roomsByName.keySet());
        redis.runForNumber(Script.RECOUNT, List.of(RoomKeys.USERS_PER_NODE, RoomKeys.roomsOf(node())), recount)
                .exceptionally(failed -> null);
        redis.subscribe(RoomKeys.signalsOf(node())).exceptionally(failed -> null);
        List<CompletableFuture<?>> restored = new ArrayList<>();
        List<ClusterRoom> rooms = List.copyOf(roomsByName.values());
        for (ClusterRoom room : rooms) {
            List<String> args = new ArrayList<>(List.of(node(), room.keys.channel()));
            synchronized (room) {
                room.settle();
                for (User member : room.members()) {
                    args.addAll(List.of(member.id(), member.resumeToken(), member.info().name()));
                }
            }
            redis.subscribe(room.keys.channel()).exceptionally(failed -> null);
            restored.add(redis.run(Script.RESTORE, room.keys.all().subList(0, 3), args));
        }
        CompletableFuture.allOf(restored.toArray(CompletableFuture[]::new)).whenComplete((done, failed) -> {
            if (failed != null) {
                outOfStep = true;
                return;
            }
            timer.schedule(() -> CompletableFuture.allOf(rooms.stream().map(room -> askSnapshot(room, true))
                    .toArray(CompletableFuture[]::new)).thenRun(() -> LOG.info(
                            "The views of {} rooms match Redis again", rooms.size())), cluster.nodeTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        });
    }

    /** A node is silent: its users leave their rooms (each may still come back through another node). */
    private void evict(String deadNode) {
        if (!evicting.add(deadNode)) {
            return;
        }
        String grace = String.valueOf(settings.resumeGrace().toMillis());
        redis.setMembers(RoomKeys.roomsOf(deadNode)).thenCompose(rooms -> {
            List<CompletableFuture<Long>> evictions = new ArrayList<>();
            for (String room : rooms) {
                RoomKeys keys = new RoomKeys(room);
                evictions.add(redis.runForNumber(Script.EVICT, keys.all(), List.of(deadNode, keys.channel(), grace)));
            }
            return CompletableFuture.allOf(evictions.toArray(CompletableFuture[]::new));
        }).thenCompose(done -> redis.runForNumber(Script.FORGET_NODE,
                List.of(RoomKeys.NODES_ALIVE, RoomKeys.USERS_PER_NODE, RoomKeys.roomsOf(deadNode)), List.of(deadNode)))
                .whenComplete((done, failed) -> {
                    evicting.remove(deadNode);
                    if (failed == null) {
                        LOG.info("Node {} was silent for {} s: its users left their rooms", deadNode,
                                cluster.nodeTimeout().toSeconds());
                    }
                });
    }

    // ---- The rest of what the route needs ---------------------------------------------------------------------

    @Override
    public void refuse(Connection connection, ServerMessage.Error why, int closeCode) {
        refusalsLog.info("Refused a connection: {}", why.code().wireName());
        connection.sendAndClose(why, closeCode, why.code().wireName());
    }

    /** Redis is away: no newcomer can be admitted this moment. The page tries again (1013: try again later). */
    private void refuseForNow(Connection connection) {
        metrics.refusedForNow.increment();
        connection.sendAndClose(new ServerMessage.Error(ErrorCode.UNAVAILABLE, "The server cannot reach the cluster's "
                + "shared state this moment. Try again in a few seconds."), CloseCodes.TRY_AGAIN_LATER, "try again later");
    }

    @Override
    public void schedule(Runnable task, Duration delay) {
        timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public int users() {
        return localUsers.size();
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

    /** Waits for Redis, at most its command timeout. */
    private static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get(RedisState.COMMAND_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new RedisUnavailable("interrupted");
        } catch (Exception failed) {
            throw new RedisUnavailable(RedisState.rootCause(failed).toString());
        }
    }

    /** Redis did not answer in time. */
    static final class RedisUnavailable extends RuntimeException {
        RedisUnavailable(String why) {
            super(why);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        redis.close();
    }
}
