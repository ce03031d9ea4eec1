package dev.webrtcsteps.step4;

import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.step3.Signaling;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@code GET /metrics} reports, in Prometheus' text format: this node's users and rooms, joins, signals
 * relayed (here, to and from other nodes), refusals by code, Redis' round-trip time and how many nodes are alive.
 * Every series carries the label {@code node}.
 */
final class NodeMetrics {

    private static final String RELAYED = "Signals relayed: to a member here, published for a member on another node, "
            + "or from another node to a member here";
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Counter relayedToOtherNodes;
    final Counter relayedFromOtherNodes;
    final Counter droppedFromOtherNodes;
    final Counter refusedForNow;
    private final Timer redisRoundTrip;
    private final AtomicInteger nodes = new AtomicInteger(1);

    NodeMetrics(String node) {
        registry.config().commonTags("node", node);
        relayedToOtherNodes = relayed("to_other_node");
        relayedFromOtherNodes = relayed("from_other_node");
        droppedFromOtherNodes = Counter.builder("signaling.dropped").tag("from", "other_node")
                .description("Signals from another node whose addressee was gone or not reading").register(registry);
        refusedForNow = Counter.builder("signaling.refused.unavailable")
                .description("Connections refused because Redis did not answer").register(registry);
        redisRoundTrip = Timer.builder("redis.round.trip").description("Heartbeat script round trips to Redis")
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("cluster.nodes", nodes, AtomicInteger::get).description("Nodes alive in the cluster").register(registry);
    }

    private Counter relayed(String where) {
        return Counter.builder("signaling.relayed").tag("where", where).description(RELAYED).register(registry);
    }

    /** The hub's own counts: users, rooms, joins, signals relayed here, and the step-3 error counters by code. */
    void watch(Signaling hub) {
        FunctionCounter.builder("signaling.joins", hub, watched -> watched.stats().joined())
                .description("Newcomers admitted on this node").register(registry);
        // Every signal the hub relayed, but those it published for another node: handed over here.
        FunctionCounter.builder("signaling.relayed", hub, watched -> watched.stats().relayed() - relayedToOtherNodes.count())
                .tag("where", "here").description(RELAYED).register(registry);
        Gauge.builder("signaling.users", hub, Signaling::users).description("Users on this node").register(registry);
        Gauge.builder("signaling.rooms", hub, Signaling::rooms).description("Rooms with users on this node").register(registry);
        Gauge.builder("signaling.resumable", hub, Signaling::resumable)
                .description("Users whose connection dropped and who may come back").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            FunctionCounter.builder("signaling.refusals", hub, watched -> watched.stats().errorsByCode().get(code.wireName()))
                    .tag("code", code.wireName()).description("Errors sent to clients, by code").register(registry);
        }
    }

    void redisRoundTrip(long nanos) {
        redisRoundTrip.record(Duration.ofNanos(nanos));
    }

    void nodes(int alive) {
        nodes.set(alive);
    }

    String scrape() {
        return registry.scrape();
    }
}
