package dev.webrtcsteps.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The goals: each a ratio within one run, from the pinned pass. */
class GoalsTest {

    private static final Results.CpuUse SERVER_BOUND = new Results.CpuUse(8, 0.99, 0.6, List.of(1.0, 0.6), 0, "server");
    private static final Results.CpuUse GENERATOR_BOUND =
            new Results.CpuUse(8, 0.7, 0.98, List.of(0.7, 1.0), 0, "generator");

    @Test
    void everyGoalIsARatioFromTheMainPass() {
        Results.Pass pinned = new Results.Pass("pinned", true, List.of(
                server(Bench.STEP3, 15_000, SERVER_BOUND, 4.0, 90.0, 19_000, 6.0 * 1024),
                server(Bench.SOCKET_IO, 10_000, SERVER_BOUND, 6.0, 100.0, 19_000, null),
                server(Bench.WS_FLOOR, 16_000, GENERATOR_BOUND, 5.0, 80.0, 19_000, null)));
        Map<String, Results.Goal> goals = Bench.goals(pinned, new Results.BrowserResults(List.of(
                new Results.BrowserTiming("firefox", "step1", 3, 100, 110, List.of()),
                new Results.BrowserTiming("firefox", "step3", 3, 160, 170, List.of())), List.of(), List.of(), null))
                .stream()
                .collect(Collectors.toMap(Results.Goal::name, Function.identity()));

        Results.Goal capacity = goals.get("Capacity");
        assertEquals(0.6, capacity.ratio(), 1e-9);
        assertTrue(capacity.met());

        Results.Goal throughput = goals.get("Relay throughput per core");
        assertEquals(1.5, throughput.ratio(), 1e-9);
        assertTrue(throughput.met(), throughput::toString);
        assertTrue(throughput.target().contains("one core each"), throughput::toString);

        Results.Goal floor = goals.get("Relay throughput against the floor");
        assertEquals(15_000 / 16_000.0, floor.ratio(), 1e-9);
        assertFalse(floor.met());
        // The floor's figure was the generator's, and the goal says so.
        assertTrue(floor.note().contains("ws floor's figure is not the server's alone: limited by generator"),
                floor::toString);

        Results.Goal latency = goals.get("Relay latency");
        assertEquals(0.8, latency.ratio(), 1e-9);
        assertTrue(latency.met());

        Results.Goal join = goals.get("Join latency");
        assertEquals(0.9, join.ratio(), 1e-9);
        assertTrue(join.met());

        Results.Goal browser = goals.get("Browser setup (firefox)");
        assertEquals(1.6, browser.ratio(), 1e-9);
        assertFalse(browser.met());
    }

    @Test
    void heapOverTheBudgetOrTooFewUsersMissesCapacity() {
        Results.Goal heavy = Bench.goals(new Results.Pass("pinned", true, List.of(
                server(Bench.STEP3, 1, SERVER_BOUND, 1, 1, 19_000, 12.0 * 1024))), null).get(0);
        assertEquals(1.2, heavy.ratio(), 1e-9);
        assertFalse(heavy.met());
        Results.Goal few = Bench.goals(new Results.Pass("pinned", true, List.of(
                server(Bench.STEP3, 1, SERVER_BOUND, 1, 1, 2_000, 5.0 * 1024))), null).get(0);
        assertFalse(few.met());
        assertEquals("17,000 users short", few.note());
    }

    private static Results.ServerResults server(String name, double saturation, Results.CpuUse cpu, double p99AtHalf,
            double joinP99, int held, Double heapPerUser) {
        return new Results.ServerResults(name, "command", null, new Results.Affinity("0", "1"),
                new Results.Capacity(19_000, held, 50, 0, 40, List.of(), 0, 0, 0, null, null, heapPerUser, "1"),
                new Results.Join(2_000, 200, 50, "lean", 0, 2, joinP99, joinP99 * 2, null),
                new Results.Relay(100, 10, "lean", 6, List.of(), saturation, cpu, List.of(
                        new Results.LoadPoint(0.5, saturation / 2, saturation / 2, 1, 0, 1, p99AtHalf, p99AtHalf))));
    }
}
