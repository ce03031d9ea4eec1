package dev.webrtcsteps.common;

import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ProtocolException;
import dev.webrtcsteps.common.protocol.ServerMessage;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpStatus;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsErrorContext;
import io.javalin.websocket.WsMessageContext;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /signal} WebSocket of steps 2 and 3, and what keeps it up when clients misbehave or vanish.
 * The step's {@link Signaling} decides who is admitted and who may signal to whom; this class does the
 * same for every step: the origin check, rate limits, reading and checking frames, relaying them with the
 * sender's real id, the heartbeat, resuming after a dropped connection, and {@code /health} and
 * {@code /stats}. docs/reliability.md tells what happens on each fault.
 *
 * <p>Logs have one line per connect, disconnect and refusal, with the user's id and the reason; never the
 * content of a message (SDP, candidates, chat text do not belong in server logs).
 */
public final class SignalingEndpoint implements AutoCloseable {

    /** WebSocket close status for a connection that ended without a close frame. */
    private static final int NO_CLOSE_FRAME = 1006;
    private static final Logger LOG = LoggerFactory.getLogger(SignalingEndpoint.class);

    private final Signaling signaling;
    private final SignalingSettings settings;
    private final SignalingStats stats = new SignalingStats();
    private final Heartbeat heartbeat;
    private final ScheduledExecutorService graceTimer;
    private final Map<Session, Connection> connections = new ConcurrentHashMap<>();
    /** Every admitted user, connected or within its grace period, by resume token. */
    private final Map<String, Peer> peersByResumeToken = new ConcurrentHashMap<>();
    /** Users whose connection dropped, and the timer that will let them go. */
    private final Map<Peer, ScheduledFuture<?>> suspended = new ConcurrentHashMap<>();
    private volatile boolean ready;

    public SignalingEndpoint(Signaling signaling, SignalingSettings settings) {
        this.signaling = signaling;
        this.settings = settings;
        this.heartbeat = new Heartbeat(settings.heartbeat(), this::silent);
        this.graceTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "resume-grace");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Declares the WebSocket and the two status routes, and ties the heartbeat to the server's life. */
    public void addRoutes(JavalinConfig config) {
        config.events.serverStarted(() -> ready = true);
        config.events.serverStopping(() -> ready = false);
        config.events.serverStopped(this::close);
        config.routes.wsBeforeUpgrade("/signal", this::checkOrigin);
        config.routes.ws("/signal", ws -> {
            ws.onConnect(ctx -> guard(() -> connect(ctx)));
            ws.onMessage(ctx -> guard(() -> receive(ctx)));
            ws.onBinaryMessage(ctx -> guard(() -> receiveBinary(ctx)));
            ws.onClose(ctx -> guard(() -> closed(ctx)));
            ws.onError(this::failed);
        });
        config.routes.get("/health", this::health);
        config.routes.get("/stats", this::stats);
    }

