package dev.webrtcsteps.step3;

import static dev.webrtcsteps.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.common.StepServer;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.testing.LogCapture;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import dev.webrtcsteps.testing.SilentClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Step 3's signaling under faults and hostile clients: the heartbeat, resume, the origin check, rate limits,
 * slow readers, fuzzed frames, thousands of connections, and what the server reports and logs about them.
 * Each test starts its own server with the settings it needs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Step3ReliabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OFFER = "{\"description\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\"}}";
    private static final Set<String> DOCUMENTED_ERRORS = Arrays.stream(ErrorCode.values())
            .map(ErrorCode::wireName).collect(Collectors.toSet());

    /** Settings for tests about something else than the rate limits: ones they do not reach. */
    private static final Settings UNLIMITED = Settings.DEFAULTS.withRateLimit(100_000, 100_000, 100_000)
            .withPerAddress(1_000_000, 100_000);

    // -------------------------------------------------------------------------------------------- heartbeat

    @Test
    void aClientThatVanishedWithoutAClosingIsGoneForItsPeersWithinTwoHeartbeats() throws Exception {
        Step3Server server = new Step3Server(UNLIMITED.withHeartbeat(Duration.ofMillis(300)));
        try (server; Welcomed a = server.join("r"); SilentClient vanished = SilentClient.connect(server.signal("r"))) {
            String vanishedId = a.client().next("peer-joined").at("/peer/id").asText();
            long joinedAt = server.heartbeat.beats();

            assertEquals(vanishedId, a.client().next("peer-left").get("id").asText());

            long beatsTaken = server.heartbeat.beats() - joinedAt;
            assertTrue(beatsTaken <= 3, "peer-left should follow the second ping without an answer, took " + beatsTaken);
            assertEquals(1, server.stats().get("users").asInt());
        }
    }

    @Test
    void clientsThatAnswerPingsStayConnectedAcrossManyHeartbeats() {
        Step3Server server = new Step3Server(UNLIMITED.withHeartbeat(Duration.ofMillis(200)));
        try (server; Welcomed a = server.join("r"); Welcomed b = server.join("r")) {
            a.client().next("peer-joined");
            long start = server.heartbeat.beats();
            eventually("five heartbeats", () -> server.heartbeat.beats() >= start + 5);
            assertRelays(a, b);
            assertRelays(b, a);
            assertEquals(List.of(), a.client().drain());
        }
    }

    // ----------------------------------------------------------------------------------------------- resume

    @Test
    void aUserWhoseConnectionDropsAndComesBackWithItsTokenKeepsItsIdAndItsPeersSeeNothing() {
        Step3Server server = new Step3Server(UNLIMITED);
        try (server; Welcomed a = server.join("r"); Welcomed b = server.join("r")) {
            a.client().next("peer-joined");
            String token = suspend(server, b);
            a.client().send(signalTo(b.id(), OFFER)); // b is away: the signal waits for it

            try (SignalingClient back = SignalingClient.resume(server.signal("r"), token)) {
                JsonNode welcome = back.next("welcome");
                assertEquals(b.id(), welcome.get("id").asText(), "the same id again");
                assertEquals(b.welcome().get("name"), welcome.get("name"), "the same name");
                assertEquals("r", welcome.get("room").asText(), "the same room");
                assertTrue(welcome.get("resume").asText().matches("[A-Za-z0-9_-]{22}"), "a token");
                assertNotEquals(token, welcome.get("resume").asText(), "a new token: each works once");
                assertEquals(JSON.createArrayNode().add(JSON.createObjectNode().put("id", a.id())
                        .put("name", a.welcome().get("name").asText())), welcome.get("peers"), "who is here, with names");
                assertEquals(a.id(), back.next("signal").get("from").asText(), "what was sent meanwhile arrives");

                back.send(signalTo(a.id(), OFFER));
                assertEquals(b.id(), a.client().next("signal").get("from").asText());
                assertEquals(List.of(), a.client().drain(), "a saw no leave and no join");
                assertEquals(0, server.stats().get("resumable").asInt());
                assertEquals(2, server.stats().get("users").asInt());
            }
        }
    }

    @Test
    void signalsForAUserWhoseConnectionDroppedWaitOnlyUpToTheirBudgetThenTheSenderHearsItIsBusy() {
        Step3Server server = new Step3Server(UNLIMITED);
        try (server; Welcomed a = server.join("r"); Welcomed b = server.join("r")) {
            a.client().next("peer-joined");
            String token = suspend(server, b);

            String big = signalTo(b.id(), bigOffer());
            for (int sent = 0; sent < 100 && !a.client().hasReceived("error"); sent++) {
                a.client().send(big);
            }
            assertEquals("peer-busy", a.client().drainUntil("error").get("code").asText());
            a.client().send("{"); // its answer comes after the server has handled all the rest
            while (!a.client().next("error").get("code").asText().equals("bad-json")) {
                // more peer-busy
            }

            try (SignalingClient back = SignalingClient.resume(server.signal("r"), token)) {
                back.next("welcome");
                a.client().send(signalTo(b.id(), OFFER)); // after the rest, on the new connection
                int delivered = 0;
                while (back.next("signal").at("/data/description/sdp").asText().length() > 100) {
                    delivered++;
                }
                assertTrue(delivered >= 1 && delivered * 2L * bigOffer().length() <= Outbox.MAX_SIGNAL_BYTES,
                        delivered + " large signals waited");
            }
        }
    }

    @Test
    void aPageThatGoesAwayWith1001IsKeptForTheGracePeriodAndOneThatLeavesWith1000IsNot() {
        Step3Server server = new Step3Server(UNLIMITED);
        try (server; Welcomed a = server.join("r"); Welcomed reloaded = server.join("r"); Welcomed leaving = server.join("r")) {
            a.client().next("peer-joined");
            a.client().next("peer-joined");
            reloaded.client().closeAndWait(1001); // what a browser sends for a page that reloads

            leaving.client().closeAndWait(1000);
            assertEquals(leaving.id(), a.client().next("peer-left").get("id").asText(), "a page that leaves, leaves");
            try (SignalingClient back = SignalingClient.resume(server.signal("r"), reloaded.welcome().get("resume").asText())) {
                assertEquals(reloaded.id(), back.next("welcome").get("id").asText(), "the reloaded page is itself again");
                assertRelays(a, new Welcomed(back, reloaded.id(), null));
                assertEquals(List.of(), a.client().drain(), "a saw no leave and no join for the reloaded page");
            }
        }
    }

    @Test
    void aResumeReplacesAConnectionThatHasNotNoticedItIsDead() {
        Step3Server server = new Step3Server(UNLIMITED);
        try (server; Welcomed a = server.join("r"); Welcomed b = server.join("r")) {
            a.client().next("peer-joined");
            try (SignalingClient back = SignalingClient.resume(server.signal("r"), b.welcome().get("resume").asText())) {
                assertEquals(b.id(), back.next("welcome").get("id").asText());
                b.client().awaitClosed();
                assertRelays(a, new Welcomed(back, b.id(), null));
                assertEquals(List.of(), a.client().drain(), "a saw no leave and no join");
            }
        }
    }

    @Test
    void afterTheGracePeriodTheUserHasLeftAndItsTokenGetsANewId() {
        Step3Server server = new Step3Server(UNLIMITED.withResumeGrace(Duration.ofMillis(300)));
        try (server; Welcomed a = server.join("r"); Welcomed b = server.join("r")) {
            a.client().next("peer-joined");
            b.client().drop();

            assertEquals(b.id(), a.client().next("peer-left").get("id").asText());
            try (SignalingClient late = SignalingClient.resume(server.signal("r"), b.welcome().get("resume").asText())) {
                assertJoinsAsNewcomer(late, a, b.id());
            }
        }
    }

    @Test
    void aTokenWorksOnceAndItsNewOneTakesOver() {
        Step3Server server = new Step3Server(UNLIMITED);
        try (server; Welcomed a = server.join("r"); Welcomed b = server.join("r")) {
            a.client().next("peer-joined");
            String first = b.welcome().get("resume").asText();
            try (SignalingClient back = SignalingClient.resume(server.signal("r"), first)) {
                String second = back.next("welcome").get("resume").asText();
                b.client().awaitClosed();

                try (SignalingClient replay = SignalingClient.resume(server.signal("r"), first)) {
                    assertJoinsAsNewcomer(replay, a, b.id()); // a used token is worth nothing
                }
                try (SignalingClient again = SignalingClient.resume(server.signal("r"), second)) {
                    assertEquals(b.id(), again.next("welcome").get("id").asText(), "the new token works");
                    back.awaitClosed();
                }
            }
        }
    }

    @Test
    void aConnectionOpenedToResumeMustSendTheResumeMessageFirst() {
        Step3Server server = new Step3Server(UNLIMITED);
        try (server; Welcomed a = server.join("r");
                SignalingClient wrong = SignalingClient.connect(server.signal("r", "resume"))) {
            wrong.send(signalTo(a.id(), OFFER)).nextError("bad-message");
            assertEquals(CloseCodes.BAD_JOIN, wrong.awaitClose());
            assertEquals(1, server.stats().get("users").asInt(), "nobody was admitted");
            assertEquals(List.of(), a.client().drain());
        }
    }

    @Test
    void aTokenInTheUrlIsNotATokenTheResumeMessageIs() {
        Step3Server server = new Step3Server(UNLIMITED);
        try (server; Welcomed a = server.join("r")) {
            try (SignalingClient urlOnly = SignalingClient.connect(server.signal("r", "resume=" + a.welcome().get("resume").asText()))) {
                urlOnly.send("{\"type\":\"resume\",\"token\":\"not-a-token\"}");
                assertJoinsAsNewcomer(urlOnly, a, a.id()); // the URL's value is ignored
            }
        }
    }

    @Test
    void aForgedTokenIsJustANewcomer() {
        Step3Server server = new Step3Server(UNLIMITED);
        try (server; Welcomed a = server.join("r"); SignalingClient b = SignalingClient.resume(server.signal("r"), a.id())) {
            assertJoinsAsNewcomer(b, a, a.id());
        }
    }

    // ----------------------------------------------------------------------------------------------- origin

    @Test
    void aPageFromAnotherOriginIsRefusedWith403BeforeTheUpgradeAndLogged() {
        Step3Server server = new Step3Server(UNLIMITED);
        try (server; LogCapture log = new LogCapture()) {
            CompletionException refused = assertThrows(CompletionException.class,
                    () -> connectFrom(server.signal("r"), "https://evil.example").join());
            assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, refused.getCause()).getResponse().statusCode());
            assertEquals(1, server.stats().get("refusedOrigins").asInt());
            assertEquals(0, server.stats().get("connections").asInt());
            eventually("the refusal is logged", () -> log.text().contains("origin https://evil.example is not allowed"));

            WebSocket sameOrigin = connectFrom(server.signal("r"), "http://127.0.0.1:" + server.app.port()).join();
            sameOrigin.abort();
        }
    }

    @Test
    void allowedOriginsWidenTheCheck() {
        Step3Server server = new Step3Server(UNLIMITED, OriginCheck.allowing("https://chat.example.org"));
        try (server) {
            connectFrom(server.signal("r"), "https://chat.example.org").join().abort();
            assertThrows(CompletionException.class, () -> connectFrom(server.signal("r"), "https://other.example.org").join());
        }
    }

    // ------------------------------------------------------------------------------------------- rate limit

    @Test
    void excessMessagesAreRateLimitedAndAFlooderIsClosedWith1008WhileOthersRelay() throws Exception {
        Step3Server server = new Step3Server(Settings.DEFAULTS.withRateLimit(10, 20, 50));
        try (server; Welcomed flooder = server.join("flood"); Welcomed target = server.join("flood");
                Welcomed a = server.join("calm"); Welcomed b = server.join("calm")) {
            flooder.client().next("peer-joined");
            a.client().next("peer-joined");

            for (int i = 0; i < 25; i++) {
                flooder.client().send(signalTo(target.id(), OFFER));
            }
            flooder.client().nextError("rate-limited");

            ExecutorService flood = Executors.newSingleThreadExecutor();
            Future<?> flooding = flood.submit(() -> {
                for (int i = 0; i < 1_000 && !flooder.client().isClosedByServer(); i++) {
                    flooder.client().trySend(signalTo(target.id(), OFFER));
                }
            });
            for (int i = 0; i < 5; i++) { // within a's and b's own limits
                assertRelays(a, b);
                assertRelays(b, a);
            }
            assertEquals(CloseCodes.POLICY_VIOLATION, flooder.client().awaitClose());
            flooding.get(10, TimeUnit.SECONDS);
            flood.shutdown();
            assertEquals(flooder.id(), target.client().drainUntil("peer-left").get("id").asText());
            assertTrue(server.stats().at("/errors/rate-limited").asInt() >= 50);
            assertRelays(a, b);
        }
    }

    /**
     * docs/protocol.md: a client that has more than FLOOD_LIMIT frames in a row refused gets one more rate-limited,
     * and is closed with 1008. With a burst of 3, no refill and a flood limit of 5, nine frames at once are: 3
     * relayed, 5 refused, and the ninth, the sixth refusal in a row, is the flood.
     */
    @Test
    void aFlooderGetsExactlyFloodLimitPlusOneRateLimitedErrorsThenClose1008() {
        Step3Server server = new Step3Server(Settings.DEFAULTS.withRateLimit(0, 3, 5));
        try (server; Welcomed flooder = server.join("flood"); Welcomed target = server.join("flood")) {
            flooder.client().next("peer-joined");
            for (int i = 0; i < 3 + 5 + 1; i++) {
                flooder.client().send(signalTo(target.id(), OFFER));
            }

            assertEquals(CloseCodes.POLICY_VIOLATION, flooder.client().awaitClose());
            List<String> answers = flooder.client().drain().stream()
                    .map(message -> message.path("type").asText() + ":" + message.path("code").asText()).toList();
            assertEquals(Collections.nCopies(6, "error:rate-limited"), answers);
            for (int i = 0; i < 3; i++) {
                assertEquals(flooder.id(), target.client().next("signal").get("from").asText());
            }
            assertEquals(flooder.id(), target.client().next("peer-left").get("id").asText());
        }
    }

    // ---------------------------------------------------------------------------------------- slow reader

    @Test
    void aClientThatReadsNothingHoldsNoMoreThanItsSignalBudgetItsSendersHearItIsBusyAndNobodyStalls() throws Exception {
        Step3Server server = new Step3Server(UNLIMITED);
        try (server; Welcomed sender = server.join("slow"); SilentClient neverReads = SilentClient.connect(server.signal("slow"));
                Welcomed a = server.join("calm"); Welcomed b = server.join("calm")) {
            String readerId = sender.client().next("peer-joined").at("/peer/id").asText();
            a.client().next("peer-joined");
            String big = signalTo(readerId, bigOffer());

            // Far more than the socket buffers hold, so the server's queue for the reader fills up.
            for (int i = 0; i < 1_000 && !sender.client().hasReceived("error"); i++) {
                sender.client().send(big);
            }
            assertEquals("peer-busy", sender.client().drainUntil("error").get("code").asText());
            long queued = server.hub.connectionOf(readerId).queuedBytes();
            assertTrue(queued > 0 && queued <= Outbox.MAX_SIGNAL_BYTES, "queued for the reader: " + queued + " bytes");
            assertRelays(a, b);
            assertRelays(b, a);
            assertRelays(sender, sender); // the sender's own replies are not held up either
            assertTrue(!sender.client().hasReceived("peer-left"), "others' signals do not cut the reader off");
        }
    }

    /**
     * An attack: two members send all the large signals their rate limit allows to a member on a slow link.
     * That member reads steadily (1 MiB/s) and is never cut off: the senders are told it is busy instead.
     */
    @Test
    void aMemberReadingSteadilyIsNotCutOffHoweverMuchOthersSendIt() throws Exception {
        Step3Server server = new Step3Server(Settings.DEFAULTS.withPerAddress(1_000, 1_000));
        try (server; PacedReader victim = new PacedReader(server.signal("r"), 1024 * 1024);
                Welcomed attacker1 = server.join("r"); Welcomed attacker2 = server.join("r"); Welcomed friend = server.join("r")) {
            String victimId = attacker1.welcome().at("/peers/0/id").asText();
            String big = signalTo(victimId, bigOffer());
            for (int i = 0; i < 150; i++) { // within the burst of the rate limit: 150 of 200
                attacker1.client().send(big);
                attacker2.client().send(big);
            }
            eventually("the attack filled what the victim may be sent: its senders hear it is busy",
                    () -> attacker1.client().hasReceived("error") || attacker2.client().hasReceived("error"));
            for (Welcomed attacker : List.of(attacker1, attacker2)) {
                attacker.client().drain().stream().filter(message -> message.has("code"))
                        .forEach(error -> assertEquals("peer-busy", error.get("code").asText()));
            }

            friend.client().send(signalTo(victimId, OFFER));
            assertEquals(friend.id(), victim.awaitSignal().get("from").asText(), "the friend's signal arrives after the rest");
            assertTrue(!victim.closed.isDone(), "the victim was not cut off");
            assertEquals(4, server.stats().get("users").asInt());
        }
    }

    // ------------------------------------------------------------------------------------------------- fuzz

    @Test
    void tenThousandMalformedFramesAreEachAnsweredWithADocumentedErrorWhileAPairKeepsRelaying() {
        Step3Server server = new Step3Server(UNLIMITED);
        MalformedFrames frames = new MalformedFrames(20261125L);
        try (server; Welcomed a = server.join("pair"); Welcomed b = server.join("pair")) {
            a.client().next("peer-joined");
            // Each fuzzing connection in a room of its own, so that only replies to its frames reach it.
            int fuzzers = 1;
            SignalingClient fuzzer = server.join("fuzz-" + fuzzers).client();
            int answered = 0;
            for (int i = 0; i < 10_000; i++) {
                MalformedFrames.Frame frame = frames.next();
                if (frame.binary()) {
                    fuzzer.sendBinary(frame.bytes());
                } else {
                    fuzzer.send(frame.text());
                }
                JsonNode reply = fuzzer.next();
                assertEquals("error", reply.path("type").asText(), () -> "for " + frame + ": " + reply);
                assertTrue(DOCUMENTED_ERRORS.contains(reply.get("code").asText()), () -> "for " + frame + ": " + reply);
                answered++;
                if (reply.get("code").asText().equals("too-large")) { // the server is closing this one
                    fuzzer.close();
                    fuzzer = server.join("fuzz-" + ++fuzzers).client();
                }
                if (i % 500 == 0) {
                    assertRelays(a, b);
                    assertRelays(b, a);
                }
            }
            fuzzer.close();
            assertEquals(10_000, answered);
            assertEquals(0, server.stats().get("uncaught").asInt(), "no exception escaped a handler");
            assertRelays(a, b);
            assertRelays(b, a);
        }
    }

    // ------------------------------------------------------------------------------------------------- leaks

    @Test
    void tenThousandConnectionsThatCloseOrDropLeaveNothingBehind() throws Exception {
        Step3Server server = new Step3Server(UNLIMITED.withResumeGrace(Duration.ofMillis(200)));
        try (server) {
            int cycles = 10_000;
            int threads = 4;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                workers.add(pool.submit(() -> {
                    for (int i = offset; i < cycles; i += threads) {
                        Welcomed user = server.join("room-" + i % 200);
                        if (i % 3 == 0) {
                            user.client().drop();
                        } else {
                            user.close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(100, TimeUnit.SECONDS);
            }
            pool.shutdown();

            eventually("every user, room and connection is gone", () -> {
                JsonNode stats = server.stats();
                return stats.get("users").asInt() == 0 && stats.get("rooms").asInt() == 0
                        && stats.get("connections").asInt() == 0 && stats.get("resumable").asInt() == 0;
            });
            assertEquals(0, server.heartbeat.size(), "the heartbeat forgot them all");
            assertEquals(0, server.stats().get("uncaught").asInt());
        }
    }

    // --------------------------------------------------------------------------------------- observability

    @Test
    void healthSaysReadyAndStatsCountUsersRoomsRelaysAndErrors() throws Exception {
        Step3Server server = new Step3Server(UNLIMITED);
        try (server; Welcomed a = server.join("r"); Welcomed b = server.join("r"); Welcomed c = server.join("other")) {
            a.client().next("peer-joined");
            assertRelays(a, b);
            a.client().send("{").nextError("bad-json");

            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(server.app.url("/health"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertEquals(JSON.readTree("{\"status\":\"ready\"}"), JSON.readTree(health.body()));

            JsonNode stats = server.stats();
            assertEquals(3, stats.get("users").asInt());
            assertEquals(2, stats.get("rooms").asInt());
            assertEquals(3, stats.get("connections").asInt());
            assertEquals(1, stats.get("relayed").asInt());
            assertEquals(1, stats.at("/errors/bad-json").asInt());
            assertEquals(0, stats.at("/errors/unknown-peer").asInt());
            assertEquals(DOCUMENTED_ERRORS, fieldNames(stats.get("errors")));
        }
    }

    @Test
    void logsHaveALinePerConnectDisconnectAndRefusalWithIdAndReasonButNoMessageContent() {
        Step3Server server = new Step3Server(UNLIMITED);
        String secret = "a=fingerprint:SECRET-SDP-LINE";
        try (server; LogCapture log = new LogCapture(); Welcomed a = server.join("r")) {
            Welcomed b = server.join("r");
            a.client().next("peer-joined");
            b.client().send(signalTo(a.id(), "{\"description\":{\"type\":\"offer\",\"sdp\":\"" + secret + "\"}}"));
            a.client().next("signal");
            b.client().send("{\"chat\":\"SECRET-TEXT\"").nextError("bad-json");
            b.close();
            a.client().next("peer-left");
            try (SignalingClient refused = SignalingClient.connect(server.signal("r", "name=%E2%80%AE"))) {
                refused.nextError("bad-name");
            }
            Welcomed c = server.join("r");
            c.client().send("x".repeat((int) StepServer.MAX_FRAME_BYTES + 1));
            assertEquals(CloseCodes.MESSAGE_TOO_BIG, c.client().awaitClose());

            eventually("the lines are logged", () -> log.text().contains("Peer " + b.id() + " connected (2 users)")
                    && log.text().contains("Peer " + b.id() + " left: closed by the client (1000) (1 user)")
                    && log.text().contains("Refused a connection: bad-name")
                    && log.text().contains("Peer " + c.id() + " left: sent a frame over the server's limit of "
                            + StepServer.MAX_FRAME_BYTES + " bytes (1 user)"));
            assertTrue(!log.text().contains("SECRET"), log::text);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static java.util.concurrent.CompletableFuture<WebSocket> connectFrom(URI uri, String origin) {
        return HTTP.newWebSocketBuilder().header("Origin", origin).buildAsync(uri, new WebSocket.Listener() { });
    }

    /** Drops the user's connection as a network failure would, waits until it is suspended; its resume token. */
    private static String suspend(Step3Server server, Welcomed user) {
        server.hub.connectionOf(user.id()).session().disconnect();
        eventually("the connection is suspended", () -> server.stats().get("resumable").asInt() == 1);
        return user.welcome().get("resume").asText();
    }

    /** The client was admitted as a newcomer: an id other than {@code notThisId}, which {@code member} sees join. */
    private static void assertJoinsAsNewcomer(SignalingClient client, Welcomed member, String notThisId) {
        String id = client.next("welcome").get("id").asText();
        assertNotEquals(notThisId, id);
        assertEquals(id, member.client().next("peer-joined").at("/peer/id").asText());
    }

    /** An offer as large as a description may be. */
    private static String bigOffer() {
        return "{\"description\":{\"type\":\"offer\",\"sdp\":\"" + "x".repeat(Protocol.MAX_SDP_CHARS) + "\"}}";
    }

    /** A member on a slow link: it reads at most {@code bytesPerSecond}, and joins with the first welcome. */
    private static final class PacedReader implements AutoCloseable {
        final java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        private final java.util.concurrent.CompletableFuture<JsonNode> welcome = new java.util.concurrent.CompletableFuture<>();
        private final java.util.concurrent.BlockingQueue<JsonNode> signals = new java.util.concurrent.LinkedBlockingQueue<>();
        private final java.util.concurrent.ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        private final WebSocket socket;

        PacedReader(URI uri, long bytesPerSecond) {
            socket = HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                private final StringBuilder text = new StringBuilder();

                @Override
                public java.util.concurrent.CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        try {
                            JsonNode message = JSON.readTree(text.toString());
                            if (message.path("type").asText().equals("welcome")) {
                                welcome.complete(message);
                            } else if (message.path("type").asText().equals("signal")
                                    && message.at("/data/description/sdp").asText().length() < 100) {
                                signals.add(message);
                            }
                        } catch (Exception notJson) {
                            throw new AssertionError(notJson);
                        }
                        text.setLength(0);
                    }
                    // Reads the next piece only when this one would have taken its time on the slow link.
                    pace.schedule(() -> webSocket.request(1), data.length() * 1_000_000L / bytesPerSecond, TimeUnit.MICROSECONDS);
                    return null;
                }

                @Override
                public java.util.concurrent.CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                    closed.complete(statusCode);
                    return null;
                }

                @Override
                public void onError(WebSocket webSocket, Throwable error) {
                    closed.completeExceptionally(error);
                }
            }).join();
            welcome.orTimeout(10, TimeUnit.SECONDS).join();
        }

        JsonNode awaitSignal() throws InterruptedException {
            JsonNode signal = signals.poll(30, TimeUnit.SECONDS);
            assertTrue(signal != null, "no small signal arrived within 30 s");
            return signal;
        }

        @Override
        public void close() {
            socket.abort();
            pace.shutdownNow();
        }
    }

    private static String signalTo(String to, String data) {
        return "{\"type\":\"signal\",\"to\":\"" + to + "\",\"data\":" + data + "}";
    }

    /** {@code from} sends an offer to {@code to}, which must receive it from {@code from}; to itself: an error. */
    private static void assertRelays(Welcomed from, Welcomed to) {
        from.client().send(signalTo(to.id(), OFFER));
        if (from.id().equals(to.id())) {
            from.client().drainUntil("error");
            return;
        }
        assertEquals(from.id(), to.client().drainUntil("signal").get("from").asText());
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
