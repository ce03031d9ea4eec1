package dev.webrtcsteps.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load generator, small and fast, against step 3's real server in a process of its own: every scenario
 * runs, and its numbers add up. The benchmark itself is not part of the test command (docs/performance.md).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadGeneratorSmokeTest {

    private static ServerUnderTest server;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerUnderTest.step3(Bench.freePort(), Path.of("target", "smoke-server.log"));
    }

    @org.junit.jupiter.api.AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void joinsAreAllWelcomedAndTimed() {
        joinOn(Clients.LEAN);
    }

    @Test
    void joinsAreAllWelcomedOnJavaNetHttpToo() {
        joinOn(Clients.JAVA_NET_HTTP);
    }

    private static void joinOn(String client) {
        Results.Join join = new JoinScenario(100, 200, 10, client).run(server);
        assertEquals(client, join.client());
        assertEquals(0, join.failures());
        assertTrue(join.p50() > 0 && join.p50() <= join.p99() && join.p99() <= join.max(), join::toString);
        assertTrue(join.cpu().serverCores() > 0 && join.cpu().generatorCores() > 0, join::toString);
    }

    @Test
    void relayedSignalsAreAllDeliveredAndTimed() {
        relayOn(Clients.LEAN);
    }

    /** The relay's users on java.net.http, as the join and capacity scenarios' are: the bench can compare both. */
    @Test
    void relayedSignalsAreAllDeliveredOnJavaNetHttpToo() {
        relayOn(Clients.JAVA_NET_HTTP);
    }

    private static void relayOn(String client) {
        Results.Relay relay = new RelayScenario(10, 5, 0.5, 50, client).run(server);
        assertEquals(client, relay.client());
        assertTrue(relay.saturationPerSecond() > 0, relay::toString);
        // The CPU both sides used at saturation, and what limited it, are measured.
        Results.CpuUse cpu = relay.atSaturation();
        assertTrue(cpu.seconds() > 0 && cpu.serverCores() > 0 && cpu.generatorCores() > 0, cpu::toString);
        assertEquals(Runtime.getRuntime().availableProcessors(), cpu.busyByCpu().size(), cpu::toString);
        assertFalse(cpu.limitedBy().isBlank(), cpu::toString);
        assertEquals(3, relay.latencyByLoad().size());
        for (Results.LoadPoint point : relay.latencyByLoad()) {
            assertEquals(0, point.lost(), point::toString);
            assertTrue(point.messages() > 0 && point.p50() > 0 && point.p50() <= point.max(), point::toString);
        }
    }

    @Test
    void generatorProcessesHoldEveryUserAndMemoryIsSampled() throws Exception {
        Results.Capacity capacity = new CapacityScenario(200, 50, 2, 400).run(server);
        assertEquals(200, capacity.held());
        assertEquals(0, capacity.failures());
        assertTrue(capacity.memory().size() >= 3, capacity::toString);
        assertTrue(capacity.heapAtPeak() > 0 && capacity.rssAtPeak() > 0, capacity::toString);
        assertFalse(capacity.generatorCpus().isBlank(), capacity::toString);
    }

    /** The bench's pinning: a server started behind taskset runs, every thread of it, where it was put. */
    @Test
    void aServerStartedPinnedRunsOnItsCpuOnly() throws Exception {
        List<Integer> cpus = Cpus.allowedToThisProcess();
        assumeTrue(cpus.size() >= 2 && Cpus.tasksetAvailable(), "needs two CPUs and taskset");
        String last = String.valueOf(cpus.get(cpus.size() - 1));
        try (ServerUnderTest pinned = ServerUnderTest.step3(Bench.freePort(), Path.of("target", "smoke-pinned.log"),
                Cpus.pinned(last))) {
            assertEquals(last, Cpus.affinity(pinned.pid()));
            assertTrue(pinned.command.contains("taskset -c " + last + " java"), pinned.command);
            assertEquals("Serial", pinned.gc(), "a JVM on one CPU picks the Serial collector");
            assertTrue(pinned.heapAfterGc() > 0, "the heap is read from either collector's GC.heap_info");
        }
    }
}
