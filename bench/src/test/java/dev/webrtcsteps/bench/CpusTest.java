package dev.webrtcsteps.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the bench reads from /proc, and how it tells which process limited a measurement. */
class CpusTest {

    private static final List<Integer> CPU0 = List.of(0);
    private static final List<Integer> CPU1 = List.of(1);
    private static final List<Integer> BOTH = List.of(0, 1);

    @Test
    void cpuListsAsTasksetAndProcWriteThem() {
        assertEquals(List.of(0), Cpus.parseList("0"));
        assertEquals(List.of(0, 1, 2, 5), Cpus.parseList("0-2,5"));
        assertTrue(Cpus.allowedToThisProcess().size() >= 1);
    }

    @Test
    void thisProcessUsesCpuTime() {
        long self = ProcessHandle.current().pid();
        double before = Cpus.cpuSeconds(self);
        long end = System.nanoTime() + 200_000_000L;
        long spin = 0;
        while (System.nanoTime() < end) {
            spin++;
        }
        assertTrue(Cpus.cpuSeconds(self) > before, "spun " + spin + " times without CPU time");
        assertEquals(Cpus.allowedToThisProcess(), Cpus.parseList(Cpus.affinity(self)), "every thread where the process is");
    }

    @Test
    void pinnedTheBottleneckIsWhoeverFilledItsCpu() {
        assertEquals("server", Cpus.limitedBy(0.99, CPU0, 0.62, CPU1, List.of(1.0, 0.65)));
        assertEquals("generator", Cpus.limitedBy(0.70, CPU0, 0.97, CPU1, List.of(0.72, 1.0)));
        assertEquals("server and generator", Cpus.limitedBy(0.95, CPU0, 0.95, CPU1, List.of(1.0, 1.0)));
        // A CPU full of someone else's work: neither of ours filled it.
        assertEquals("other load on the server's CPU 0", Cpus.limitedBy(0.55, CPU0, 0.3, CPU1, List.of(0.99, 0.5)));
        assertEquals("other load on the generator's CPU 1", Cpus.limitedBy(0.55, CPU0, 0.3, CPU1, List.of(0.6, 0.98)));
        assertEquals("neither CPU full", Cpus.limitedBy(0.5, CPU0, 0.3, CPU1, List.of(0.5, 0.3)));
    }

    @Test
    void sharedOnlyAllCpusBusyCanBeTold() {
        assertEquals("server and generator together (CPUs shared)", Cpus.limitedBy(1.2, BOTH, 0.7, BOTH, List.of(0.96, 0.96)));
        assertEquals("other load on CPUs 0,1", Cpus.limitedBy(0.6, BOTH, 0.4, BOTH, List.of(0.95, 0.95)));
        assertEquals("neither CPU full", Cpus.limitedBy(0.6, BOTH, 0.4, BOTH, List.of(0.5, 0.5)));
        assertEquals("generator", Cpus.limitedBy(null, List.of(), 0.95, CPU1, List.of(0.1, 1.0)));
    }
}
