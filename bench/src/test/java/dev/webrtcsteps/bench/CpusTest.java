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
    private static final List<Double> NO_INTERRUPTS = List.of(0.0, 0.0);

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
        assertEquals("server", limitedBy(0.99, CPU0, 0.62, CPU1, List.of(1.0, 0.65), NO_INTERRUPTS));
        assertEquals("generator", limitedBy(0.70, CPU0, 0.97, CPU1, List.of(0.72, 1.0), NO_INTERRUPTS));
        // Both full: the server could not have gone faster.
        assertEquals("server", limitedBy(0.95, CPU0, 0.95, CPU1, List.of(1.0, 1.0), NO_INTERRUPTS));
        // The kernel's network work for the server, in interrupts, fills the rest of its CPU.
        assertEquals("server", limitedBy(0.84, CPU0, 0.5, CPU1, List.of(0.97, 0.6), List.of(0.1, 0.05)));
        // A CPU full of someone else's work: neither of ours filled it.
        assertEquals("other load on the server's CPU 0", limitedBy(0.55, CPU0, 0.3, CPU1, List.of(0.99, 0.5), NO_INTERRUPTS));
        assertEquals("other load on the generator's CPU 1", limitedBy(0.55, CPU0, 0.3, CPU1, List.of(0.6, 0.98), NO_INTERRUPTS));
        assertEquals("neither CPU full", limitedBy(0.5, CPU0, 0.3, CPU1, List.of(0.5, 0.3), NO_INTERRUPTS));
        // Others used what was busy beyond server, generator and interrupts: 0.44 on CPU 0, 0.08 on CPU 1.
        assertEquals(0.52, new Cpus.Load(0.55, CPU0, 0.3, CPU1, List.of(0.99, 0.4), List.of(0.0, 0.02)).otherCores(), 1e-9);
    }

    @Test
    void sharedOnlyAllCpusBusyCanBeTold() {
        assertEquals("server and generator together (CPUs shared)",
                limitedBy(1.2, BOTH, 0.7, BOTH, List.of(0.96, 0.96), NO_INTERRUPTS));
        assertEquals("other load on CPUs 0,1", limitedBy(0.6, BOTH, 0.4, BOTH, List.of(0.95, 0.95), NO_INTERRUPTS));
        assertEquals("neither CPU full", limitedBy(0.6, BOTH, 0.4, BOTH, List.of(0.5, 0.5), NO_INTERRUPTS));
        assertEquals("generator", limitedBy(null, List.of(), 0.95, CPU1, List.of(0.1, 1.0), NO_INTERRUPTS));
    }

    private static String limitedBy(Double server, List<Integer> serverCpus, double generator, List<Integer> generatorCpus,
            List<Double> busy, List<Double> interrupts) {
        return new Cpus.Load(server, serverCpus, generator, generatorCpus, busy, interrupts).limitedBy();
    }
}
