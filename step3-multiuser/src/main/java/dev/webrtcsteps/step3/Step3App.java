package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.StepServer;
import io.javalin.Javalin;

/**
 * Step 3: users join rooms ({@code /signal?room=NAME&name=DISPLAY}), see who else is there, and connect to
 * anyone in their room. The server relays signals only within a room.
 */
public final class Step3App {

    private Step3App() {
    }

    public static Javalin create() {
        return create(new SignalingHub(Limits.fromEnvironment(System.getenv())),
                new Heartbeat(Heartbeat.intervalFromEnvironment(System.getenv())));
    }

    static Javalin create(SignalingHub hub, Heartbeat heartbeat) {
        return StepServer.create(config -> {
            config.events.serverStopped(heartbeat::close);
            config.routes.ws("/signal", ws -> {
                ws.onConnect(ctx -> {
                    heartbeat.watch(ctx.session);
                    hub.join(ctx.sessionId(), ctx.session, ctx.queryParam("room"), ctx.queryParam("name"));
                });
                ws.onMessage(ctx -> hub.receive(ctx.sessionId(), ctx.message()));
                ws.onBinaryMessage(ctx -> hub.receiveBinary(ctx.sessionId()));
                ws.onClose(ctx -> {
                    heartbeat.forget(ctx.session);
                    hub.leave(ctx.sessionId());
                });
            });
        });
    }

    public static void main(String[] args) {
        StepServer.run("Step 3 (chat with anyone in the room)", Step3App::create);
    }
}
