package dev.webrtcsteps.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster scenario, tiny and unpinned, against step 4's real nodes and a real redis-server: it produces every
 * figure, and they add up (each join two scripts, a signal on one node no Redis at all, one to another node one
 * SPUBLISH that the addressee's node alone receives). The bench itself runs it pinned and larger (docs/step4-cluster.md).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterScenarioSmokeTest {

    private static final ClusterScenario.Sizes TINY =
            new ClusterScenario.Sizes(0.5, 20, 10, 50, 10, 10, 40, 1, 4, 200, 1, 2);

    @TempDir
    Path directory;

    @Test
    void twoNodesAndRedisGiveEveryFigure() throws Exception {
        Results.Cluster cluster = new ClusterScenario(TINY, directory, List.of()).run(false, null, null);
        assertNull(cluster.failure());
        assertTrue(cluster.redisVersion().matches("\\d+\\.\\d+\\.\\d+"), cluster::toString);
        assertEquals(List.of("node a", "node b", "redis", "generator"),
                cluster.processes().stream().map(Results.ClusterProcess::name).toList());
        cluster.processes().forEach(process -> assertFalse(process.cpus().isBlank(), process::toString));

        for (int nodes = 1; nodes <= 2; nodes++) {
            Results.ClusterRate joins = cluster.rate(ClusterScenario.JOINS, nodes);
            assertTrue(joins.done() > 0 && joins.failed() == 0 && joins.perSecond() > 0, joins::toString);
            // RESERVE and JOIN; and with two nodes a SNAPSHOT (one GET) when a node's first user of a room arrives
            // while the other node's are joining: the node sees the room's numbers jump before its JOIN answers.
            Map<String, Long> calls = joins.redis().callsByCommand();
            assertEquals(2 * joins.done(), calls.get("evalsha") - calls.getOrDefault("get", 0L), joins::toString);
            assertTrue(joins.redis().callsByCommand().getOrDefault("spublish", 0L) >= joins.done(), joins::toString);
            assertEquals(1.0, joins.leaves().scriptsPerOperation(), 0.01, "LEAVE: " + joins.leaves());
            assertEquals(4, joins.processes().size());
            assertTrue(joins.cpu().serverCores() > 0, joins::toString);
        }

        Results.ClusterRate oneNode = cluster.rate(ClusterScenario.SIGNALS, 1);
        assertTrue(oneNode.done() > 0 && oneNode.perSecond() > 0, oneNode::toString);
        assertEquals(0.0, oneNode.crossNodeShare(), 1e-9, "on one node every signal is handed over in its process");
        assertEquals(0, oneNode.redis().published(), oneNode::toString);

        Results.ClusterRate twoNodes = cluster.rate(ClusterScenario.SIGNALS, 2);
        assertTrue(twoNodes.done() > 0 && twoNodes.perSecond() > 0, twoNodes::toString);
        assertEquals(1.0, twoNodes.crossNodeShare(), 1e-9, "every signal goes to a user on the other node");
        assertEquals(twoNodes.redis().operations(), twoNodes.redis().published(), "one SPUBLISH a signal");
        assertTrue(twoNodes.redis().bytesOutPerOperation() > 200, "a signal of 200 bytes or more, to one node: "
                + twoNodes.redis());
        assertNotNull(twoNodes.redis().fanOut());
        assertEquals(1.0, twoNodes.redis().fanOut(), 0.01,
                "both nodes have members in the room, but only the addressee's node receives the signal");

        Results.Hop hop = cluster.hop();
        assertTrue(hop.quietAfterSeconds() > 0 && hop.cpu().serverCores() >= 0, hop::toString);
        for (Results.HopLatency latency : List.of(hop.sameNode(), hop.otherNode())) {
            assertTrue(latency.messages() > 0 && latency.lost() == 0, latency::toString);
            assertTrue(latency.p50() > 0 && latency.p50() <= latency.p99() && latency.p99() <= latency.max(),
                    latency::toString);
        }

        Results.Report report = new Results.Report("2026-12-03T10:00:00Z", 60, null,
                new Results.Pinning(false, null, null, "test"), List.of(), null, List.of(), cluster);
        ReportWriter.write(report, directory.resolve("report"));
        String markdown = Files.readString(directory.resolve("report").resolve("report.md"));
        assertTrue(markdown.contains("## Cluster (step 4): what a hop through Redis costs"), markdown);
        assertTrue(markdown.contains("| Rate (per second) |"), markdown);
    }
}
