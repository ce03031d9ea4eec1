package dev.webrtcsteps.common;

import dev.webrtcsteps.common.protocol.Protocol;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The server bootstrap every step shares: static files, the shared browser assets, and a start that fails
 * with one clear line instead of a stack trace.
 *
 * <p>URL layout: the step's own {@code /public} classpath folder at {@code /}, the shared assets of
 * {@code common} at {@code /common/}, and webrtc-adapter (from its WebJar) at {@code /vendor/webrtc-adapter/}.
 */
public final class StepServer {

    /**
     * Jetty closes a WebSocket on which nothing was read or written for this long. The {@link Heartbeat}'s
     * pings keep signaling connections busy, and it is what finds vanished clients; this is a backstop.
     */
    public static final Duration WEBSOCKET_IDLE_TIMEOUT = Duration.ofMinutes(5);

    private StepServer() {
    }

    /** A Javalin app with the shared static files; {@code step} adds the step's own routes and settings. */
    public static Javalin create(Consumer<JavalinConfig> step) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.staticFiles.add("/public", Location.CLASSPATH);
            config.staticFiles.add(files -> {
                files.hostedPath = "/common";
                files.directory = "/common-assets";
                files.location = Location.CLASSPATH;
            });
            config.staticFiles.add(files -> {
                files.hostedPath = "/vendor/webrtc-adapter";
                files.directory = webjarDirectory("webrtc-adapter");
                files.location = Location.CLASSPATH;
            });
            config.jetty.modifyWebSocketServletFactory(webSockets -> {
                // Jetty counts bytes, and a character takes up to 3 bytes of UTF-8: with room for 4 bytes a
                // character, every frame just over the protocol's limit is still read and answered with a
                // too-large error. Beyond that, Jetty closes the connection with 1009 without reading it.
                webSockets.setMaxTextMessageSize(4L * Protocol.MAX_MESSAGE_CHARS);
                webSockets.setMaxBinaryMessageSize(4L * Protocol.MAX_MESSAGE_CHARS);
                webSockets.setIdleTimeout(WEBSOCKET_IDLE_TIMEOUT);
            });
            step.accept(config);
        });
    }

    /**
     * Creates the step's app and starts it where HOST and PORT say and prints the page's URL; on a bad setting or a taken port,
     * prints one line saying what to do and exits with status 1.
     */
    public static Javalin run(String title, Supplier<Javalin> step) {
        try {
            ServerAddress address = ServerAddress.fromEnvironment(System.getenv());
            Javalin app = step.get();
            app.start(address.host(), address.port());
            System.out.println(title + " is running: open " + address.browserUrl(app.port()) + " (Ctrl+C stops it)");
            if (address.host().equals(ServerAddress.DEFAULT_HOST)) {
                System.out.println("Only this machine can reach it; start with HOST=0.0.0.0 to open it to your LAN.");
            }
            return app;
        } catch (IllegalArgumentException badSetting) {
            return exit(badSetting.getMessage());
        } catch (JavalinBindException portTaken) {
            return exit("Cannot listen on that port, it is probably in use (" + rootMessage(portTaken)
                    + "). Stop the other server or choose another port, e.g. PORT=8081.");
        }
    }

    private static Javalin exit(String line) {
        System.err.println("error: " + line);
        System.exit(1);
        return null;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /** The versioned folder inside a WebJar, so pages can name {@code /vendor/<name>/...} without a version. */
    static String webjarDirectory(String artifactId) {
        String properties = "/META-INF/maven/org.webjars.npm/" + artifactId + "/pom.properties";
        try (InputStream in = StepServer.class.getResourceAsStream(properties)) {
            if (in == null) {
                throw new IllegalStateException("The WebJar " + artifactId + " is not on the classpath.");
            }
            Properties pom = new Properties();
            pom.load(in);
            return "/META-INF/resources/webjars/" + artifactId + "/" + pom.getProperty("version");
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
