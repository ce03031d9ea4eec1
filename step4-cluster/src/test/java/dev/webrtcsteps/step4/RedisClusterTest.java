package dev.webrtcsteps.step4;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ClusterBehaviour} on a Redis Cluster of three masters: a room's keys and channel on one shard. */
class RedisClusterTest extends ClusterBehaviour {

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = new RedisCluster();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    String redisUrl() {
        return cluster.url();
    }

    @Override
    String freshRedisUrl() {
        return closing(new RedisCluster()).url();
    }
}
