package dev.webrtcsteps.step2;

import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.StepServer;
import io.javalin.Javalin;

/**
 * Step 2: a signaling server. The page connects to {@code /signal}; the server pairs the first two users
 * and relays their offer, answer and ICE candidates, after which they chat peer to peer.
 */
public final class Step2App {

    private Step2App() {
    }

    public static Javalin create() {
        return create(new Heartbeat(Heartbeat.intervalFromEnvironment(System.getenv())));
    }

    static Javalin create(Heartbeat heartbeat) {
        Pair pair = new Pair();
        return StepServer.create(config -> {
            config.events.serverStopped(heartbeat::close);
            config.routes.ws("/signal", ws -> {
                ws.onConnect(ctx -> {
                    heartbeat.watch(ctx.session);
                    pair.join(ctx.sessionId(), ctx.session);
                });
                ws.onMessage(ctx -> pair.receive(ctx.sessionId(), ctx.message()));
                ws.onBinaryMessage(ctx -> pair.receiveBinary(ctx.sessionId()));
                ws.onClose(ctx -> {
                    heartbeat.forget(ctx.session);
                    pair.leave(ctx.sessionId());
                });
            });
        });
    }

    public static void main(String[] args) {
        StepServer.run("Step 2 (a signaling server pairs two users)", Step2App::create);
    }
}
