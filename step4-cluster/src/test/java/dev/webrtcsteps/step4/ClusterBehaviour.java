package dev.webrtcsteps.step4;

import static dev.webrtcsteps.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Step 3's behaviour for users spread over several nodes, and what happens when a node dies: the tests that go
 * through every kind of key, script and channel step 4 has in Redis, so they run on one Redis ({@link OneRedisTest})
 * and on a Redis Cluster ({@link RedisClusterTest}), where a key or a channel in the wrong place fails. The node's
 * other ways (a move, a restart, SIGTERM, metrics) use the same keys: {@link OneRedisTest} alone runs them. Each
 * test starts its nodes as real processes; room names are unique per test, so tests share the Redis.
 */
abstract class ClusterBehaviour {

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private static int rooms;

    /** Where the nodes find Redis: one the test class's tests share. */
    abstract String redisUrl();

    /** A Redis (or Redis Cluster) of this test's own, stopped after it. */
    abstract String freshRedisUrl();

    NodeProcess node(String name, String... settings) {
        return nodeOf(redisUrl(), name, settings);
    }

    NodeProcess nodeOf(String redisUrl, String name, String... settings) {
        NodeProcess node = NodeProcess.start(name + "-" + getClass().getSimpleName(), redisUrl, settings);
        toClose.add(node);
        return node;
    }

