package dev.webrtcsteps.step1;

import dev.webrtcsteps.common.StepServer;
import io.javalin.Javalin;

/**
 * Step 1 needs no signaling server: both peers live in one page and hand each other their descriptions and
 * ICE candidates directly. The server only serves that page.
 */
public final class Step1App {

    private Step1App() {
    }

    public static Javalin create() {
        return StepServer.create("step1-page", config -> { });
    }

    public static void main(String[] args) {
        StepServer.run("Step 1 (two peers in one page)", Step1App::create);
    }
}
