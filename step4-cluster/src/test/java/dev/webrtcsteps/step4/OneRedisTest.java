package dev.webrtcsteps.step4;

import static dev.webrtcsteps.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ClusterBehaviour} with one Redis server; and what happens while it is away. */
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
}
