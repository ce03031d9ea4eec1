package dev.webrtcsteps.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.RawHttp;
import dev.webrtcsteps.testing.RawHttp.Reply;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.session.AbstractSessionManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP-level promises of {@link StepServer}, for every step: attacked through real sockets. */
class HttpHardeningTest {

    /** A step with a WebSocket route guarded like {@code /signal}. */
    static AppServer server(HostCheck hosts) {
        return new AppServer(() -> StepServer.create("test-page", hosts, config -> {
            config.routes.wsBeforeUpgrade("/signal", OriginCheck.allowing()::check);
            config.routes.ws("/signal", ws -> ws.onMessage(ctx -> ctx.send(ctx.message())));
        }));
    }

    @RegisterExtension
    static final AppServer app = server(HostCheck.allowing());

    private static final String EVIL = "evil.example";

    // 1. No HTTP sessions

    @Test
    void webSocketUpgradesCreateNoSessionAndSetNoCookie() throws Exception {
        for (int i = 0; i < 200; i++) {
            Reply upgrade = RawHttp.upgrade(app.port(), "/signal", "127.0.0.1:" + app.port(), null);
            assertEquals(101, upgrade.status());
            assertEquals(List.of(), upgrade.headers("Set-Cookie"), "upgrade " + i);
        }
        List<AbstractSessionManager> sessionManagers =
                app.javalin().jettyServer().server().getContainedBeans(AbstractSessionManager.class).stream().toList();
        for (AbstractSessionManager sessions : sessionManagers) {
            assertEquals(0, sessions.getSessionsCreated(), "sessions created by " + sessions);
        }
        assertFalse(sessionManagers.isEmpty(), "the session handler, to count its sessions");
    }

    // 2. Security headers

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        String host = "127.0.0.1:" + app.port();
        Map<String, Reply> replies = Map.of(
                "page", RawHttp.get(app.port(), "/", host),
                "shared asset", RawHttp.get(app.port(), "/common/ui.js", host),
                "webrtc-adapter", RawHttp.get(app.port(), "/vendor/webrtc-adapter/out/adapter.js", host),
                "/health", RawHttp.get(app.port(), "/health", host),
                "not found", RawHttp.get(app.port(), "/nothing-here", host),
                "upgrade refused for its origin", RawHttp.upgrade(app.port(), "/signal", host, "http://" + EVIL),
                "upgrade refused for its host", RawHttp.upgrade(app.port(), "/signal", EVIL, "http://" + EVIL),
                "page refused for its host", RawHttp.get(app.port(), "/", EVIL));
        replies.forEach((what, reply) -> {
            assertEquals(List.of(HttpGuard.CONTENT_SECURITY_POLICY), reply.headers("Content-Security-Policy"), what);
            assertEquals(List.of("nosniff"), reply.headers("X-Content-Type-Options"), what);
            assertEquals(List.of("no-referrer"), reply.headers("Referrer-Policy"), what);
            assertEquals(List.of("DENY"), reply.headers("X-Frame-Options"), what);
        });
        assertTrue(HttpGuard.CONTENT_SECURITY_POLICY.contains("script-src 'self';"));
        assertTrue(HttpGuard.CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
        assertEquals(403, replies.get("upgrade refused for its origin").status());
    }

    // 3. Only adapter.js of the webrtc-adapter package

    @Test
    void onlyAdapterJsIsServedFromTheWebrtcAdapterPackage() throws Exception {
        String host = "127.0.0.1:" + app.port();
        Reply adapter = RawHttp.get(app.port(), "/vendor/webrtc-adapter/out/adapter.js", host);
        assertEquals(200, adapter.status());
        assertTrue(adapter.header("Content-Type").orElseThrow().startsWith("text/javascript"), adapter.headerLines().toString());
        assertTrue(adapter.body().contains("adapter"));
        for (String other : List.of("package.json", "README.md", ".eslintrc", "out/adapter_no_global.js",
                "src/js/adapter_core.js", "dist/adapter_core.js", "adapter-9.0.0.js", "", "out/")) {
            assertEquals(404, RawHttp.get(app.port(), "/vendor/webrtc-adapter/" + other, host).status(), other);
        }
    }

    // 4. Allowed hosts

