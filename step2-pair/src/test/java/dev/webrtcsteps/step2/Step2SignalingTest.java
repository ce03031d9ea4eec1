package dev.webrtcsteps.step2;

import static dev.webrtcsteps.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.IceServers;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SilentClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The step 2 signaling server, through real WebSocket connections to the real app. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Step2SignalingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OFFER = "{\"description\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\"}}";

    /** A fast heartbeat, so that a vanished client is found within a second or two. */
    private final Heartbeat heartbeat = new Heartbeat(Duration.ofMillis(400));

    /** A fresh server per test: the pair is server state. */
    @RegisterExtension
    final AppServer app = new AppServer(() -> Step2App.create(heartbeat, OriginCheck.allowing(), IceServers.NONE));

    private URI signal() {
        return app.webSocket("/signal");
    }

    @Test
    void theFirstUserIsWelcomedAloneAndTheSecondMeetsTheFirst() throws Exception {
        try (Welcomed first = SignalingClient.join(signal())) {
            assertEquals(JSON.readTree("[]"), first.welcome().get("peers"));
            try (Welcomed second = SignalingClient.join(signal())) {
                assertEquals(JSON.readTree("[{\"id\":\"" + first.id() + "\"}]"), second.welcome().get("peers"));
                assertEquals(JSON.readTree("{\"type\":\"peer-joined\",\"peer\":{\"id\":\"" + second.id() + "\"}}"),
                        first.client().next());
            }
        }
    }

    @Test
    void idsAreUniqueAndRandomNotCounted() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            try (Welcomed user = SignalingClient.join(signal())) {
                assertTrue(user.id().matches("[A-Za-z0-9_-]{22}"), user.id());
                ids.add(user.id());
            }
        }
        assertEquals(20, ids.size());
    }

    @Test
    void aSignalReachesOnlyItsAddresseeStampedWithTheSendersRealId() throws Exception {
        try (Welcomed a = SignalingClient.join(signal()); Welcomed b = SignalingClient.join(signal())) {
            a.client().next("peer-joined");

            a.client().send("{\"type\":\"signal\",\"to\":\"" + b.id() + "\",\"data\":" + OFFER + "}");

            assertEquals(JSON.readTree("{\"type\":\"signal\",\"from\":\"" + a.id() + "\",\"data\":" + OFFER + "}"),
                    b.client().next());
            assertNothingElseArrived(a.client());
        }
    }

    @Test
    void aForgedFromAndInventedFieldsNeverReachThePeer() throws Exception {
        try (Welcomed a = SignalingClient.join(signal()); Welcomed b = SignalingClient.join(signal())) {
            a.client().next("peer-joined");

            a.client().send(Map.of("type", "signal", "to", b.id(), "from", b.id(), "sender", "admin",
                    "data", Map.of("candidate", Map.of("candidate", "candidate:1 1 udp 1 192.0.2.9 5000 typ host",
                            "sdpMid", "0", "sdpMLineIndex", 0))));

            JsonNode relayed = b.client().next("signal");
            assertEquals(a.id(), relayed.get("from").asText(), "the server, not the client, says who sent it");
            assertEquals(List.of("type", "from", "data"), fieldNames(relayed));
            assertEquals("candidate:1 1 udp 1 192.0.2.9 5000 typ host", relayed.at("/data/candidate/candidate").asText());
        }
    }

    @Test
    void theEndOfCandidatesIsRelayedAsNull() throws Exception {
        try (Welcomed a = SignalingClient.join(signal()); Welcomed b = SignalingClient.join(signal())) {
            a.client().next("peer-joined");
            b.client().send("{\"type\":\"signal\",\"to\":\"" + a.id() + "\",\"data\":{\"candidate\":null}}");
            assertEquals(JSON.readTree("{\"type\":\"signal\",\"from\":\"" + b.id() + "\",\"data\":{\"candidate\":null}}"),
                    a.client().next());
        }
    }

    @Test
    void badJsonIsAnsweredAndTheConnectionKeepsWorking() {
        try (Welcomed a = SignalingClient.join(signal()); Welcomed b = SignalingClient.join(signal())) {
            a.client().next("peer-joined");
            a.client().send("{\"type\":\"signal\",");
            a.client().nextError("bad-json");
            assertRelays(a, b);
        }
    }

    @Test
    void aMessageOutsideTheProtocolIsAnsweredAndTheConnectionKeepsWorking() {
        try (Welcomed a = SignalingClient.join(signal()); Welcomed b = SignalingClient.join(signal())) {
            a.client().next("peer-joined");
            a.client().send("{\"type\":\"hello\"}").nextError("bad-message");
            a.client().send("[1,2,3]").nextError("bad-message");
            a.client().send("{\"type\":\"signal\",\"to\":\"" + b.id() + "\",\"data\":{\"description\":{\"type\":\"offer\"}}}")
                    .nextError("bad-message");
            a.client().send("{\"type\":\"signal\",\"to\":\"" + b.id() + "\",\"data\":{\"html\":\"<script>\"}}")
                    .nextError("bad-message");
            assertRelays(a, b);
        }
    }

    @Test
    void aBinaryFrameIsABadMessage() {
        try (Welcomed a = SignalingClient.join(signal()); Welcomed b = SignalingClient.join(signal())) {
            a.client().next("peer-joined");
            a.client().sendBinary(new byte[] {1, 2, 3}).nextError("bad-message");
            assertRelays(a, b);
        }
    }

    @Test
    void aSignalForAnUnknownPeerIsAnsweredAndTheConnectionKeepsWorking() {
        try (Welcomed a = SignalingClient.join(signal()); Welcomed b = SignalingClient.join(signal())) {
            a.client().next("peer-joined");
            a.client().send("{\"type\":\"signal\",\"to\":\"nobody-with-this-id\",\"data\":" + OFFER + "}")
                    .nextError("unknown-peer");
            a.client().send("{\"type\":\"signal\",\"to\":\"" + a.id() + "\",\"data\":" + OFFER + "}")
                    .nextError("unknown-peer");
            assertRelays(a, b);
        }
    }

    @Test
    void aTooLargeFrameIsAnsweredAndClosedWith1009WhileThePeerStays() {
        try (Welcomed a = SignalingClient.join(signal()); Welcomed b = SignalingClient.join(signal())) {
            a.client().next("peer-joined");
            String huge = "{\"type\":\"signal\",\"to\":\"" + a.id() + "\",\"data\":{\"description\":{\"type\":\"offer\",\"sdp\":\""
                    + "x".repeat(Protocol.MAX_MESSAGE_CHARS) + "\"}}}";

            b.client().send(huge).nextError("too-large");

            assertEquals(CloseCodes.MESSAGE_TOO_BIG, b.client().awaitClose());
            assertEquals(b.id(), a.client().next("peer-left").get("id").asText());
        }
    }

    @Test
    void aFrameFarOverTheLimitIsClosedWith1009WithoutBeingRead() {
        try (Welcomed a = SignalingClient.join(signal())) {
            a.client().send("x".repeat(4 * Protocol.MAX_MESSAGE_CHARS));
            assertEquals(CloseCodes.MESSAGE_TOO_BIG, a.client().awaitClose());
        }
    }

    @Test
    void aThirdUserIsRefusedAndThePairKeepsWorking() {
        try (Welcomed a = SignalingClient.join(signal()); Welcomed b = SignalingClient.join(signal());
                SignalingClient third = SignalingClient.connect(signal())) {
            a.client().next("peer-joined");

            third.nextError("room-full");
            assertEquals(CloseCodes.ROOM_FULL, third.awaitClose());

            assertRelays(a, b);
            assertRelays(b, a);
            assertNothingElseArrived(a.client());
            assertNothingElseArrived(b.client());
        }
    }

    @Test
    void whenOneLeavesTheOtherIsToldAndTheNextNewcomerIsPairedWithIt() {
        try (Welcomed a = SignalingClient.join(signal())) {
            Welcomed b = SignalingClient.join(signal());
            a.client().next("peer-joined");
            b.close();
            assertEquals(b.id(), a.client().next("peer-left").get("id").asText());

            try (Welcomed c = SignalingClient.join(signal())) {
                assertEquals(a.id(), c.welcome().at("/peers/0/id").asText());
                assertEquals(c.id(), a.client().next("peer-joined").at("/peer/id").asText());
                assertRelays(c, a);
                assertRelays(a, c);
            }
        }
    }

    @Test
    void aDroppedConnectionIsCleanedUp() {
        try (Welcomed a = SignalingClient.join(signal())) {
            Welcomed b = SignalingClient.join(signal());
            a.client().next("peer-joined");

            b.client().drop();

            assertEquals(b.id(), a.client().next("peer-left").get("id").asText());
            try (Welcomed c = SignalingClient.join(signal())) {
                assertEquals(1, c.welcome().get("peers").size(), "the dropped user must be gone");
                a.client().next("peer-joined");
                a.client().send("{\"type\":\"signal\",\"to\":\"" + b.id() + "\",\"data\":" + OFFER + "}")
                        .nextError("unknown-peer");
            }
        }
    }

    @Test
    void theServerKeepsServingAfterABurstOfMalformedFrames() {
        List<String> malformed = List.of("", "null", "{", "}{", "\"signal\"", "{\"type\":5}", "{\"type\":\"signal\"}",
                "{\"type\":\"signal\",\"to\":[],\"data\":{}}", "[".repeat(10_000), "{\"a\":1,\"a\":2}",
                "{\"type\":\"signal\",\"to\":\"x\",\"data\":{\"candidate\":{\"candidate\":1}}}", "\uD83D\uDE00",
                "{\"type\":\"signal\",\"to\":\"x\",\"data\":{\"description\":{\"type\":\"offer\",\"sdp\":1e999999}}}");
        try (Welcomed a = SignalingClient.join(signal()); Welcomed b = SignalingClient.join(signal())) {
            a.client().next("peer-joined");
            for (int round = 0; round < 40; round++) {
                for (String frame : malformed) {
                    a.client().send(frame);
                }
            }
            for (int i = 0; i < 40 * malformed.size(); i++) {
                String code = a.client().next("error").get("code").asText();
                assertTrue(code.equals("bad-json") || code.equals("bad-message"), code);
            }
            assertRelays(a, b);
            assertRelays(b, a);
        }
        try (Welcomed fresh = SignalingClient.join(signal())) {
            assertNotEquals("", fresh.id());
        }
    }

    @Test
    void aClientThatStopsAnsweringIsDroppedWithinTwoHeartbeats() throws Exception {
        try (Welcomed a = SignalingClient.join(signal()); SilentClient vanished = SilentClient.connect(signal())) {
            String vanishedId = a.client().next("peer-joined").at("/peer/id").asText();
            long joinedAt = heartbeat.beats();

            assertEquals(vanishedId, a.client().next("peer-left").get("id").asText());

            long beatsTaken = heartbeat.beats() - joinedAt;
            assertTrue(beatsTaken <= 3, "peer-left should follow the second ping without an answer, took " + beatsTaken);
            try (Welcomed c = SignalingClient.join(signal())) {
                assertEquals(1, c.welcome().get("peers").size());
            }
        }
    }

    @Test
    void clientsThatAnswerPingsStayConnected() {
        try (Welcomed a = SignalingClient.join(signal()); Welcomed b = SignalingClient.join(signal())) {
            a.client().next("peer-joined");
            long start = heartbeat.beats();

            eventually("four heartbeats", () -> heartbeat.beats() >= start + 4);

            assertRelays(a, b);
            assertRelays(b, a);
            assertNothingElseArrived(a.client());
            assertNothingElseArrived(b.client());
        }
    }

    /** Jetty would queue for a client that reads nothing without a bound; step 2 drops it past 1 MiB. */
    @Test
    void aClientThatReadsNothingIsDroppedBeforeWhatWaitsForItPassesOneMebibyte() throws Exception {
        try (Welcomed sender = SignalingClient.join(signal()); SilentClient neverReads = SilentClient.connect(signal())) {
            String readerId = sender.client().next("peer-joined").at("/peer/id").asText();
            String big = "{\"type\":\"signal\",\"to\":\"" + readerId + "\",\"data\":{\"description\":{\"type\":\"offer\",\"sdp\":\""
                    + "x".repeat(Protocol.MAX_SDP_CHARS) + "\"}}}";

            // Far more than the socket buffers hold: what the server keeps for the reader grows until it is dropped.
            for (int i = 0; i < 2_000 && !sender.client().hasReceived("peer-left"); i++) {
                sender.client().send(big);
            }
            assertEquals(readerId, sender.client().drainUntil("peer-left").get("id").asText());
            try (Welcomed next = SignalingClient.join(signal())) {
                assertEquals(next.id(), sender.client().drainUntil("peer-joined").at("/peer/id").asText());
                assertRelays(sender, next);
            }
        }
    }

    /** {@code from} sends an offer to {@code to}, which must receive it from {@code from}. */
    private static void assertRelays(Welcomed from, Welcomed to) {
        from.client().send("{\"type\":\"signal\",\"to\":\"" + to.id() + "\",\"data\":" + OFFER + "}");
        JsonNode relayed = nextSignal(to.client());
        assertEquals(from.id(), relayed.get("from").asText());
    }

    private static JsonNode nextSignal(SignalingClient client) {
        return client.next("signal");
    }

    /**
     * Nothing is waiting for this client: it asks the server for an error reply, which the server queues
     * after anything it sent this client before, and that reply must come first.
     */
    private static void assertNothingElseArrived(SignalingClient client) {
        client.send("{\"type\":\"ping?\"}");
        List<JsonNode> before = new ArrayList<>();
        JsonNode message = client.next();
        while (!message.path("type").asText().equals("error")) {
            before.add(message);
            message = client.next();
        }
        assertEquals(List.of(), before);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
