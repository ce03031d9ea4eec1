package dev.webrtcsteps.common;

import dev.webrtcsteps.common.protocol.Protocol;
import jakarta.servlet.DispatcherType;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The server bootstrap every step shares: static files, the shared browser assets, {@code GET /health}, and a
 * start that fails with one clear line instead of a stack trace. And what holds against hostile HTTP clients in
 * every step: the {@link HostCheck} and the security headers ({@link HttpGuard}), no HTTP sessions
 * ({@link NoSessions}), and a deadline for request headers ({@link HeaderDeadline}).
 *
 * <p>URL layout: the step's own page folder at {@code /}, the shared assets of {@code common} at {@code /common/},
 * and webrtc-adapter's bundle (from its WebJar) at {@code /vendor/webrtc-adapter/out/adapter.js}. Each step's page
 * folder has a name of its own ({@code step1-page}, ...), so that steps on one class path never serve each
 * other's pages.
 */
public final class StepServer {

    /**
     * Jetty closes a WebSocket on which nothing was read or written for this long. The {@link Heartbeat}'s
     * pings keep signaling connections busy, and it is what finds vanished clients; this is a backstop.
     */
    public static final Duration WEBSOCKET_IDLE_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Jetty counts bytes, and a character takes up to 3 bytes of UTF-8: with room for 4 bytes a character, every
     * frame just over the protocol's limit is still read and answered with a too-large error. Beyond this, Jetty
     * closes the connection with 1009 without reading the frame.
     */
    public static final long MAX_FRAME_BYTES = 4L * Protocol.MAX_MESSAGE_CHARS;

    /**
     * A whole request header (the request line and every header line) must arrive within this long, counted from
     * when the server began to read it: a client that trickles its header is disconnected ({@link HeaderDeadline}).
     * A browser sends its header at once; 10 s leaves room for a slow network.
     */
    public static final Duration REQUEST_HEADER_DEADLINE = Duration.ofSeconds(10);

    private StepServer() {
    }

    /**
     * A Javalin app serving the step's page (the classpath folder {@code pageFolder}) and the shared static files;
     * {@code step} adds the step's own routes and settings. The host names it answers to besides IP addresses and
     * localhost are those in {@code ALLOWED_HOSTS}.
     */
    public static Javalin create(String pageFolder, Consumer<JavalinConfig> step) {
        return create(pageFolder, HostCheck.fromEnvironment(System.getenv()), step);
    }

    /** As {@link #create(String, Consumer)}, answering to the host names {@code hosts} allows. */
    public static Javalin create(String pageFolder, HostCheck hosts, Consumer<JavalinConfig> step) {
        return create(pageFolder, hosts, REQUEST_HEADER_DEADLINE, () -> null, step);
    }

    /**
     * As {@link #create(String, Consumer)}, with {@code GET /health} also answering 503 while {@code notReady} gives
     * a reason (step 4: it cannot reach Redis), so that a load balancer sends new users elsewhere.
     */
    public static Javalin create(String pageFolder, Supplier<String> notReady, Consumer<JavalinConfig> step) {
        return create(pageFolder, HostCheck.fromEnvironment(System.getenv()), REQUEST_HEADER_DEADLINE, notReady, step);
    }

    static Javalin create(String pageFolder, HostCheck hosts, Duration headerDeadline, Consumer<JavalinConfig> step) {
        return create(pageFolder, hosts, headerDeadline, () -> null, step);
    }

    private static Javalin create(String pageFolder, HostCheck hosts, Duration headerDeadline, Supplier<String> notReady,
            Consumer<JavalinConfig> step) {
        byte[] adapter = resource(webjarDirectory("webrtc-adapter") + "/out/adapter.js");
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            serve(config, "/", pageFolder);
            serve(config, "/common", "common-assets");
            // Only the bundle pages load, not the rest of the package (its package.json, sources, ...).
            config.routes.get("/vendor/webrtc-adapter/out/adapter.js",
                    ctx -> ctx.contentType("text/javascript; charset=utf-8").result(adapter));
            config.jetty.modifyServer(server -> {
                server.insertHandler(new HttpGuard(hosts)); // host check and security headers, before anything else
                server.addBean(new HeaderDeadline(server, headerDeadline));
            });
            config.jetty.modifyServletContextHandler(context -> {
                context.setSessionHandler(NoSessions.refusingHandler());
                context.addFilter(new NoSessions(), "/*", EnumSet.allOf(DispatcherType.class));
            });
            config.jetty.modifyWebSocketServletFactory(webSockets -> {
                webSockets.setMaxTextMessageSize(MAX_FRAME_BYTES);
                webSockets.setMaxBinaryMessageSize(MAX_FRAME_BYTES);
                webSockets.setIdleTimeout(WEBSOCKET_IDLE_TIMEOUT);
            });
            // Ready while the server accepts connections; 503 while it stops: for a load balancer's health check.
            AtomicBoolean ready = new AtomicBoolean();
            config.events.serverStarted(() -> ready.set(true));
            config.events.serverStopping(() -> ready.set(false));
            config.routes.get("/health", ctx -> {
                String problem = ready.get() ? notReady.get() : "stopping";
                ctx.status(problem == null ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                        .json(problem == null ? Map.of("status", "ready") : Map.of("status", "not ready", "reason", problem));
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
            System.out.println(title + " is running: open " + address.browserUrl(app.port()));
            for (String url : address.networkUrls(app.port(), ServerAddress.networkAddresses())) {
                System.out.println("  or, from a phone or another computer on your network, " + url);
            }
            System.out.println(address.host().equals(ServerAddress.DEFAULT_HOST)
                    ? "Only this machine can reach it (HOST=0.0.0.0 opens it to your network). Ctrl+C stops it."
                    : "Ctrl+C stops it.");
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

    /**
     * Serves a classpath folder at {@code hostedPath}. When that folder was copied there from a source tree (a
     * module's {@code target/classes}), the source folder itself is served instead, so an edited page shows on
     * the next reload without a rebuild.
     */
    private static void serve(JavalinConfig config, String hostedPath, String classpathFolder) {
        Path source = sourceFolderOf(classpathFolder);
        config.staticFiles.add(files -> {
            files.hostedPath = hostedPath;
            files.directory = source != null ? source.toString() : "/" + classpathFolder;
            files.location = source != null ? Location.EXTERNAL : Location.CLASSPATH;
        });
    }

    /** {@code module/src/main/resources/FOLDER} if the classpath's FOLDER is {@code module/target/classes/FOLDER}. */
    static Path sourceFolderOf(String classpathFolder) {
        URL found = StepServer.class.getClassLoader().getResource(classpathFolder);
        if (found == null || !found.getProtocol().equals("file")) {
            return null; // in a jar: there is no source to prefer
        }
        Path output = Path.of(URI.create(found.toString())).getParent();
        for (String[] outputAndSource : new String[][] {
                {"target/classes", "src/main/resources"}, {"target/test-classes", "src/test/resources"}}) {
            if (output.endsWith(outputAndSource[0])) {
                Path module = output.getParent().getParent();
                Path source = module.resolve(outputAndSource[1]).resolve(classpathFolder);
                if (Files.isDirectory(source)) {
                    return source;
                }
            }
        }
        return null;
    }

    private static byte[] resource(String path) {
        try (InputStream in = StepServer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the classpath.");
            }
            return in.readAllBytes();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
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
