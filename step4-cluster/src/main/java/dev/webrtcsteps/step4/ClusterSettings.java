package dev.webrtcsteps.step4;

import dev.webrtcsteps.common.Environment;
import dev.webrtcsteps.common.protocol.PeerInfo;
import java.time.Duration;
import java.util.Map;

/**
 * What step 4 adds to step 3's settings (docs/step4-cluster.md has the table).
 *
 * @param redisUrl where the cluster's shared state is ({@code REDIS_URL}, e.g. {@code redis://127.0.0.1:6379}; for a
 *     Redis Cluster, one or more of its servers, comma separated); null: this server runs alone, as step 3 does
 * @param node this server's name in the cluster ({@code NODE_ID}, default a random one): logs, {@code /health},
 *     {@code /metrics} and the {@code X-Node} response header show it
 * @param heartbeat how often this node tells Redis it is alive (1 s)
 * @param nodeTimeout how long a node may be silent before the others take its users out
 *     ({@code NODE_TIMEOUT_SECONDS}, default 5)
 */
record ClusterSettings(String redisUrl, String node, Duration heartbeat, Duration nodeTimeout) {

    static ClusterSettings fromEnvironment(Map<String, String> environment) {
        String url = environment.get("REDIS_URL");
        String node = environment.getOrDefault("NODE_ID", "").trim();
        if (!node.matches("[A-Za-z0-9_.-]{0,64}")) {
            throw new IllegalArgumentException("NODE_ID may have letters, digits, '.', '_' and '-', at most 64 of them.");
        }
        return new ClusterSettings(url == null || url.isBlank() ? null : url.trim(),
                node.isEmpty() ? PeerInfo.randomId().substring(0, 8) : node, Duration.ofSeconds(1),
                Duration.ofSeconds(Environment.number(environment, "NODE_TIMEOUT_SECONDS", 5, 3600)));
    }
}