    <T extends AutoCloseable> T closing(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    static synchronized String room() {
        return "room-" + ++rooms + "-" + System.nanoTime();
    }

    /** Everything the test opened, last first; one that fails to close does not keep the others open. */
    @AfterEach
    void closeAll() throws Exception {
        Exception first = null;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception | AssertionError failed) {
                first = first == null ? new Exception("closing " + toClose.get(i) + " failed", failed) : first;
            }
        }
        toClose.clear();
        if (first != null) {
            throw first;
        }
    }

    /** A signal (an end-of-candidates one) for the user with this id. */
    static String signalTo(String id) {
        return "{\"type\":\"signal\",\"to\":\"" + id + "\",\"data\":{\"candidate\":null}}";
    }

    static Set<String> ids(JsonNode welcome) {
        return StreamSupport.stream(welcome.get("peers").spliterator(), false).map(peer -> peer.get("id").asText())
                .collect(Collectors.toSet());
    }

    @Test
    void usersOnDifferentNodesSeeEachOtherAndRoomsStaySeparate() {
        NodeProcess a = node("a");
        NodeProcess b = node("b");
        String room = room();
        Welcomed ann = closing(a.join(room, "name=Ann"));
        assertEquals(Set.of(), ids(ann.welcome()));
        Welcomed bob = closing(b.join(room, "name=Bob"));
        assertEquals(Set.of(ann.id()), ids(bob.welcome()), "Bob's welcome names Ann, who is on the other node");
        JsonNode joined = ann.client().next("peer-joined");
        assertEquals(bob.id(), joined.at("/peer/id").asText());
        assertEquals("Bob", joined.at("/peer/name").asText());

        Welcomed elsewhere = closing(b.join(room(), "name=Carol"));
        assertEquals(Set.of(), ids(elsewhere.welcome()), "another room is another room, on any node");
        Welcomed dave = closing(a.join(room, "name=Dave"));
        assertEquals(Set.of(ann.id(), bob.id()), ids(dave.welcome()));
        assertEquals(dave.id(), ann.client().next("peer-joined").at("/peer/id").asText());
        assertEquals(dave.id(), bob.client().next("peer-joined").at("/peer/id").asText());

        bob.client().closeAndWait();
        assertEquals(bob.id(), ann.client().next("peer-left").get("id").asText());
        assertEquals(bob.id(), dave.client().next("peer-left").get("id").asText());
        // Incremental: one message per change, never the list again; Carol heard of none of it.
        assertEquals(List.of(), ann.client().drain());
        assertEquals(List.of(), elsewhere.client().drain());
    }

    @Test
    void signalsCrossNodesStampedWithTheSendersIdAndRefusalsAreStepThrees() {
        NodeProcess a = node("a");
        NodeProcess b = node("b", "RATE_LIMIT_PER_SECOND", "1", "RATE_LIMIT_BURST", "4");
        String room = room();
        Welcomed ann = closing(a.join(room, "name=Ann"));
        Welcomed bob = closing(b.join(room, "name=Bob"));
        ann.client().next("peer-joined");
        Welcomed carol = closing(a.join(room(), "name=Carol"));

        ann.client().send(signalTo(bob.id()));
        JsonNode signal = bob.client().next("signal");
        assertEquals(ann.id(), signal.get("from").asText(), "the server says who sent it");
        assertTrue(signal.get("data").has("candidate"));
        bob.client().send(signalTo(ann.id()));
        assertEquals(bob.id(), ann.client().next("signal").get("from").asText());

        ann.client().send(signalTo(carol.id()));
        ann.client().nextError("unknown-peer"); // in another room, on this node
        bob.client().send(signalTo(carol.id()));
        bob.client().nextError("unknown-peer"); // in another room, on the other node
        bob.client().send("not json");
        bob.client().nextError("bad-json");
        bob.client().send("{\"type\":\"dance\"}");
        bob.client().nextError("bad-message");
        bob.client().send("{\"type\":\"signal\",\"to\":\"x\",\"data\":{}}");
        bob.client().nextError("rate-limited"); // the fifth frame in a burst of four
        assertFalse(carol.client().hasReceived("signal"));
        Welcomed dan = closing(b.join(room, "name=Dan"));
        assertEquals(dan.id(), ann.client().next("peer-joined").at("/peer/id").asText());
        dan.client().send("{\"type\":\"signal\",\"to\":\"" + ann.id() + "\",\"data\":{\"x\":\"" + "y".repeat(70_000) + "\"}}");
        dan.client().nextError("too-large");
        assertEquals(1009, dan.client().awaitClose());
        assertEquals(dan.id(), ann.client().next("peer-left").get("id").asText(), "too large: it leaves, on every node");
    }

    @Test
    void roomSizeHoldsForTheClusterEvenWhenNodesAdmitAtOnce() throws Exception {
        NodeProcess a = node("a", "MAX_ROOM_SIZE", "5", "JOINS_PER_SECOND_PER_ADDRESS", "1000");
        NodeProcess b = node("b", "MAX_ROOM_SIZE", "5", "JOINS_PER_SECOND_PER_ADDRESS", "1000");
        String room = room();
        assertEquals(5, welcomedOf(16, List.of(a, b), () -> room, "room-full"), "MAX_ROOM_SIZE=5 on both nodes together");
    }

    @Test
    void maxUsersCountsEveryNodeEvenWhenNodesAdmitAtOnce() throws Exception {
        String redis = freshRedisUrl(); // other tests' users (and their killed nodes, for a while) would count too
        NodeProcess a = nodeOf(redis, "a", "MAX_USERS", "3", "JOINS_PER_SECOND_PER_ADDRESS", "1000");
        NodeProcess b = nodeOf(redis, "b", "MAX_USERS", "3", "JOINS_PER_SECOND_PER_ADDRESS", "1000");
        assertEquals(3, welcomedOf(10, List.of(a, b), ClusterBehaviour::room, "server-full"), "MAX_USERS=3 on both nodes together");
    }

    /**
     * {@code count} newcomers connect at once, to each node in turn, each to the room {@code rooms} names: how many
     * were welcomed. Every other one must be refused with {@code refusal}.
     */
    private int welcomedOf(int count, List<NodeProcess> nodes, Supplier<String> rooms, String refusal) throws Exception {
        List<CompletableFuture<SignalingClient>> attempts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NodeProcess node = nodes.get(i % nodes.size());
            String room = rooms.get();
            attempts.add(CompletableFuture.supplyAsync(() -> SignalingClient.connect(node.signal(room))));
        }
        int welcomed = 0;
        for (var attempt : attempts) {
            JsonNode first = closing(attempt.get()).next();
            if (first.path("type").asText().equals("welcome")) {
                welcomed++;
            } else {
                assertEquals(refusal, first.path("code").asText(), first::toString);
            }
        }
        return welcomed;
    }

    @Test
    void aKilledNodesUsersLeaveForEveryoneWithinTenSecondsAndMayComeBackWithTheirId() {
        NodeProcess a = node("a");
        NodeProcess b = node("b");
        String room = room();
        Welcomed ann = closing(a.join(room, "name=Ann"));
        Welcomed bob = closing(b.join(room, "name=Bob"));
        Welcomed carol = closing(b.join(room, "name=Carol"));
        ann.client().next("peer-joined");
        ann.client().next("peer-joined");

        Welcomed bystander = closing(a.join(room(), "name=Bystander"));
        long killed = System.nanoTime();
        b.kill();
        Set<String> left = Set.of(ann.client().next("peer-left").get("id").asText(),
                ann.client().next("peer-left").get("id").asText());
        Duration noticed = Duration.ofNanos(System.nanoTime() - killed);
        assertEquals(Set.of(bob.id(), carol.id()), left);
        assertTrue(noticed.compareTo(Duration.ofSeconds(10)) <= 0, "noticed after " + noticed);
        System.out.println("A killed node's users left for the others " + noticed.toMillis() + " ms after SIGKILL");
        assertEquals(List.of(), ann.client().drain(), "one peer-left each, nothing else");
        assertEquals(List.of(), bystander.client().drain(), "another room on the living node sees nothing");

        // Bob's page comes back through the other node within the grace period: same id, and Ann sees him again.
        SignalingClient back = closing(SignalingClient.resume(a.signal(room, "name=Bob"), bob.welcome().get("resume").asText()));
        JsonNode welcome = back.next("welcome");
        assertEquals(bob.id(), welcome.get("id").asText());
        assertEquals(Set.of(ann.id()), ids(welcome));
        assertEquals(bob.id(), ann.client().next("peer-joined").at("/peer/id").asText());
    }

    @Test
    void signalsThatWaitedForADroppedPageFollowItToTheNodeItResumesOn() {
        NodeProcess a = node("a");
        NodeProcess b = node("b");
        String room = room();
        Welcomed ann = closing(a.join(room, "name=Ann"));
        Welcomed bob = closing(b.join(room, "name=Bob"));
        ann.client().next("peer-joined");
        bob.client().drop(); // the network, not Bob: node b keeps him for the grace period
        eventually("node b noticed the drop", () -> b.log().stream().anyMatch(line -> line.contains(bob.id() + " lost its connection")));
        ann.client().send(signalTo(bob.id()));
        eventually("the signal waits on node b", () -> b.get("/metrics").body().lines()
                .anyMatch(line -> line.startsWith("signaling_relayed_total{node=\"" + b.name + "\",where=\"from_other_node\"} 1")));
        // Bob's page comes back through node a: his welcome, then what waited for him on node b.
        SignalingClient back = closing(SignalingClient.resume(a.signal(room, "name=Bob"), bob.welcome().get("resume").asText()));
        assertEquals(bob.id(), back.next("welcome").get("id").asText());
        JsonNode waited = back.next("signal");
        assertEquals(ann.id(), waited.get("from").asText());
        assertTrue(waited.get("data").has("candidate"), waited::toString);
        assertEquals(List.of(), ann.client().drain(), "Ann saw nothing of it");
    }

    /** A sample of the Prometheus text: the line with these name and labels has this value. */
    static void assertMetric(String scrape, String series, double value) {
        String line = scrape.lines().filter(sample -> sample.startsWith(series + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + series + " in\n" + scrape));
        assertEquals(value, Double.parseDouble(line.substring(series.length() + 1).trim()), line);
    }
}
