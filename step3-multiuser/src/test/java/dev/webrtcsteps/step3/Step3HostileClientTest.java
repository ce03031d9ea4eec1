package dev.webrtcsteps.step3;

import static dev.webrtcsteps.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.testing.LogCapture;
import dev.webrtcsteps.testing.RawHttp;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Step 3 against one client that tries to take more than its share, each test an attack that must fail: many
 * connections or joins from one address, forged proxy headers, reading the server's counters, oversized fields,
 * and making the server log without end. (Slow readers and resume tokens: {@link Step3ReliabilityTest}.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Step3HostileClientTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Settings NO_RATE_LIMIT = Settings.DEFAULTS.withRateLimit(100_000, 100_000, 100_000);

    // ------------------------------------------------------------------------------------------ per address

    @Test
    void oneAddressMayKeepOnlySoManyConnectionsOpenAndAClosedOneMakesRoom() throws Exception {
        Step3Server server = new Step3Server(NO_RATE_LIMIT.withPerAddress(3, 1_000));
        List<Welcomed> open = new ArrayList<>();
        try (server) {
            for (int i = 0; i < 3; i++) {
                open.add(server.join("r"));
            }
            assertRefusedWith429(server.signal("r"));
            RawHttp.Reply refused = RawHttp.upgrade(server.app.port(), "/signal?room=r", "127.0.0.1:" + server.app.port(), null);
            assertEquals(429, refused.status());
            assertEquals(List.of("close"), refused.headers("Connection"), "the socket goes with the answer");
            open.remove(0).close();
            eventually("the closed connection no longer counts", () -> server.stats().get("connections").asInt() == 2);
            open.add(server.join("r"));
            assertEquals(3, server.stats().get("users").asInt(), "the refused one never joined");
        } finally {
            open.forEach(Welcomed::close);
        }
    }

    @Test
    void oneAddressMayOpenOnlySoManyConnectionsASecond() {
        // 1 a second, in bursts of 5: the sixth of a quick series is refused unless a second has passed.
        Step3Server server = new Step3Server(NO_RATE_LIMIT.withPerAddress(1_000, 1));
        try (server) {
            long start = System.nanoTime();
            int admitted = 0;
            while (upgradeStatus(server.signal("r")) == 101) {
                admitted++;
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(admitted >= 5 && admitted <= 5 + seconds + 1, admitted + " admitted in " + seconds + " s");
        }
    }

    @Test
    void behindATrustedProxyEachForwardedAddressCountsAloneAndForgedEntriesDoNotHelp() {
        Step3Server server = new Step3Server(NO_RATE_LIMIT.withPerAddress(1, 1_000, "127.0.0.1"));
        try (server; Welcomed first = viaProxy(server, "203.0.113.7"); Welcomed other = viaProxy(server, "198.51.100.2")) {
            // The client wrote the first entry itself; the proxy appended the address it saw.
            assertRefusedWith429(server.signal("r"), "X-Forwarded-For", "192.0.2.99, 203.0.113.7");
            assertEquals(2, server.stats().get("users").asInt());
        }
    }

    @Test
    void withoutATrustedProxyForwardedForIsIgnored() {
        Step3Server server = new Step3Server(NO_RATE_LIMIT.withPerAddress(1, 1_000));
        try (server; Welcomed first = viaProxy(server, "203.0.113.7")) {
            assertRefusedWith429(server.signal("r"), "X-Forwarded-For", "198.51.100.2");
        }
    }

    /** The upgrade is refused with 429 Too Many Requests, and the server closes the socket with its answer. */
    private static void assertRefusedWith429(URI signal, String... headers) {
        assertEquals(429, upgradeStatus(signal, headers));
    }

    /** The status of a WebSocket upgrade: 101 (the connection opened, and is closed again here) or the refusal's. */
    private static int upgradeStatus(URI signal, String... headerNamesAndValues) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        for (int i = 0; i < headerNamesAndValues.length; i += 2) {
            builder.header(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        try {
            builder.buildAsync(signal, new WebSocket.Listener() { }).join().abort();
            return 101;
        } catch (CompletionException refused) {
            assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
            return ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode();
        }
    }

    private static Welcomed viaProxy(Step3Server server, String client) {
        SignalingClient connected = SignalingClient.connect(server.signal("r"), "X-Forwarded-For", client);
        JsonNode welcome = connected.next("welcome");
        return new Welcomed(connected, welcome.get("id").asText(), welcome);
    }

    // ---------------------------------------------------------------------------------------------- /stats

    @Test
    void statsAnswerOnlyARequestWithTheToken() throws Exception {
        Step3Server server = new Step3Server(NO_RATE_LIMIT);
        try (server) {
            assertEquals(401, stats(server, null).statusCode());
            assertEquals(401, stats(server, "Bearer not-the-token-at-all").statusCode());
            assertEquals(401, stats(server, Step3Server.STATS_TOKEN).statusCode(), "without the scheme");
            HttpResponse<String> allowed = stats(server, "Bearer " + Step3Server.STATS_TOKEN);
            assertEquals(200, allowed.statusCode());
            assertTrue(allowed.body().contains("\"users\":0"), allowed.body());
        }
    }

    @Test
    void withoutAStatsTokenStatsAreOffAndSaySo() throws Exception {
        Step3Server server = Step3Server.withoutStatsToken(NO_RATE_LIMIT);
        try (server) {
            HttpResponse<String> refused = stats(server, "Bearer null");
            assertEquals(401, refused.statusCode());
            assertTrue(refused.body().contains("STATS_TOKEN"), refused.body());
        }
    }

    private static HttpResponse<String> stats(Step3Server server, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.app.url("/stats")));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------------------------------ field sizes

    @Test
    void fieldsLargerThanBrowsersSendAreRefusedAndTheConnectionStays() {
        Step3Server server = new Step3Server(NO_RATE_LIMIT);
        try (server; Welcomed a = server.join("r"); Welcomed b = server.join("r")) {
            a.client().next("peer-joined");
            a.client().send(signal(b.id(), "{\"candidate\":{\"candidate\":\"" + "c".repeat(Protocol.MAX_CANDIDATE_CHARS + 1) + "\"}}"))
                    .nextError("bad-message");
            a.client().send(signal(b.id(), "{\"description\":{\"type\":\"offer\",\"sdp\":\"" + "x".repeat(Protocol.MAX_SDP_CHARS + 1) + "\"}}"))
                    .nextError("bad-message");
            a.client().send(signal(b.id(), "{\"candidate\":null}"));
            assertEquals(a.id(), b.client().next("signal").get("from").asText(), "only the valid one arrives");
        }
    }

    private static String signal(String to, String data) {
        return "{\"type\":\"signal\",\"to\":\"" + to + "\",\"data\":" + data + "}";
    }

    // ----------------------------------------------------------------------------------------------- logging

    @Test
    void refusalsAreLoggedAtMostTwentyTimesAMinute() {
        Step3Server server = new Step3Server(NO_RATE_LIMIT.withPerAddress(1_000_000, 100_000));
        try (server; LogCapture log = new LogCapture()) {
            for (int i = 0; i < 60; i++) {
                try (SignalingClient refused = SignalingClient.connect(server.signal("r", "name=%E2%80%AE"))) {
                    refused.nextError("bad-name");
                }
            }
            Matcher lines = Pattern.compile("Refused a connection: bad-name").matcher(log.text());
            int count = 0;
            while (lines.find()) {
                count++;
            }
            assertTrue(count >= 1 && count <= 20, count + " lines");
        }
    }
}