    @Test
    void aRequestForAnotherHostIsRefusedForPagesUpgradesAndHealth() throws Exception {
        try (LogCopy log = new LogCopy()) {
            String evil = EVIL + ":" + app.port();
            Reply page = RawHttp.get(app.port(), "/", evil);
            assertEquals(403, page.status());
            assertTrue(page.body().contains("ALLOWED_HOSTS=evil.example"), page.body());
            assertEquals(403, RawHttp.upgrade(app.port(), "/signal", evil, "http://" + evil).status());
            assertEquals(403, RawHttp.get(app.port(), "/health", evil).status());
            assertEquals(403, RawHttp.get(app.port(), "/common/style.css", "EVIL.example.").status());
            assertEquals(403, RawHttp.get(app.port(), "/", "127.0.0.1.evil.example").status());
            assertEquals(403, RawHttp.get(app.port(), "/", "localhost.evil.example").status());
            String line = log.text().lines().filter(l -> l.contains("evil.example")).findFirst().orElseThrow();
            assertTrue(line.contains("Refused a request from 127.0.0.1 for host evil.example (ALLOWED_HOSTS can allow it)"), line);
        }
    }

    /** Left to Javalin, an upgrade with a query it cannot decode failed with 500, as if the server were at fault. */
    @Test
    void aQueryThatIsNotValidUrlEncodingIsABadRequest() throws Exception {
        String host = "127.0.0.1:" + app.port();
        Reply upgrade = RawHttp.upgrade(app.port(), "/signal?room=%zz", host, null);
        assertEquals(400, upgrade.status());
        assertTrue(upgrade.body().contains("not valid URL encoding"), upgrade.body());
        assertEquals(400, RawHttp.get(app.port(), "/?name=50%", host).status());
        assertEquals(101, RawHttp.upgrade(app.port(), "/signal?room=caf%C3%A9&name=A%20B", host, null).status());
    }

    @Test
    void ipAddressesAndLocalhostNamesAreAllowed() throws Exception {
        for (String host : List.of("127.0.0.1", "localhost", "LOCALHOST", "chat.localhost", "[::1]", "192.168.1.20", "10.0.0.1")) {
            assertEquals(200, RawHttp.get(app.port(), "/health", host + ":" + app.port()).status(), host);
            assertEquals(200, RawHttp.get(app.port(), "/health", host).status(), host);
        }
        assertEquals(101, RawHttp.upgrade(app.port(), "/signal", "localhost:" + app.port(), "http://localhost:" + app.port()).status());
        assertEquals(101, RawHttp.upgrade(app.port(), "/signal", "[::1]:" + app.port(), null).status());
    }

    @Test
    void allowedHostsAddsNamesAndAStarAllowsAny() throws Exception {
        HostCheck listed = HostCheck.fromEnvironment(Map.of("ALLOWED_HOSTS", " chat.example.org, Other.Example "));
        try (AppServer chat = server(listed).start()) {
            String host = "chat.example.org:" + chat.port();
            assertEquals(200, RawHttp.get(chat.port(), "/", host).status());
            assertEquals(200, RawHttp.get(chat.port(), "/", "other.example").status());
            assertEquals(101, RawHttp.upgrade(chat.port(), "/signal", host, "http://" + host).status());
            assertEquals(403, RawHttp.get(chat.port(), "/", EVIL).status());
        }
        try (AppServer any = server(HostCheck.fromEnvironment(Map.of("ALLOWED_HOSTS", "*"))).start()) {
            assertEquals(200, RawHttp.get(any.port(), "/", EVIL).status());
        }
    }

    @Test
    void allowedHostsTakesHostNamesOnly() {
        for (String bad : List.of("http://chat.example.org", "chat.example.org:8080", "chat example", "a/b")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> HostCheck.fromEnvironment(Map.of("ALLOWED_HOSTS", bad)));
            assertTrue(refused.getMessage().startsWith("ALLOWED_HOSTS lists host names"), refused.getMessage());
        }
        assertEquals(HostCheck.allowing(), HostCheck.fromEnvironment(Map.of()));
    }

    /** Copies what the server logs (slf4j-simple writes to whatever System.err is at the time) while it is open. */
    static final class LogCopy implements AutoCloseable {
        private final PrintStream original = System.err;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        LogCopy() {
            System.setErr(new PrintStream(new OutputStream() {
                @Override
                public synchronized void write(int b) {
                    original.write(b);
                    copy.write(b);
                }
            }, true, StandardCharsets.UTF_8));
        }

        synchronized String text() {
            System.err.flush();
            return copy.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            System.setErr(original);
        }
    }
}
