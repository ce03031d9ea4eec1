package dev.webrtcsteps.step2;

import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.IceServers;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.common.StepServer;
import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ProtocolException;
import dev.webrtcsteps.common.protocol.ServerMessage;
import io.javalin.Javalin;
import io.javalin.websocket.WsContext;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Step 2: a signaling server. The page connects to {@code /signal}; the server pairs the first two users and
 * relays their offer, answer and ICE candidates, after which they chat peer to peer.
 */
public final class Step2App {

    private Step2App() {
    }

    public static Javalin create() {
        Map<String, String> environment = System.getenv();
        return create(new Heartbeat(Heartbeat.intervalFromEnvironment(environment)), OriginCheck.fromEnvironment(environment),
                IceServers.fromEnvironment(environment));
    }

    static Javalin create(Heartbeat heartbeat, OriginCheck origins, IceServers iceServers) {
        Outgoing outgoing = new Outgoing();
        Pair pair = new Pair(outgoing, iceServers);
        AtomicBoolean stopping = new AtomicBoolean();
        return StepServer.create("step2-page", config -> {
            config.events.serverStopping(() -> stopping.set(true));
            config.events.serverStopped(heartbeat::close);
            config.routes.wsBeforeUpgrade("/signal", origins::check);
            config.routes.ws("/signal", ws -> {
                ws.onConnect(ctx -> {
                    outgoing.open(ctx);
                    heartbeat.watch(ctx.session, ctx.session::disconnect); // a browser that vanished without closing
                    if (!pair.join(ctx)) {
                        refuse(ctx, outgoing, new ServerMessage.Error(ErrorCode.ROOM_FULL, "Two people are already chatting "
                                + "here, and step 2 holds only two. Try again when one of them leaves."), CloseCodes.ROOM_FULL);
                    }
                });
                ws.onMessage(ctx -> {
                    try {
                        if (!(Protocol.decode(ctx.message()) instanceof SignalRequest signal)) {
                            outgoing.send(ctx, new ServerMessage.Error(ErrorCode.BAD_MESSAGE,
                                    "Step 2 has no resuming; send only signal messages."));
                        } else if (!pair.relay(ctx, signal)) {
                            outgoing.send(ctx, new ServerMessage.Error(ErrorCode.UNKNOWN_PEER,
                                    "No other peer with that id is here; it may have left. Wait for a peer-joined message."));
                        }
                    } catch (ProtocolException refused) {
                        if (refused.code() == ErrorCode.TOO_LARGE) {
                            refuse(ctx, outgoing, refused.toMessage(), CloseCodes.MESSAGE_TOO_BIG);
                        } else {
                            outgoing.send(ctx, refused.toMessage());
                        }
                    }
                });
                ws.onBinaryMessage(ctx -> outgoing.send(ctx, new ServerMessage.Error(ErrorCode.BAD_MESSAGE,
                        "Binary frames are not part of the protocol; send JSON text frames.")));
                ws.onClose(ctx -> {
                    heartbeat.forget(ctx.session);
                    if (!stopping.get()) { // a server that stops is not its users leaving: no peer-left
                        pair.leave(ctx);
                    }
                    outgoing.forget(ctx);
                });
            });
        });
    }

    /** Says why, then closes: the close code says it again, for a browser that drops the last message. */
    private static void refuse(WsContext ctx, Outgoing outgoing, ServerMessage.Error why, int closeCode) {
        outgoing.send(ctx, why);
        ctx.closeSession(closeCode, why.code().wireName());
    }

    public static void main(String[] args) {
        StepServer.run("Step 2 (a signaling server pairs two users)", Step2App::create);
    }
}
