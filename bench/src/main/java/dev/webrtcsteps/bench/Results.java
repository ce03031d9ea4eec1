package dev.webrtcsteps.bench;

import java.util.List;
import java.util.Map;

/**
 * Every number the benchmark measures; written as report.json and rendered as report.md and the charts.
 * Times are in milliseconds, memory in bytes, rates per second.
 */
public final class Results {

    private Results() {
    }

    /**
     * The whole run. {@code passes}: the pinned pass first (the main figures, and the goals'), then the unpinned
     * one; a single unpinned pass when pinning was not possible ({@code pinning} says why); none when only the
     * cluster scenario ran. {@code cluster}: step 4's nodes through Redis, null when it did not run.
     */
    public record Report(String startedAt, double durationSeconds, Machine machine, Pinning pinning,
            List<Pass> passes, BrowserResults browser, List<Goal> goals, Cluster cluster) {

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
     * Scenario 4: from "click" to "data channel open" in real browsers, and files sent between them, each pair held
     * against the {@code references} of its browsers; {@code failure}: why setup times could not be measured (null
     * if they all were), for the whole scenario or one browser, so that a missing browser costs the run its own
     * figures, not all the others.
     */
    public record BrowserResults(List<BrowserTiming> timings, List<ChannelReference> references,
            List<FileTransfer> transfers, String failure) {
    }

    /** {@code page}: "step1" (both peers in one page, the lower bound) or "step3" (two pages, through the server). */
    public record BrowserTiming(String browser, String page, int runs, double median, double p90, List<Double> samples) {
    }

    /**
     * A file of {@code bytes} (random) sent peer to peer in step 3's page from a page in the {@code sender} browser
     * to one in the {@code receiver} browser: {@code megabytesPerSecond}, each run's rate in MB/s (MB = 10^6 bytes),
     * from the sender choosing the file to its page saying "done", once the receiver had checked the SHA-256;
     * {@code runs} of them, their {@code median} and {@code best} (null if none). {@code failure}: why the pair
     * stopped short of the runs asked for (null if it did not). {@code referenceBrowser}: the one of the two whose
     * {@link ChannelReference} was slower, and {@code ratioToReference} the median over that reference's median
     * (null if either is missing): what step 3's page makes of what the browsers can do, whatever the machine.
     */
    public record FileTransfer(String sender, String receiver, long bytes, int runs, Double median, Double best,
            List<Double> megabytesPerSecond, String failure, String referenceBrowser, Double ratioToReference) {
    }

    /**
     * What one browser's data channels manage on this machine with no app code: {@code bytes} from memory, sent
     * as step 3's page sends a file (same chunks, same backpressure) between two RTCPeerConnections in one page,
     * received and only counted. Each run's rate in MB/s, from the first send to the last byte received; their
     * {@code median} and {@code best} (null if none); {@code failure} as for {@link FileTransfer}.
     */
    public record ChannelReference(String browser, long bytes, int runs, Double median, Double best,
            List<Double> megabytesPerSecond, String failure) {
    }

    /**
     * A goal from the issue, and whether this run met it. {@code ratio}: the measured figure over what it is held
     * against (the other server's, or the goal's limit), which {@code target} states the bound for.
     */
    public record Goal(String name, String target, String measured, Double ratio, boolean met, String note) {
    }

    /**
     * Scenario 5: step 4's nodes sharing one Redis ({@link ClusterScenario}). {@code pinned}: the nodes and Redis
     * ran on {@code serverCpus}, the load generator on {@code generatorCpus}; {@code processes}: each, with the CPUs
     * read back. {@code hop}: a signal's latency to a user on the same node and on the other node, at a light rate;
     * {@code rates}: joins and signals per second with one node and with two (in that order: joins 1, joins 2,
     * signals 1, signals 2), each with the CPU every process used and what Redis did. {@code relayWarmUpOneNode} and
     * {@code relayWarmUpTwoNodes}: the saturation rate in each warm-up window, one node and two nodes taking turns
     * for {@code warmUpSeconds} in all; {@code warmUpSettled}: whether both rates had stopped rising by then (false:
     * it stopped at its limit). {@code failure}: why it could not be measured (null if it was).
     */
    public record Cluster(boolean pinned, String serverCpus, String generatorCpus, String redisVersion,
            List<ClusterProcess> processes, double warmUpSeconds, boolean warmUpSettled, List<Double> relayWarmUpOneNode,
            List<Double> relayWarmUpTwoNodes, Hop hop, List<ClusterRate> rates, String failure) {

        /** The rate measured for {@code what} ("joins", "signals") with {@code nodes} nodes, or null. */
        public ClusterRate rate(String what, int nodes) {
            return rates == null ? null : rates.stream().filter(r -> r != null && r.what().equals(what)
                    && r.nodes() == nodes).findFirst().orElse(null);
        }
    }

    /** A process of the cluster scenario ("node a", "node b", "redis", "generator"): how it was started, its CPUs. */
    public record ClusterProcess(String name, String command, String cpus, String gc) {
    }

    /**
     * Signals at {@code perSecond} in all, for {@code seconds}, alternating between {@code pairs} pairs of users
     * on one node and as many pairs split over the two nodes: {@code sameNode} is handed over in the node's
     * process, {@code otherNode} goes through Redis (one SPUBLISH) and the addressee's node. Before, the same
     * signals for {@code quietAfterSeconds}, until the nodes and Redis used little CPU (their JIT compilers done);
     * {@code cpu}: what they used while it was measured (the nodes and Redis as the server).
     */
    public record Hop(double perSecond, int pairs, double seconds, double quietAfterSeconds, CpuUse cpu,
            HopLatency sameNode, HopLatency otherNode) {
    }

    /** One-way latency, send to receipt on the load generator's clock, timed from when each signal was due. */
    public record HopLatency(long messages, long lost, double p50, double p90, double p99, double max) {
    }

    /**
     * {@code what} ("joins" or "signals") per second through {@code nodes} nodes (users spread evenly over them), in
     * a closed loop of {@code inFlight} at a time for {@code seconds}: {@code done} of them ({@code failed} not),
     * {@code perSecond}. {@code crossNodeShare}: the part of the signals that went to another node (from the nodes'
     * metrics; null for joins). {@code processes}: the CPU each process used meanwhile ({@code cpu}: the nodes and
     * Redis together as the server). {@code redis}: what Redis did for them; {@code leaves}: for the same users
     * leaving afterwards (joins only).
     */
    public record ClusterRate(String what, int nodes, int users, int roomSize, int inFlight,
            double seconds, long done, long failed, double perSecond, Double crossNodeShare, List<ProcessCpu> processes,
            CpuUse cpu, RedisUse redis, RedisUse leaves) {
    }

    /** The cores a process used, and its CPU time per operation (join or signal) in microseconds. */
    public record ProcessCpu(String name, double cores, double microsPerOperation) {
    }

    /**
     * What Redis did for {@code operations} joins, leaves or signals, from {@code INFO commandstats} before and
     * after: {@code callsByCommand}, commands run inside Lua scripts included, less the nodes' {@code heartbeats}
     * meanwhile (one script of five commands each, taken out); {@code calls} in all and {@code scripts} (EVALSHA,
     * EVAL), each also per operation. {@code published}: SPUBLISH calls; {@code delivered}: the messages the nodes
     * (their metrics) received from Redis for signals, and {@code fanOut} = delivered / published (one: each signal
     * goes on its addressee's node's own channel), for signals only.
     * {@code redisMicrosPerOperation}: Redis's own CPU time (from /proc) per operation; {@code bytesInPerOperation}
     * and {@code bytesOutPerOperation}: what Redis read from and wrote to its clients per operation ({@code INFO
     * stats}, the bench's own INFO answers included, a few KiB per phase).
     */
    public record RedisUse(long operations, long heartbeats, Map<String, Long> callsByCommand, long calls, long scripts,
            double callsPerOperation, double scriptsPerOperation, long published, Long delivered, Double fanOut,
            double redisMicrosPerOperation, double bytesInPerOperation, double bytesOutPerOperation) {
    }
}
