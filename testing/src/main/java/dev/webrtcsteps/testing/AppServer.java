package dev.webrtcsteps.testing;

import io.javalin.Javalin;
import java.net.URI;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real app of a step on a free port of 127.0.0.1. In a static field,
 * {@code @RegisterExtension static final AppServer app = new AppServer(Step1App::create);}, one server serves
 * all tests of the class; in an instance field each test gets a fresh server (and fresh server state).
 */
public final class AppServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        AutoCloseable {

    private final Supplier<Javalin> factory;
    private Javalin app;
    private int port;
    private boolean perTest;

    public AppServer(Supplier<Javalin> factory) {
        this.factory = factory;
    }

    /** Starts the app (port 0: the system picks a free one). Also called by JUnit before the class's tests. */
    public AppServer start() {
        app = factory.get().start("127.0.0.1", 0);
        port = app.port();
        return this;
    }

    /** Stops the server, as a crash or a redeploy would; {@link #startAgain()} brings up a fresh one. */
    public void stop() {
        close();
    }

    /** A new app from the factory (so: fresh server state) on the port the stopped one had. */
    public void startAgain() {
        app = factory.get().start("127.0.0.1", port);
    }

    /** The running app, e.g. to look at its Jetty server. */
    public Javalin javalin() {
        return app;
    }

    public int port() {
        return port;
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

    @Override
    public void beforeEach(ExtensionContext context) {
        if (app == null) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            close();
        }
    }
}
