package dev.webrtcsteps.bench;

import java.util.List;

/**
 * Every number the benchmark measures; written as report.json and rendered as report.md and the charts.
 * Times are in milliseconds, memory in bytes, rates per second.
 */
public final class Results {

    private Results() {
    }

    /**
     * The whole run. {@code passes}: the pinned pass first (the main figures, and the goals'), then the unpinned
     * one; a single unpinned pass when pinning was not possible ({@code pinning} says why).
     */
    public record Report(String startedAt, double durationSeconds, Machine machine, Pinning pinning,
            List<Pass> passes, BrowserResults browser, List<Goal> goals) {

        /** The pass the goals are measured on: the pinned one if there was one. */
        public Pass mainPass() {
            return passes == null || passes.isEmpty() ? null : passes.get(0);
        }
    }

    /**
     * How the run shared the machine's CPUs: whether the servers and the load generator were pinned to CPUs of
     * their own ({@code serverCpus} and {@code generatorCpus}, as given to taskset), and if not, why.
     */
    public record Pinning(boolean applied, String serverCpus, String generatorCpus, String note) {
    }

    /**
     * The join and relay scenarios (and, in the first pass, capacity) for every server, with the CPUs shared one
     * way: pinned (each server on one CPU, the load generator on another) or not (both on every CPU).
     */
    public record Pass(String name, boolean pinned, List<ServerResults> servers) {
    }

    /** Where it ran. */
    public record Machine(String os, int cores, long memoryBytes, String java, String node, String socketIo,
            long openFilesLimit) {
    }

    /**
     * One server under test ("step3", "socket.io" or "ws floor"), through the same scenarios. {@code gc}: the
     * garbage collector its JVM chose (null for Node), since a JVM on one CPU picks another than on two.
     */
    public record ServerResults(String server, String command, String gc, Affinity affinity, Capacity capacity,
            Join join, Relay relay) {
    }

    /**
     * The CPUs each process could run on, as read back from /proc (Cpus_allowed_list of every thread) while the
     * scenarios ran: the server's, and the load generator's (the bench's own JVM).
     */
    public record Affinity(String server, String generator) {
    }

    /**
     * Scenario 1: users connected in rooms of {@code roomSize}, up to {@code target}; memory sampled as they
     * arrive. {@code heap*} are after a full GC, and only for the Java server (null for socket.io).
     * {@code generatorCpus}: the CPUs the generator processes ({@link HoldUsers}) could run on, read back.
     */
    public record Capacity(int target, int held, int roomSize, int failures, double secondsToConnect,
            List<MemoryPoint> memory, long rssBaseline, long rssAtPeak, double rssPerUser,
            Long heapBaseline, Long heapAtPeak, Double heapPerUser, String generatorCpus) {
    }

    public record MemoryPoint(int users, long rss, Long heapAfterGc) {
    }

    /**
     * Scenario 2: time from opening the connection to the welcome, at a steady join rate; {@code client}: what the
     * simulated users ran on (as for {@link Relay}); {@code cpu}: what the server and the load generator used from
     * the first measured join to the last welcome.
     */
    public record Join(int joins, double ratePerSecond, int roomSize, String client, int failures, double p50,
            double p99, double max, CpuUse cpu) {
    }

    /**
     * Scenario 3: signals per second through the server at saturation, and latency (send to receipt, from the
     * time each signal was due, so a stalled server cannot hide its delay) at fractions of that rate.
     * {@code client}: what the simulated users ran on ("lean": {@link LeanClients}; "java.net.http");
     * {@code warmUpSeconds}: how long they saturated the server before it was measured, until its rate stopped
     * rising, and {@code warmUpRates} its rate in each window of that; {@code atSaturation}: the CPU the server and
     * the load generator used while the saturation rate was measured.
     */
    public record Relay(int users, int roomSize, String client, double warmUpSeconds, List<Double> warmUpRates,
            double saturationPerSecond, CpuUse atSaturation, List<LoadPoint> latencyByLoad) {

        /** The point measured at half of the saturation rate. */
        public LoadPoint atHalf() {
            return latencyByLoad.stream().filter(point -> point.fraction() == 0.5).findFirst().orElse(null);
        }
    }

    /**
     * CPU used over {@code seconds} of wall time, in cores (CPU seconds per second, all threads, from
     * /proc/PID/stat): by the server (null if not measured) and by the load generator. {@code busyByCpu}: how busy
     * each CPU of the machine was (cpu0, cpu1, ...; 0 to 1), by anything; {@code otherCores}: what of that, on the
     * CPUs server and generator could use, was neither of them nor interrupts (other processes, a hypervisor's
     * steal). {@code limitedBy}: what the bottleneck was, as far as these figures tell ("server", "generator",
     * "other load on ...", "neither CPU full", ...).
     */
    public record CpuUse(double seconds, Double serverCores, double generatorCores, List<Double> busyByCpu,
            double otherCores, String limitedBy) {
    }

    public record LoadPoint(double fraction, double targetPerSecond, double achievedPerSecond, long messages,
            long lost, double p50, double p99, double max) {
    }

    /**
     * Scenario 4: from "click" to "data channel open" in real browsers; {@code failure}: why it could not be
     * measured (null if it was), so that a missing browser costs the run its browser figures, not all the others.
     */
    public record BrowserResults(List<BrowserTiming> timings, String failure) {
    }

    /** {@code page}: "step1" (both peers in one page, the lower bound) or "step3" (two pages, through the server). */
    public record BrowserTiming(String browser, String page, int runs, double median, double p90, List<Double> samples) {
    }

    /**
     * A goal from the issue, and whether this run met it. {@code ratio}: the measured figure over what it is held
     * against (the other server's, or the goal's limit), which {@code target} states the bound for.
     */
    public record Goal(String name, String target, String measured, Double ratio, boolean met, String note) {
    }
}