    /**
     * Browsers send every WebSocket's {@code Origin} and let any page open one to any server: without this
     * check a page on another site could join rooms in its visitors' names. Clients that are not browsers
     * send no Origin, and may connect.
     */
    private void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || isAllowed(origin, ctx.host())) {
            return;
        }
        stats.countRefusedOrigin();
        LOG.warn("Refused a WebSocket from {}: origin {} is not allowed (ALLOWED_ORIGINS can allow it)",
                ctx.ip(), printable(origin));
        throw new ForbiddenResponse("Pages from " + printable(origin) + " may not connect to this server.");
    }

    private boolean isAllowed(String origin, String host) {
        if (settings.allowedOrigins().contains("*") || settings.allowedOrigins().contains(origin)) {
            return true;
        }
        try {
            String authority = URI.create(origin).getAuthority();
            return authority != null && authority.equalsIgnoreCase(host); // the page's own server
        } catch (IllegalArgumentException notAUri) {
            return false;
        }
    }

    private void connect(WsConnectContext ctx) {
        // A user the step admits is known by its resume token from the start, before its welcome is out.
        Connection connection = new Connection(ctx.session, stats, settings.newRateLimit(),
                admitted -> peersByResumeToken.put(admitted.resumeToken(), admitted));
        connections.put(ctx.session, connection);
        heartbeat.watch(ctx.session);
        String resumeToken = ctx.queryParam("resume");
        Peer returning = resumeToken == null ? null : peersByResumeToken.get(resumeToken);
        if (returning != null && resume(returning, connection)) {
            LOG.info("{} resumed on a new connection", returning);
            return;
        }
        try {
            Peer newcomer = signaling.join(connection, ctx::queryParam);
            LOG.info("{} connected ({})", newcomer, users());
        } catch (Refusal refusal) {
            LOG.info("Refused a connection: {}", refusal.code().wireName());
            connection.sendAndClose(refusal.toMessage(), refusal.closeCode(), refusal.code().wireName());
        }
    }

    /** Moves a user to its new connection; its peers see nothing. False if it is gone for good already. */
    private boolean resume(Peer peer, Connection fresh) {
        // Made before taking the peer's lock, because it takes the room's: a room sends to peers while it holds
        // its lock. Whatever is sent to a detached peer meanwhile waits in it, and follows the welcome.
        ServerMessage.Welcome welcome = signaling.welcomeBack(peer);
        Connection previous;
        synchronized (peer) {
            if (welcome == null || !peersByResumeToken.containsKey(peer.resumeToken())) {
                return false;
            }
            ScheduledFuture<?> letGo = suspended.remove(peer);
            if (letGo != null) {
                letGo.cancel(false);
            }
            previous = peer.connection();
            fresh.attach(peer);
            peer.reattach(fresh, welcome);
        }
        if (previous != null) { // the old connection has not noticed it is dead yet
            previous.attach(null);
            previous.disconnect("replaced by a resumed connection");
        }
        return true;
    }

    private void receive(WsMessageContext ctx) {
        Connection connection = admitted(ctx.session);
        if (connection == null) {
            return;
        }
        Peer sender = connection.peer();
        if (sender == null) {
            return; // resumed on another connection a moment ago
        }
        try {
            if (Protocol.decode(ctx.message()) instanceof SignalRequest request) {
                relay(sender, connection, request);
            }
        } catch (ProtocolException refused) {
            if (refused.code() == ErrorCode.TOO_LARGE) {
                // Not a client of this protocol: it would only send more of the same.
                connection.sendAndClose(refused.toMessage(), CloseCodes.MESSAGE_TOO_BIG, "message too large");
                leave(sender, "sent a frame over the size limit");
            } else {
                connection.send(refused.toMessage());
            }
        }
    }

    /** Hands the signal to its addressee, stamped with the sender's real id: a client cannot pose as another. */
    private void relay(Peer sender, Connection connection, SignalRequest request) {
        Peer addressee = signaling.addressee(sender, request.to());
        if (addressee == null) {
            connection.send(new ServerMessage.Error(ErrorCode.UNKNOWN_PEER,
                    "No other peer with that id is here; it may have left. Wait for a peer-joined message."));
            return;
        }
        addressee.send(new ServerMessage.Signal(sender.id(), request.data()));
        stats.countRelayed();
    }

    private void receiveBinary(WsBinaryMessageContext ctx) {
        Connection connection = admitted(ctx.session);
        if (connection != null) {
            connection.send(new ServerMessage.Error(ErrorCode.BAD_MESSAGE,
                    "Binary frames are not part of the protocol; send JSON text frames."));
        }
    }

    /**
     * The connection, if what it just sent is to be read: it belongs to an admitted user, the server is not
     * ending it, and the sender is within its rate limit.
     */
    private Connection admitted(Session session) {
        Connection connection = connections.get(session);
        if (connection == null || connection.peer() == null || connection.ending()) {
            return null;
        }
        switch (connection.rateLimit().admit()) {
            case ALLOWED -> {
                return connection;
            }
            case REFUSED -> connection.send(new ServerMessage.Error(ErrorCode.RATE_LIMITED, "Too many messages: "
                    + "this one was dropped. Send at most " + settings.messagesPerSecond() + " a second."));
            case FLOODING -> {
                Peer flooder = connection.peer();
                connection.sendAndClose(new ServerMessage.Error(ErrorCode.RATE_LIMITED,
                        "Too many messages, again and again: the server closes this connection."),
                        CloseCodes.POLICY_VIOLATION, "rate limit exceeded");
                leave(flooder, "kept sending over the rate limit");
            }
        }
        return null;
    }

    private void closed(WsCloseContext ctx) {
        heartbeat.forget(ctx.session);
        Connection connection = connections.remove(ctx.session);
        if (connection == null) {
            return;
        }
        connection.closed();
        Peer peer = connection.peer();
        Connection current = peer == null ? null : peer.connection();
        if (peer == null || current != null && current != connection) {
            return; // refused, or resumed on another connection
        }
        String serverReason = connection.endReason();
        if (serverReason != null) {
            leave(peer, serverReason);
        } else if (ctx.status() == NO_CLOSE_FRAME) {
            suspend(peer, connection);
        } else {
            leave(peer, "closed by the client (" + ctx.status() + ")");
        }
    }

    /**
     * The connection broke without a close frame: a network change, a proxy timeout, a server restart
     * on the other side of a load balancer. The user keeps its place for the grace period, in case it
     * comes back with its resume token; its peers see no leave and join.
     */
    private void suspend(Peer peer, Connection connection) {
        synchronized (peer) {
            if (peer.connection() != connection || !peersByResumeToken.containsKey(peer.resumeToken())) {
                return;
            }
            peer.detach();
            long graceMillis = settings.resumeGrace().toMillis();
            suspended.put(peer, graceTimer.schedule(() -> guard(() -> leaveUnlessBack(peer)), graceMillis,
                    TimeUnit.MILLISECONDS));
        }
        LOG.info("{} lost its connection; it may resume within {} s", peer, settings.resumeGrace().toSeconds());
    }

    private void leaveUnlessBack(Peer peer) {
        synchronized (peer) {
            if (peer.connection() != null) {
                return;
            }
        }
        leave(peer, "did not come back within " + settings.resumeGrace().toSeconds() + " s");
    }

    /** The user is gone for good; its peers are told once, however many ways it ended. */
    private void leave(Peer peer, String reason) {
        synchronized (peer) {
            if (peersByResumeToken.remove(peer.resumeToken()) == null) {
                return;
            }
            ScheduledFuture<?> letGo = suspended.remove(peer);
            if (letGo != null) {
                letGo.cancel(false);
            }
        }
        signaling.leave(peer);
        LOG.info("{} left: {} ({})", peer, reason, users());
    }

    /** The heartbeat found a connection that answers nothing: its other end is gone, so its user is too. */
    private void silent(Session session) {
        Connection connection = connections.get(session);
        if (connection != null) {
            connection.disconnect("no answer to ping");
        } else {
            session.disconnect();
        }
    }

    /** Drops a user's connection without a close frame, as a network failure would (tests use it). */
    public void dropConnection(String peerId) {
        connections.values().stream()
                .filter(connection -> connection.peer() != null && connection.peer().id().equals(peerId))
                .forEach(connection -> connection.session().disconnect());
    }

    private void failed(WsErrorContext ctx) {
        // Jetty reports what went wrong on the connection itself (a frame over its own limit, a reset);
        // the close handler follows and sees to the user. A frame over Jetty's limit is closed with 1009 by
        // Jetty, not by the client: say so in the log.
        Connection connection = connections.get(ctx.session);
        if (connection != null && ctx.error() instanceof MessageTooLargeException) {
            connection.markEnded("sent a frame over the server's limit of " + StepServer.MAX_FRAME_BYTES + " bytes");
        }
        LOG.debug("WebSocket error: {}", ctx.error().toString());
    }

    /** Runs a handler; an exception that escapes it is a bug in the server, counted and logged, never thrown at Jetty. */
    private void guard(Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException bug) {
            stats.countUncaught();
            LOG.error("A signaling handler failed", bug);
        }
    }

    private void health(Context ctx) {
        ctx.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .json(Map.of("status", ready ? "ready" : "not ready"));
    }

    private void stats(Context ctx) {
        ctx.json(snapshot());
    }

    /** What {@code GET /stats} reports. */
    public Map<String, Object> snapshot() {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("users", signaling.users());
        snapshot.put("rooms", signaling.rooms());
        snapshot.put("connections", connections.size());
        snapshot.put("resumable", suspended.size());
        snapshot.put("relayed", stats.relayed());
        snapshot.put("errors", stats.errorsByCode());
        snapshot.put("refusedOrigins", stats.refusedOrigins());
        snapshot.put("uncaught", stats.uncaught());
        return snapshot;
    }

    public SignalingStats stats() {
        return stats;
    }

    /** How many connections the heartbeat watches: one per open connection, none once all are closed. */
    public int watchedConnections() {
        return heartbeat.size();
    }

    /** How many rounds of pings the heartbeat has made. */
    public long heartbeats() {
        return heartbeat.beats();
    }

    private String users() {
        int users = signaling.users();
        return users == 1 ? "1 user" : users + " users";
    }

    private static String printable(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }

    @Override
    public void close() {
        heartbeat.close();
        graceTimer.shutdownNow();
    }
}
