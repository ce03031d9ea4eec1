package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.LogThrottle;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.common.StepServer;
import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ProtocolException;
import dev.webrtcsteps.common.protocol.ServerMessage;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpStatus;
import io.javalin.http.TooManyRequestsResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 3: users join rooms ({@code /signal?room=NAME&name=DISPLAY}), see who else is there, and connect to
 * anyone in their room. The server relays signals only within a room. What step 2 did not need, this step adds
 * for a server that stays up: rate limits, bounded send queues, resuming after a drop, {@code /stats}.
 */
public final class Step3App {

    private static final Logger LOG = LoggerFactory.getLogger(Step3App.class);
    /** The request attribute that carries the client's address (see {@link AddressLimits}) from upgrade to connect. */
    private static final String CLIENT_ADDRESS = "client-address";

    private Step3App() {
    }

    public static Javalin create() {
        Settings settings = Settings.fromEnvironment(System.getenv());
        return create(new Hub(settings), new Heartbeat(settings.heartbeat()), OriginCheck.fromEnvironment(System.getenv()));
    }

    static Javalin create(Hub hub, Heartbeat heartbeat, OriginCheck origins) {
        return StepServer.create("step3-page", config -> routes(config, hub, heartbeat, origins));
    }

    /** The {@code /signal} route and its handlers, and {@code /stats}; step 4 serves the same with its own hub. */
    public static void routes(JavalinConfig config, Signaling hub, Heartbeat heartbeat, OriginCheck origins) {
        Settings settings = hub.settings();
        Stats stats = hub.stats();
        AddressLimits addresses = settings.perAddress().newLimits();
        LogThrottle addressRefusals = new LogThrottle(LOG, 20);
        Map<Session, Connection> connections = new ConcurrentHashMap<>();
        config.events.serverStopped(() -> {
            heartbeat.close();
            hub.close();
        });
        config.routes.wsBeforeUpgrade("/signal", ctx -> {
            origins.check(ctx);
            String address = addresses.addressOf(ctx.req().getRemoteAddr(),
                    Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
            String refusal = addresses.refusal(address);
            ctx.attribute(CLIENT_ADDRESS, address); // for onConnect
            if (refusal != null) {
                addressRefusals.info("Refused a WebSocket from {}: {}", address, refusal);
                ctx.header("Connection", "close"); // and no WebSocket: the socket is closed with the answer
                throw new TooManyRequestsResponse(refusal);
            }
        });
        config.routes.ws("/signal", ws -> {
            ws.onConnect(ctx -> guard(stats, () -> {
                Connection connection = new Connection(ctx.session, stats, settings.newRateLimit());
                connections.put(ctx.session, connection);
                heartbeat.watch(ctx.session, () -> connection.disconnect("no answer to ping"));
                String address = ctx.attribute(CLIENT_ADDRESS);
                connection.countUnder(address);
                if (!addresses.opened(address)) { // others from that address were upgraded at the same moment
                    connection.disconnect("one connection too many from its address");
                    return;
                }
                JoinRequest.Unchecked join = new JoinRequest.Unchecked(ctx.queryParam("room"), ctx.queryParam("name"));
                if (ctx.queryParamMap().containsKey("resume")) {
                    hub.awaitResume(connection, join); // the token comes in the first frame
                } else {
                    hub.connect(connection, null, join);
                }
            }));
            ws.onMessage(ctx -> guard(stats, () -> {
                Connection connection = connections.get(ctx.session);
                if (connection != null && connection.awaitsResume()) {
                    hub.resumeMessage(connection, ctx.message());
                    return;
                }
                User sender = admitted(connection, hub, settings);
                if (sender != null) {
                    receive(ctx.message(), sender, connection, hub);
                }
            }));
            ws.onBinaryMessage(ctx -> guard(stats, () -> {
                Connection connection = connections.get(ctx.session);
                if (admitted(connection, hub, settings) != null) {
                    connection.send(new ServerMessage.Error(ErrorCode.BAD_MESSAGE,
                            "Binary frames are not part of the protocol; send JSON text frames."));
                }
            }));
            ws.onClose(ctx -> guard(stats, () -> {
                heartbeat.forget(ctx.session);
                Connection connection = connections.remove(ctx.session);
                if (connection != null) {
                    connection.takeAwaitedResume(); // gone before its resume message: nothing to refuse
                    connection.closed();
                    hub.closed(connection, ctx.status());
                    if (connection.countedAddress() != null) {
                        addresses.release(connection.countedAddress());
                    }
                }
            }));
            ws.onError(ctx -> {
                // Jetty closes a frame over its own limit with 1009 itself; say so in the log, not "by the client".
                Connection connection = connections.get(ctx.session);
                if (connection != null && ctx.error() instanceof MessageTooLargeException) {
                    connection.markEnded("sent a frame over the server's limit of " + StepServer.MAX_FRAME_BYTES + " bytes");
                }
            });
        });
        config.routes.get("/stats", ctx -> {
            if (!authorized(ctx.header("Authorization"), settings.statsToken())) {
                ctx.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer")
                        .result(settings.statsToken() == null
                                ? "/stats is off: start the server with STATS_TOKEN set, and send it as 'Authorization: Bearer TOKEN'."
                                : "/stats needs the server's STATS_TOKEN, sent as 'Authorization: Bearer TOKEN'.");
                return;
            }
            Map<String, Object> snapshot = new LinkedHashMap<>();
            snapshot.put("users", hub.users());
            snapshot.put("rooms", hub.rooms());
            snapshot.put("connections", connections.size());
            snapshot.put("resumable", hub.resumable());
            snapshot.put("addresses", addresses.size());
            snapshot.put("relayed", stats.relayed());
            snapshot.put("errors", stats.errorsByCode());
            snapshot.put("refusedOrigins", origins.refusals().sum());
            snapshot.put("uncaught", stats.uncaught());
            ctx.json(snapshot);
        });
    }

    /** Whether an {@code Authorization} header carries the stats token; compared in constant time. */
    public static boolean authorized(String header, String token) {
        return token != null && header != null && MessageDigest.isEqual(
                header.getBytes(StandardCharsets.UTF_8), ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
    }

    /** One frame from an admitted user: a signal to relay, or an error that says what is wrong with it. */
    private static void receive(String frame, User sender, Connection connection, Signaling hub) {
        try {
            if (Protocol.decode(frame) instanceof SignalRequest request) {
                hub.relay(sender, connection, request);
            }
        } catch (ProtocolException refused) {
            if (refused.code() == ErrorCode.TOO_LARGE) {
                // Not a client of this protocol: it would only send more of the same.
                connection.sendAndClose(refused.toMessage(), CloseCodes.MESSAGE_TOO_BIG, "message too large");
                hub.leave(sender, "sent a frame over the size limit");
            } else {
                connection.send(refused.toMessage());
            }
        }
    }

    /**
     * The user whose connection sent a frame, if the frame is to be read: the connection belongs to an admitted
     * user, the server is not ending it, and the sender is within its rate limit.
     */
    private static User admitted(Connection connection, Signaling hub, Settings settings) {
        User user = connection == null ? null : connection.user();
        if (user == null || connection.ending()) {
            return null;
        }
        switch (connection.rateLimit().admit()) {
            case ALLOWED -> {
                return user;
            }
            case REFUSED -> connection.send(new ServerMessage.Error(ErrorCode.RATE_LIMITED, "Too many messages: "
                    + "this one was dropped. Send at most " + settings.messagesPerSecond() + " a second."));
            case FLOODING -> {
                connection.sendAndClose(new ServerMessage.Error(ErrorCode.RATE_LIMITED,
                        "Too many messages, again and again: the server closes this connection."),
                        CloseCodes.POLICY_VIOLATION, "rate limit exceeded");
                hub.leave(user, "kept sending over the rate limit");
            }
        }
        return null;
    }

    /** Runs a handler; an exception that escapes it is a bug in the server, counted and logged, never thrown at Jetty. */
    private static void guard(Stats stats, Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException bug) {
            stats.countUncaught();
            LOG.error("A signaling handler failed", bug);
        }
    }

    public static void main(String[] args) {
        StepServer.run("Step 3 (chat with anyone in the room)", Step3App::create);
    }
}
