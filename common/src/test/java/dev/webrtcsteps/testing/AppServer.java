package dev.webrtcsteps.testing;

import io.javalin.Javalin;
import java.net.URI;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real app of a step on a free port of 127.0.0.1, for the tests of one class:
 * {@code @RegisterExtension static final AppServer app = new AppServer(Step1App::create);}
 */
public final class AppServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private final Supplier<Javalin> factory;
    private Javalin app;

    public AppServer(Supplier<Javalin> factory) {
        this.factory = factory;
    }

    /** Starts the app (port 0: the system picks a free one). Also called by JUnit before the class's tests. */
    public AppServer start() {
        app = factory.get().start("127.0.0.1", 0);
        return this;
    }

    public int port() {
        return app.port();
    }

    /** The URL of a page, e.g. {@code url("/")}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The WebSocket URI of an endpoint, e.g. {@code webSocket("/signal")}. */
    public URI webSocket(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port() + pathAndQuery);
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
