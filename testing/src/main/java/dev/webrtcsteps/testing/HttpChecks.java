package dev.webrtcsteps.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.webrtcsteps.testing.RawHttp.Reply;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The HTTP-level promises every step keeps (StepServer's), checked against a step's real server. */
public final class HttpChecks {

    private HttpChecks() {
    }

    /**
     * Each of {@code paths} answers 200 with the security headers; so does a {@code /signal} upgrade refused for
     * its origin (403) when {@code signal}; and a request for another host name is refused for each of them.
     */
    public static void assertHardened(AppServer app, boolean signal, String... paths) throws IOException {
        String host = "127.0.0.1:" + app.port();
        String evil = "evil.example:" + app.port();
        Map<String, Reply> replies = new LinkedHashMap<>();
        for (String path : paths) {
            Reply reply = RawHttp.get(app.port(), path, host);
            assertEquals(200, reply.status(), path);
            replies.put(path, reply);
            assertEquals(403, RawHttp.get(app.port(), path, evil).status(), path + " for another host");
        }
        if (signal) {
            Reply refused = RawHttp.upgrade(app.port(), "/signal", host, "http://" + evil);
            assertEquals(403, refused.status(), "/signal from another origin");
            replies.put("/signal refused", refused);
            Reply rebound = RawHttp.upgrade(app.port(), "/signal", evil, "http://" + evil);
            assertEquals(403, rebound.status(), "/signal for another host");
            replies.put("/signal for another host", rebound);
        }
        replies.forEach((what, reply) -> {
            String policy = reply.header("Content-Security-Policy").orElse("");
            assertTrue(policy.contains("script-src 'self';") && policy.contains("frame-ancestors 'none'"),
                    what + ": Content-Security-Policy " + policy);
            assertEquals(List.of("nosniff"), reply.headers("X-Content-Type-Options"), what);
            assertEquals(List.of("no-referrer"), reply.headers("Referrer-Policy"), what);
            assertEquals(List.of("DENY"), reply.headers("X-Frame-Options"), what);
            assertEquals(List.of(), reply.headers("Set-Cookie"), what);
        });
    }
}
