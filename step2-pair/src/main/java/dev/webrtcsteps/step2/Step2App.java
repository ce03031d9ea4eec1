package dev.webrtcsteps.step2;

import dev.webrtcsteps.common.SignalingEndpoint;
import dev.webrtcsteps.common.SignalingSettings;
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
        return create(new SignalingEndpoint(new Pair(), SignalingSettings.fromEnvironment(System.getenv())));
    }

    static Javalin create(SignalingEndpoint signaling) {
        return StepServer.create(signaling::addRoutes);
    }

    public static void main(String[] args) {
        StepServer.run("Step 2 (a signaling server pairs two users)", Step2App::create);
    }
}
