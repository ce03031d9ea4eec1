package dev.webrtcsteps.step4;

import static dev.webrtcsteps.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterBehaviour} with one Redis server; a page moving to a node that never heard of its room, a node
 * restarted or stopped, and the metrics; and what happens while Redis is away.
 */
class OneRedisTest extends ClusterBehaviour {

    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.started();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    String redisUrl() {
        return redis.url();
    }

    @Override
    String freshRedisUrl() {
        return closing(RedisProcess.started()).url();
    }

    @Test
    void whileRedisIsAwayNodesRefuseNewcomersAndOnceItIsBackTheyRebuildWhatItLost() {
        RedisProcess redis = closing(RedisProcess.started());
        NodeProcess a = nodeOf(redis.url(), "a");
        NodeProcess b = nodeOf(redis.url(), "b");
        String room = room();
        Welcomed ann = closing(a.join(room, "name=Ann"));
        Welcomed bob = closing(b.join(room, "name=Bob"));
        Welcomed carol = closing(b.join(room, "name=Carol"));
        ann.client().next("peer-joined");
        ann.client().next("peer-joined");
        bob.client().next("peer-joined");

        redis.kill();
        eventually("node a's /health says 503 while Redis is away", () -> a.get("/health").statusCode() == 503);
        SignalingClient refused = closing(SignalingClient.connect(a.signal(room)));
        refused.nextError("unavailable");
        assertEquals(1013, refused.awaitClose(), "try again later: the page reconnects with its backoff");
        // Users of one node still reach each other, and one who leaves is gone for the others there.
        bob.client().send(signalTo(carol.id()));
        assertEquals(bob.id(), carol.client().next("signal").get("from").asText());
        carol.client().closeAndWait();
        assertEquals(carol.id(), bob.client().next("peer-left").get("id").asText());

        redis.start(); // empty: it saved nothing
        eventually("both nodes ready again", () -> a.get("/health").statusCode() == 200 && b.get("/health").statusCode() == 200);
        // Node b told the new Redis who is still there: Carol left for Ann too (and Bob never seemed to), and a
        // newcomer sees Ann and Bob.
        assertEquals(carol.id(), ann.client().next("peer-left").get("id").asText());
        Welcomed dave = closing(a.join(room, "name=Dave"));
        assertEquals(Set.of(ann.id(), bob.id()), ids(dave.welcome()));
        assertEquals(dave.id(), ann.client().next("peer-joined").at("/peer/id").asText());
        ann.client().send(signalTo(bob.id()));
        assertEquals(dave.id(), bob.client().next("peer-joined").at("/peer/id").asText());
        assertEquals(ann.id(), bob.client().next("signal").get("from").asText(), "signals cross nodes again");
        assertEquals(List.of(), ann.client().drain(), "nobody seemed to leave and come back");
    }

    @Test
    void aRedisFrozenForLongerThanTheNodeTimeoutMakesNobodyLeave() {
        RedisProcess redis = closing(RedisProcess.started());
        NodeProcess a = nodeOf(redis.url(), "a");
        NodeProcess b = nodeOf(redis.url(), "b");
        String room = room();
        Welcomed ann = closing(a.join(room, "name=Ann"));
        Welcomed bob = closing(b.join(room, "name=Bob"));
        ann.client().next("peer-joined");

        redis.pause();
        // Every node's last heartbeat in Redis gets older than NODE_TIMEOUT_SECONDS (5).
        eventually("Redis silent for 6 s", () -> a.get("/health").body().matches(".*has not answered for ([6-9]|\\d\\d) s.*"));
        redis.resume();
        eventually("node a's views match Redis again", () -> a.log().stream().anyMatch(line -> line.contains("rooms match Redis again")));
        eventually("node b's views match Redis again", () -> b.log().stream().anyMatch(line -> line.contains("rooms match Redis again")));
        // Nobody was taken for dead: no one left, and Bob is still reachable.
        ann.client().send(signalTo(bob.id()));
        assertEquals(ann.id(), bob.client().next("signal").get("from").asText());
        assertEquals(List.of(), ann.client().drain());
        assertEquals(List.of(), a.log().stream().filter(line -> line.contains("was silent")).toList());
    }

