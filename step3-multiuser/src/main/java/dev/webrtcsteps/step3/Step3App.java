package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.SignalingEndpoint;
import dev.webrtcsteps.common.SignalingSettings;
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
        SignalingHub hub = new SignalingHub(Limits.fromEnvironment(System.getenv()));
        return create(new SignalingEndpoint(hub, SignalingSettings.fromEnvironment(System.getenv())));
    }

    static Javalin create(SignalingEndpoint signaling) {
        return StepServer.create(signaling::addRoutes);
    }

    public static void main(String[] args) {
        StepServer.run("Step 3 (chat with anyone in the room)", Step3App::create);
    }
}
