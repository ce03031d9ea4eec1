package dev.webrtcsteps.step3;

import static dev.webrtcsteps.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The step 3 signaling server (rooms, names, caps), through real WebSocket connections to the real app. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Step3SignalingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OFFER = "{\"description\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\"}}";
    private static final String AN_ID = "[A-Za-z0-9_-]{22}";

    /** Small caps, so the tests can reach them; every other test stays within them. */
    private static final int MAX_ROOM_SIZE = 4;
    private static final int MAX_USERS = 6;

    /**
     * A fresh hub and server per test: rooms and counters are server state. A short grace, so that dropped users
     * are gone soon; a rate limit these tests do not reach.
     */
    private final Hub hub = new Hub(Settings.DEFAULTS.withLimits(MAX_ROOM_SIZE, MAX_USERS)
            .withResumeGrace(Duration.ofMillis(500)).withRateLimit(10_000, 10_000, 10_000).withPerAddress(1_000_000, 100_000));

    @RegisterExtension
    final AppServer app = new AppServer(() -> Step3App.create(hub, new Heartbeat(hub.settings().heartbeat()),
            OriginCheck.allowing()));

    // ---------------------------------------------------------------------------------------------- welcome

    @Test
    void theWelcomeSaysWhoYouAreWhereYouAreAndWhoElseIsInThatRoomOnly() throws Exception {
        try (Welcomed ann = join("kitchen", "Ann"); Welcomed bob = join("garden", "Bob");
                Welcomed guest = join(null, null); Welcomed dan = join("kitchen", "Dan")) {
            assertTrue(ann.id().matches(AN_ID), ann.id());
            assertEquals(List.of("type", "id", "name", "room", "peers", "resume"), fieldNames(ann.welcome()));
            assertTrue(ann.welcome().get("resume").asText().matches(AN_ID), "a resume token as random as an id");
            ((ObjectNode) ann.welcome()).remove("resume");
            assertEquals(JSON.readTree("{\"type\":\"welcome\",\"id\":\"" + ann.id()
                    + "\",\"name\":\"Ann\",\"room\":\"kitchen\",\"peers\":[]}"), ann.welcome());

            assertEquals("garden", bob.welcome().get("room").asText());
            assertEquals(JSON.readTree("[]"), bob.welcome().get("peers"), "Ann is in another room");

            assertEquals("Guest-" + guest.id().substring(0, 4), guest.welcome().get("name").asText());
            assertEquals("lobby", guest.welcome().get("room").asText());
            assertEquals(JSON.readTree("[]"), guest.welcome().get("peers"));

            assertEquals("Dan", dan.welcome().get("name").asText());
            assertEquals(array(peer(ann.id(), "Ann")), dan.welcome().get("peers"));
        }
    }

    // ------------------------------------------------------------------------------------------------ rooms

    @Test
    void presenceStaysInsideTheRoom() {
        try (Welcomed a1 = join("a", "A1"); Welcomed b1 = join("b", "B1")) {
            Welcomed b2 = join("b", "B2");
            assertEquals(b2.id(), b1.client().next("peer-joined").at("/peer/id").asText());
            b2.close();
            assertEquals(b2.id(), b1.client().next("peer-left").get("id").asText());
            try (Welcomed b3 = join("b", "B3")) {
                // b3's join waited for b2's leave to finish: everything about b2 has been sent by now.
                assertEquals(b3.id(), b1.client().next("peer-joined").at("/peer/id").asText());
                assertEquals(array(peer(b1.id(), "B1")), b3.welcome().get("peers"));

                Welcomed a2 = join("a", "A2");
                assertEquals(array(peer(a1.id(), "A1")), a2.welcome().get("peers"));
                assertEquals(a2.id(), a1.client().next("peer-joined").at("/peer/id").asText());
                a2.client().drop();
                assertEquals(a2.id(), a1.client().next("peer-left").get("id").asText());

                assertNothingElseArrived(a1.client());
                assertNothingElseArrived(b1.client());
                assertNothingElseArrived(b3.client());
            }
        }
    }

    @Test
    void aSignalToSomeoneInAnotherRoomIsAnUnknownPeerAndReachesNobody() {
        try (Welcomed a = join("a", "A"); Welcomed b = join("b", "B"); Welcomed a2 = join("a", "A2")) {
            a.client().next("peer-joined");

            a.client().send(signalTo(b.id(), OFFER)).nextError("unknown-peer");
            b.client().send(signalTo(a.id(), OFFER)).nextError("unknown-peer");

            assertNothingElseArrived(b.client());
            assertNothingElseArrived(a.client());
            assertNothingElseArrived(a2.client());
            assertRelays(a, a2);
            assertRelays(a2, a);
        }
    }

    @Test
    void aSignalReachesOnlyItsAddresseeStampedWithTheSendersRealId() throws Exception {
        try (Welcomed a = join("r", "A"); Welcomed b = join("r", "B"); Welcomed c = join("r", "C")) {
            a.client().next("peer-joined");
            a.client().next("peer-joined");
            b.client().next("peer-joined");

            Map<String, Object> forged = new LinkedHashMap<>();
            forged.put("type", "signal");
            forged.put("to", b.id());
            forged.put("from", c.id());
            forged.put("name", "admin");
            forged.put("room", "elsewhere");
            forged.put("data", Map.of("candidate", Map.of("candidate", "candidate:1 1 udp 1 192.0.2.9 5000 typ host",
                    "sdpMid", "0", "sdpMLineIndex", 0)));
            a.client().send(forged);

            JsonNode relayed = b.client().next("signal");
            assertEquals(List.of("type", "from", "data"), fieldNames(relayed));
            assertEquals(a.id(), relayed.get("from").asText(), "the server, not the client, says who sent it");
            assertEquals(JSON.readTree("{\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 192.0.2.9 5000 typ host\","
                    + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":null}}"), relayed.get("data"));

            a.client().send(signalTo(c.id(), OFFER));
            assertEquals(JSON.readTree("{\"type\":\"signal\",\"from\":\"" + a.id() + "\",\"data\":" + OFFER + "}"),
                    c.client().next());

            assertNothingElseArrived(a.client());
            assertNothingElseArrived(b.client());
            assertNothingElseArrived(c.client());
        }
    }

    // --------------------------------------------------------------------------------------------- presence

    @Test
    void presenceIsIncrementalOneWelcomeListThenOneMessagePerJoinOrLeave() throws Exception {
        int present = 3;
        List<Welcomed> members = new ArrayList<>();
        try {
            for (int i = 0; i < present; i++) {
                Welcomed member = join("incremental", "M" + i);
                for (Welcomed earlier : members) {
                    assertEquals(joined(member.id(), "M" + i), earlier.client().next());
                }
                members.add(member);
            }

            Welcomed newcomer = join("incremental", "New");
            Set<JsonNode> expected = new HashSet<>();
            for (int i = 0; i < present; i++) {
                expected.add(peer(members.get(i).id(), "M" + i));
            }
            JsonNode peers = newcomer.welcome().get("peers");
            assertEquals(present, peers.size(), peers::toString);
            Set<JsonNode> listed = new HashSet<>();
            peers.forEach(listed::add);
            assertEquals(expected, listed);

            for (Welcomed member : members) {
                JsonNode message = member.client().next();
                assertEquals(joined(newcomer.id(), "New"), message);
                assertTrue(message.get("peer").isObject(), "one peer, not a list");
                assertNothingElseArrived(member.client());
            }
            assertNothingElseArrived(newcomer.client());

            newcomer.close();
            for (Welcomed member : members) {
                assertEquals(JSON.readTree("{\"type\":\"peer-left\",\"id\":\"" + newcomer.id() + "\"}"),
                        member.client().next());
                assertNothingElseArrived(member.client());
            }
        } finally {
            members.forEach(Welcomed::close);
        }
    }

    // ------------------------------------------------------------------------------------------ join checks

    @Test
    void namesAreTrimmedCheckedAndDefaulted() {
        List<String> refusedNames = List.of("x".repeat(33), "\u0007", "a\nb", "\u202E", "Ann\u202Enna");
        try (Welcomed watcher = join("names", "Watcher")) {
            // Connected first, so that their close delays run at the same time.
            List<SignalingClient> refused = new ArrayList<>();
            for (String name : refusedNames) {
                refused.add(SignalingClient.connect(signal("names", name)));
            }
            for (int i = 0; i < refused.size(); i++) {
                String name = refusedNames.get(i);
                assertEquals("bad-name", refused.get(i).next("error").get("code").asText(), () -> "name " + escape(name));
            }

            Map<String, String> accepted = new LinkedHashMap<>();
            accepted.put("  Ann  ", "Ann");
            accepted.put("x".repeat(32), "x".repeat(32));
            accepted.put("\uD83D\uDE00".repeat(32), "\uD83D\uDE00".repeat(32)); // 32 characters, 64 chars of Java
            accepted.put("\uD83D\uDC69\u200D\uD83D\uDCBB", "\uD83D\uDC69\u200D\uD83D\uDCBB"); // 👩‍💻, with a zero-width joiner
            accepted.put("Zo\u00EB", "Zo\u00EB");
            for (Map.Entry<String, String> name : accepted.entrySet()) {
                try (Welcomed user = join("names", name.getKey())) {
                    assertEquals(name.getValue(), user.welcome().get("name").asText(), () -> "name " + escape(name.getKey()));
                    assertEquals(name.getValue(), watcher.client().next("peer-joined").at("/peer/name").asText());
                }
                watcher.client().next("peer-left");
            }
            for (String blank : List.of("", "   ")) {
                try (Welcomed user = join("names", blank)) {
                    assertEquals("Guest-" + user.id().substring(0, 4), user.welcome().get("name").asText(),
                            () -> "name '" + blank + "'");
                    watcher.client().next("peer-joined");
                }
                watcher.client().next("peer-left");
            }

            for (SignalingClient client : refused) {
                assertEquals(CloseCodes.BAD_JOIN, client.awaitClose());
                client.close();
            }
            assertNothingElseArrived(watcher.client());
            assertEquals(1, hub.users(), "refused users are never counted");
        }
    }

    @Test
    void roomsAreTrimmedCheckedAndDefaulted() {
        SignalingClient tooLong = SignalingClient.connect(signal("r".repeat(65), "Ann"));
        SignalingClient control = SignalingClient.connect(signal("tab\there", "Ann"));
        try (tooLong; control) {
            tooLong.nextError("bad-room");
            control.nextError("bad-room");

            try (Welcomed longest = join("r".repeat(64), "Ann"); Welcomed trimmed = join("  kitchen  ", "Bob");
                    Welcomed empty = join("", "Cy"); Welcomed blank = join("   ", "Di")) {
                assertEquals("r".repeat(64), longest.welcome().get("room").asText());
                assertEquals("kitchen", trimmed.welcome().get("room").asText());
                assertEquals("lobby", empty.welcome().get("room").asText());
                assertEquals("lobby", blank.welcome().get("room").asText());
                assertEquals(array(peer(empty.id(), "Cy")), blank.welcome().get("peers"));
                assertEquals(3, hub.rooms());
            }

            assertEquals(CloseCodes.BAD_JOIN, tooLong.awaitClose());
            assertEquals(CloseCodes.BAD_JOIN, control.awaitClose());
        }
    }

    // ------------------------------------------------------------------------------------------------- caps

    @Test
    void aFullRoomRefusesWith4001OtherRoomsStillAdmitAndALeaveMakesRoom() {
        List<Welcomed> members = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_ROOM_SIZE; i++) {
                members.add(join("full", "M" + i));
            }
            Welcomed first = members.get(0);
            for (int i = 1; i < MAX_ROOM_SIZE; i++) {
                first.client().next("peer-joined");
            }

            SignalingClient refused = SignalingClient.connect(signal("full", "Late"));
            refused.nextError("room-full");
            // A refused connection is nobody: what it sends is not relayed.
            refused.send(signalTo(first.id(), OFFER));
            assertNothingElseArrived(first.client());
            assertEquals(MAX_ROOM_SIZE, hub.users());

            try (Welcomed elsewhere = join("other", "Elsewhere")) {
                assertEquals("other", elsewhere.welcome().get("room").asText());
            }

            Welcomed leaving = members.remove(members.size() - 1);
            leaving.close();
            assertEquals(leaving.id(), first.client().next("peer-left").get("id").asText());

            try (Welcomed late = join("full", "Late")) {
                assertEquals(MAX_ROOM_SIZE - 1, late.welcome().get("peers").size());
                assertEquals(late.id(), first.client().next("peer-joined").at("/peer/id").asText());
            }

            assertEquals(CloseCodes.ROOM_FULL, refused.awaitClose());
            refused.close();
        } finally {
            members.forEach(Welcomed::close);
        }
    }

    @Test
    void aFullServerRefusesWith4002AndALeaveMakesRoom() {
        List<Welcomed> members = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_USERS; i++) {
                members.add(join(i < MAX_ROOM_SIZE ? "a" : "b", "M" + i));
            }
            assertEquals(MAX_USERS, hub.users());
            assertEquals(2, hub.rooms());

            SignalingClient toNewRoom = SignalingClient.connect(signal("c", "Late"));
            SignalingClient toRoomWithSpace = SignalingClient.connect(signal("b", "Later"));
            toNewRoom.nextError("server-full");
            toRoomWithSpace.nextError("server-full");
            assertEquals(2, hub.rooms(), "a refused user creates no room");

            Welcomed stays = members.get(MAX_ROOM_SIZE);
            Welcomed leaving = members.remove(MAX_ROOM_SIZE + 1);
            assertEquals(leaving.id(), stays.client().next("peer-joined").at("/peer/id").asText());
            leaving.client().drop();
            assertEquals(leaving.id(), stays.client().next("peer-left").get("id").asText());

            try (Welcomed late = join("c", "Late")) {
                assertEquals("c", late.welcome().get("room").asText());
                assertEquals(MAX_USERS, hub.users());
            }

            assertEquals(CloseCodes.SERVER_FULL, toNewRoom.awaitClose());
            assertEquals(CloseCodes.SERVER_FULL, toRoomWithSpace.awaitClose());
            toNewRoom.close();
            toRoomWithSpace.close();
        } finally {
            members.forEach(Welcomed::close);
        }
    }

    // ---------------------------------------------------------------------------------------------- cleanup

    @Test
    void emptyRoomsAreRemovedAndTheCountersFollowClosesAndDrops() {
        Welcomed x = join("x", "X");
        Welcomed y1 = join("y", "Y1");
        Welcomed y2 = join("y", "Y2");
        assertEquals(3, hub.users());
        assertEquals(2, hub.rooms());

        x.close();
        eventually("room x is removed", () -> hub.rooms() == 1 && hub.users() == 2);

        y1.client().drop();
        assertEquals(y1.id(), y2.client().next("peer-left").get("id").asText());
        assertEquals(1, hub.users());
        assertEquals(1, hub.rooms());

        y2.client().drop();
        eventually("every user and room is gone", () -> hub.users() == 0 && hub.rooms() == 0);

        try (Welcomed again = join("y", "Again")) {
            assertEquals(JSON.createArrayNode(), again.welcome().get("peers"));
            assertEquals(1, hub.rooms());
        }
        y1.close();
        y2.close();
    }

    @Test
    void manyConnectionsThatCloseOrDropLeaveNoUsersAndNoRooms() {
        int cycles = 200;
        int batch = 3;
        int rooms = 4;
        for (int start = 0; start < cycles; start += batch) {
            eventually("room for a batch", () -> hub.users() <= MAX_USERS - batch);
            List<Welcomed> users = new ArrayList<>();
            for (int i = start; i < Math.min(start + batch, cycles); i++) {
                users.add(join("room-" + i % rooms, "U" + i));
            }
            for (int i = 0; i < users.size(); i++) {
                if ((start + i) % 2 == 0) {
                    users.get(i).client().drop();
                } else {
                    users.get(i).close();
                }
            }
        }
        eventually("every user and room is gone", () -> hub.users() == 0 && hub.rooms() == 0);

        try (Welcomed fresh = join("room-0", "Fresh")) {
            assertEquals(JSON.createArrayNode(), fresh.welcome().get("peers"));
        }
        eventually("the last user is gone", () -> hub.users() == 0 && hub.rooms() == 0);
    }

    // ----------------------------------------------------------------------------------------------- errors

    @Test
    void badJsonIsAnsweredAndTheConnectionKeepsWorking() {
        try (Welcomed a = join("r", "A"); Welcomed b = join("r", "B")) {
            a.client().next("peer-joined");
            a.client().send("{\"type\":\"signal\",").nextError("bad-json");
            assertRelays(a, b);
            assertRelays(b, a);
        }
    }

    @Test
    void aMessageOutsideTheProtocolOrABinaryFrameIsABadMessageAndTheConnectionKeepsWorking() {
        try (Welcomed a = join("r", "A"); Welcomed b = join("r", "B")) {
            a.client().next("peer-joined");
            a.client().send("{\"type\":\"hello\"}").nextError("bad-message");
            a.client().send("[1,2,3]").nextError("bad-message");
            a.client().send("{\"type\":\"join\",\"room\":\"other\"}").nextError("bad-message");
            a.client().send(signalTo(b.id(), "{\"description\":{\"type\":\"offer\"}}")).nextError("bad-message");
            a.client().send(signalTo(b.id(), "{\"html\":\"<script>\"}")).nextError("bad-message");
            a.client().sendBinary(new byte[] {1, 2, 3}).nextError("bad-message");
            assertNothingElseArrived(b.client());
            assertRelays(a, b);
            assertRelays(b, a);
        }
    }

    @Test
    void aSignalForAnUnknownPeerOrForYourselfIsAnsweredAndTheConnectionKeepsWorking() {
        try (Welcomed a = join("r", "A"); Welcomed b = join("r", "B")) {
            a.client().next("peer-joined");
            a.client().send(signalTo("nobody-with-this-id", OFFER)).nextError("unknown-peer");
            a.client().send(signalTo(a.id(), OFFER)).nextError("unknown-peer");
            assertNothingElseArrived(a.client());
            assertNothingElseArrived(b.client());
            assertRelays(a, b);
            assertRelays(b, a);
        }
    }

    @Test
    void aTooLargeFrameIsAnsweredAndClosedWith1009WhileTheRoomStays() {
        try (Welcomed a = join("r", "A"); Welcomed b = join("r", "B")) {
            a.client().next("peer-joined");
            String huge = signalTo(a.id(), "{\"description\":{\"type\":\"offer\",\"sdp\":\""
                    + "x".repeat(Protocol.MAX_MESSAGE_CHARS) + "\"}}");

            b.client().send(huge).nextError("too-large");

            assertEquals(CloseCodes.MESSAGE_TOO_BIG, b.client().awaitClose());
            assertEquals(b.id(), a.client().next("peer-left").get("id").asText());
            assertEquals(1, hub.users());
            assertEquals(1, hub.rooms());
            assertNothingElseArrived(a.client());
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** {@code /signal} with the room and name given (null: left out), URL-encoded. */
    private URI signal(String room, String name) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        if (room != null) {
            query.add("room=" + URLEncoder.encode(room, StandardCharsets.UTF_8));
        }
        if (name != null) {
            query.add("name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        }
        return app.webSocket("/signal" + query);
    }

    private Welcomed join(String room, String name) {
        return SignalingClient.join(signal(room, name));
    }

    private static String signalTo(String to, String data) {
        return "{\"type\":\"signal\",\"to\":\"" + to + "\",\"data\":" + data + "}";
    }

    /** {@code from} sends an offer to {@code to}, which must receive it from {@code from}. */
    private static void assertRelays(Welcomed from, Welcomed to) {
        from.client().send(signalTo(to.id(), OFFER));
        assertEquals(from.id(), to.client().next("signal").get("from").asText());
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
        assertEquals("bad-message", message.get("code").asText());
    }

    private static ObjectNode peer(String id, String name) {
        return JSON.createObjectNode().put("id", id).put("name", name);
    }

    private static ObjectNode joined(String id, String name) {
        ObjectNode message = JSON.createObjectNode().put("type", "peer-joined");
        message.set("peer", peer(id, name));
        return message;
    }

    private static ArrayNode array(JsonNode... elements) {
        ArrayNode array = JSON.createArrayNode();
        for (JsonNode element : elements) {
            array.add(element);
        }
        return array;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A name as Java source, so that a failure shows invisible characters. */
    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder("\"");
        text.codePoints().forEach(c -> escaped.append(c >= 0x20 && c < 0x7F ? Character.toString(c)
                : String.format("\\u%04X", c)));
        return escaped.append('"').toString();
    }
}