    @Test
    void aPageThatResumesOnAnotherNodeBeforeItsNodeIsMissedKeepsItsIdAndNobodyNotices() {
        NodeProcess a = node("a");
        NodeProcess b = node("b");
        NodeProcess c = node("c"); // has nobody in the room yet: Bob's resume is the first it hears of it
        String room = room();
        Welcomed ann = closing(a.join(room, "name=Ann"));
        Welcomed bob = closing(b.join(room, "name=Bob"));
        ann.client().next("peer-joined");
        b.kill();
        SignalingClient back = closing(SignalingClient.resume(c.signal(room, "name=Bob"), bob.welcome().get("resume").asText()));
        JsonNode welcome = back.next(); // the welcome first, whatever the node heard meanwhile
        assertEquals("welcome", welcome.get("type").asText(), welcome::toString);
        assertEquals(bob.id(), welcome.get("id").asText());
        for (JsonNode each : List.of(bob.welcome(), welcome)) { // TURN credentials of his own, on either node
            assertEquals(NodeProcess.TURN_URL, each.at("/rtcConfiguration/iceServers/0/urls/0").asText(), each::toString);
            assertTrue(each.at("/rtcConfiguration/iceServers/0/username").asText().endsWith(":" + bob.id()), each::toString);
        }
        assertEquals(Set.of(ann.id()), ids(welcome));
        // Ann sees nothing: Bob moved before anyone missed his node; and he is reachable on his new node.
        back.send(signalTo(ann.id()));
        assertEquals(bob.id(), ann.client().next("signal").get("from").asText());
        ann.client().send(signalTo(bob.id()));
        assertEquals(ann.id(), back.next("signal").get("from").asText());
        // Once node b's users would have been taken out, Bob is still there, for a newcomer too.
        eventually("node b is taken for dead", () -> a.log().stream().anyMatch(line -> line.contains("Node " + b.name + "@")));
        Welcomed witness = closing(a.join(room, "name=Witness"));
        assertEquals(Set.of(ann.id(), bob.id()), ids(witness.welcome()));
        assertEquals("peer-joined", ann.client().next().get("type").asText());
        assertEquals(List.of(), ann.client().drain());
        assertEquals(List.of(), back.drain().stream().filter(message -> !message.path("type").asText().equals("peer-joined")).toList());
    }

    @Test
    void aNodeRestartedUnderItsNameIsANewNodeItsPreviousUsersLeave() {
        NodeProcess a = node("a");
        NodeProcess b = node("b");
        String room = room();
        Welcomed ann = closing(a.join(room, "name=Ann"));
        Welcomed bob = closing(b.join(room, "name=Bob"));
        ann.client().next("peer-joined");
        b.kill();
        NodeProcess again = nodeOf(redisUrl(), "b"); // the same NODE_ID, back before anyone missed it
        assertEquals(b.name, again.name);
        assertEquals(bob.id(), ann.client().next("peer-left").get("id").asText(), "Bob's page never came back");
        assertEquals(0, again.stats().get("users").asInt());
    }

    @Test
    void aStoppedNodesUsersResumeOnAnotherNodeAndNobodySeesThemLeave() {
        NodeProcess a = node("a");
        NodeProcess b = node("b");
        String room = room();
        Welcomed ann = closing(a.join(room, "name=Ann"));
        Welcomed bob = closing(b.join(room, "name=Bob"));
        ann.client().next("peer-joined");
        b.stop(); // a deploy: SIGTERM. The JVM ends without closing its WebSockets, as if killed, and nothing leaves Redis
        assertTrue(bob.client().awaitClose() != 0);
        SignalingClient back = closing(SignalingClient.resume(a.signal(room, "name=Bob"), bob.welcome().get("resume").asText()));
        assertEquals(bob.id(), back.next("welcome").get("id").asText());
        back.send(signalTo(ann.id()));
        assertEquals(bob.id(), ann.client().next("signal").get("from").asText(), "Ann saw no peer-left, only Bob's signal");
    }

    @Test
    void metricsCountUsersJoinsSignalsHereAndAcrossNodesRefusalsRedisAndNodes() {
        String redis = freshRedisUrl(); // cluster_nodes would count other tests' stopped nodes too, for a while
        NodeProcess a = nodeOf(redis, "a");
        NodeProcess b = nodeOf(redis, "b");
        String room = room();
        Welcomed ann = closing(a.join(room, "name=Ann"));
        Welcomed amy = closing(a.join(room, "name=Amy"));
        Welcomed bob = closing(b.join(room, "name=Bob"));
        ann.client().send(signalTo(bob.id()));
        bob.client().drainUntil("signal");
        ann.client().send(signalTo(amy.id()));
        amy.client().drainUntil("signal");
        ann.client().send("not json");
        assertEquals("bad-json", ann.client().drainUntil("error").get("code").asText());

        String onA = a.get("/metrics").body();
        String onB = b.get("/metrics").body();
        assertMetric(onA, "signaling_users{node=\"" + a.name + "\"}", 2);
        assertMetric(onA, "signaling_joins_total{node=\"" + a.name + "\"}", 2);
        assertMetric(onA, "signaling_relayed_total{node=\"" + a.name + "\",where=\"here\"}", 1);
        assertMetric(onA, "signaling_relayed_total{node=\"" + a.name + "\",where=\"to_other_node\"}", 1);
        assertMetric(onB, "signaling_relayed_total{node=\"" + b.name + "\",where=\"from_other_node\"}", 1);
        assertMetric(onA, "signaling_refusals_total{code=\"bad-json\",node=\"" + a.name + "\"}", 1);
        assertMetric(onB, "cluster_nodes{node=\"" + b.name + "\"}", 2);
        assertTrue(onA.contains("redis_round_trip_seconds_count{node=\"" + a.name + "\"}"), onA);
        assertEquals(401, a.getWithoutToken("/metrics").statusCode(), "/metrics wants STATS_TOKEN, as /stats does");
    }
}
