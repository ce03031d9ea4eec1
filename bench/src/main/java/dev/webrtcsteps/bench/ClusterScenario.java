package dev.webrtcsteps.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Scenario 5: step 4's cluster, two nodes ({@code dev.webrtcsteps.step4.Step4App}, as processes of their own) and
 * one {@code redis-server}, against each other in one run (docs/step4-cluster.md):
 *
 * <ol>
 *   <li>Joins per second with one node and with two (every join runs two scripts in Redis), in a closed loop;
 *       then the same users leave.
 *   <li>Signals per second with one node (handed over in the node's process, Redis not involved) and with two,
 *       half the users on each and every signal for a user on the other node (one SPUBLISH on the addressee's
 *       node's own channel, which that node alone receives: a fan-out of one, which the nodes' metrics confirm), in
 *       a closed loop, after a warm-up until the rates stop rising.
 *   <li>The cost of the hop: at a light fixed rate, signals between two users on one node and between two users on
 *       different nodes, interleaved, their one-way latency on this process's clock; measured once the nodes and
 *       Redis are quiet at that rate (their JIT compilers, which share the nodes' CPU, done).
 * </ol>
 *
 * For each, the CPU every process used, and what Redis did ({@code INFO commandstats} before and after, divided by
 * the joins, leaves or signals done). The nodes and Redis are started behind {@code serverLauncher} (taskset, or
 * nothing); the caller puts this process, the load generator, where it should run.
 */
final class ClusterScenario {

    static final String JOINS = "joins";
    static final String SIGNALS = "signals";
    /** What one heartbeat of a node runs in Redis: its script, and the five commands inside it. */
    private static final List<String> HEARTBEAT = List.of("evalsha", "time", "zscore", "zadd", "zrangebyscore", "zcount");
    /** Users one join phase may leave connected at most: the generator needs a file for each (20,000 here). */
    private static final int MAX_JOINS = 8_000;
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** The nodes and Redis count as quiet at the hop's light rate when together they use less than this. */
    private static final double QUIET_CORES = 0.1;

    /**
     * How much of each: {@code seconds} per measured phase; the relay's users (spread over rooms of
     * {@code relayRoomSize}) and signals in flight; the joins' rooms and joins in flight; the unmeasured joins
     * before them; the longest relay warm-up; and the hop's pairs (of each kind),
     * rate (both kinds together), length, and the longest wait for quiet before it.
     */
    record Sizes(double seconds, int relayUsers, int relayRoomSize, int signalsInFlight, int joinRoomSize,
            int joinsInFlight, int warmUpJoins, double warmUpMaxSeconds, int pairs, double hopPerSecond,
            double hopSeconds, double quietMaxSeconds) {

        /** The bench's: {@code seconds} (default 8, {@code -Dbench.clusterSeconds}) per measured phase. */
        static Sizes full(double seconds) {
            return new Sizes(seconds, 100, 10, 1_000, 50, 50, 2_000, 7 * seconds, 50, 500, 1.5 * seconds,
                    2.5 * seconds);
        }

        static Sizes fromProperties() {
            return full(Bench.doubleProperty("bench.clusterSeconds", 8));
        }
    }

    private final Sizes sizes;
    private final Path logs;
    private final List<String> serverLauncher;
    private final long runId = System.nanoTime();
    private int phase;
    private RedisServer redis;
    private ServerUnderTest a;
    private ServerUnderTest b;
    private List<Long> serverPids;

    /** {@code logs}: where the nodes' and Redis's logs go. */
    ClusterScenario(Sizes sizes, Path logs, List<String> serverLauncher) {
        this.sizes = sizes;
        this.logs = logs;
        this.serverLauncher = serverLauncher;
    }

    /**
     * Runs it all. {@code pinned}, {@code serverCpus}, {@code generatorCpus}: how the caller placed the processes,
     * for the report (the CPUs each could use are read back besides).
     */
    Results.Cluster run(boolean pinned, String serverCpus, String generatorCpus) throws IOException {
        List<Results.ClusterRate> rates = new ArrayList<>();
        redis = RedisServer.start(Bench.freePort(), serverLauncher, logs.resolve("cluster-redis"));
        try {
            a = ServerUnderTest.step4Node("a", Bench.freePort(), logs.resolve("cluster-node-a.log"), serverLauncher,
                    redis.url());
            b = ServerUnderTest.step4Node("b", Bench.freePort(), logs.resolve("cluster-node-b.log"), serverLauncher,
                    redis.url());
            serverPids = List.of(a.pid(), b.pid(), redis.pid());
            List<Results.ClusterProcess> processes = List.of(
                    new Results.ClusterProcess(a.name, a.command, Cpus.affinity(a.pid()), a.gc()),
                    new Results.ClusterProcess(b.name, b.command, Cpus.affinity(b.pid()), b.gc()),
                    new Results.ClusterProcess("redis", redis.command, Cpus.affinity(redis.pid()), null),
                    new Results.ClusterProcess("generator", "the bench's own JVM",
                            Cpus.affinity(ProcessHandle.current().pid()), null));
            System.out.println("  cluster: " + processes.stream().map(p -> p.name() + " on CPUs " + p.cpus()).toList());

            System.out.println("  cluster joins: " + sizes.warmUpJoins() + " unmeasured first, on both nodes");
            joins(List.of(a, b), sizes.warmUpJoins(), false);
            rates.add(joins(List.of(a), 0, true));
            rates.add(joins(List.of(a, b), 0, true));

            Results.Hop hop;
            WarmUp warmUp;
            double warmUpSeconds;
            try (Clients clients = new Clients(Clients.LEAN)) {
                Arrivals oneNodeArrivals = new Arrivals();
                Arrivals twoNodeArrivals = new Arrivals();
                List<Sender> oneNode = relayUsers(clients, List.of(a), oneNodeArrivals);
                List<Sender> twoNodes = relayUsers(clients, List.of(a, b), twoNodeArrivals);
                long started = System.nanoTime();
                warmUp = warmUp(oneNode, oneNodeArrivals, twoNodes, twoNodeArrivals);
                warmUpSeconds = (System.nanoTime() - started) / 1e9;
                System.out.printf(Locale.ROOT, "  cluster relay warm-up (%.0f s, %s), signals/s, 1 node: %s; 2 nodes: %s%n",
                        warmUpSeconds, warmUp.settled() ? "settled" : "stopped at its limit", warmUp.oneNode(),
                        warmUp.twoNodes());
                rates.add(signals(oneNode, oneNodeArrivals, 1));
                rates.add(signals(twoNodes, twoNodeArrivals, 2));
                hop = hop(clients);
            }
            return new Results.Cluster(pinned, serverCpus, generatorCpus, redis.version(), processes, warmUpSeconds,
                    warmUp.settled(), warmUp.oneNode(), warmUp.twoNodes(), hop, rates, null);
        } finally {
            for (AutoCloseable process : new AutoCloseable[] {b, a, redis}) {
                if (process != null) {
                    try {
                        process.close();
                    } catch (Exception ignored) {
                        // stopping anyway
                    }
                }
            }
        }
    }

    // ---- Joins ------------------------------------------------------------------------------------------------------

    /**
     * Users join {@code on} in turn, into rooms of {@code joinRoomSize}, {@code joinsInFlight} at a time: {@code count}
     * of them, or (0) as many as come in {@code seconds}; then they all leave, and the nodes and Redis settle. Measured:
     * the rate, the CPU, and what Redis did for the joins and for the leaves.
     */
    private Results.ClusterRate joins(List<ServerUnderTest> on, int count, boolean measured) {
        String prefix = "joins-" + runId + "-" + phase++ + "-";
        long settledUsers = usersOnNodes();
        Clients clients = new Clients(Clients.LEAN);
        boolean closed = false;
        try {
            Semaphore slots = new Semaphore(sizes.joinsInFlight());
            AtomicLong welcomed = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong lastDone = new AtomicLong();
            Snapshot before = snapshot();
            Cpus.Meter meter = new Cpus.Meter(serverPids);
            long start = System.nanoTime();
            lastDone.set(start);
            long until = start + (count > 0 ? TimeUnit.SECONDS.toNanos(120) : (long) (sizes.seconds() * 1e9));
            int started = 0;
            while (started < (count > 0 ? count : MAX_JOINS) && System.nanoTime() < until) {
                if (!acquire(slots, 1)) {
                    continue;
                }
                ServerUnderTest node = on.get(started % on.size());
                clients.join(BenchClient.Wire.STEP3, node.port, prefix + started / sizes.joinRoomSize(), "J" + started,
                        sentAt -> { }).orTimeout(30, TimeUnit.SECONDS).whenComplete((user, failure) -> {
                            (failure == null ? welcomed : failed).incrementAndGet();
                            lastDone.accumulateAndGet(System.nanoTime(), Math::max);
                            slots.release();
                        });
                started++;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!acquire(slots, sizes.joinsInFlight()) && System.nanoTime() < deadline) {
                // the last joins in flight
            }
            double seconds = (lastDone.get() - start) / 1e9;
            Cpus.Meter.Each cpu = meter.stopEach();
            if (!measured) {
                return null;
            }
            Snapshot after = snapshot();
            double perSecond = welcomed.get() / seconds;
            List<Results.ProcessCpu> processes = processCpu(cpu, perSecond);
            Results.RedisUse redisUse = redisUse(before, after, welcomed.get(), microsOf(processes, "redis"));

            Snapshot beforeLeaving = snapshot();
            double redisCpuBefore = Cpus.cpuSeconds(redis.pid());
            clients.close();
            closed = true;
            settle(settledUsers);
            double redisCpu = Cpus.cpuSeconds(redis.pid()) - redisCpuBefore;
            Results.RedisUse leaves = redisUse(beforeLeaving, snapshot(), welcomed.get(),
                    welcomed.get() == 0 ? 0 : redisCpu * 1e6 / welcomed.get());
            System.out.printf(Locale.ROOT, "  cluster joins, %d node%s: %.0f joins/s (%d in %.1f s, %d failed), %.1f Redis "
                    + "commands (%.1f scripts) a join, %.1f a leave; cores: %s; limited by %s%n", on.size(),
                    on.size() == 1 ? "" : "s", perSecond, welcomed.get(), seconds, failed.get(), redisUse.callsPerOperation(),
                    redisUse.scriptsPerOperation(), leaves.callsPerOperation(), cores(processes),
                    cpu.all().limitedBy());
            return new Results.ClusterRate(JOINS, on.size(), (int) welcomed.get(), sizes.joinRoomSize(),
                    sizes.joinsInFlight(), seconds, welcomed.get(), failed.get(), perSecond, null, processes, cpu.all(),
                    redisUse, leaves);
        } finally {
            if (!closed) {
                clients.close();
                settle(settledUsers);
            }
        }
    }

    /**
     * Waits until the users who left are gone: from the nodes (their {@code signaling_users}) and from Redis (its
     * count of users per node, which each leave lowers after its script), and Redis has nothing more to do for them.
     */
    private void settle(long users) {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        while (usersOnNodes() != users || redis.sumOfHash("{nodes}:users") != users) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the nodes did not let their users go within 60 s: "
                        + usersOnNodes() + " on the nodes, " + redis.sumOfHash("{nodes}:users") + " in Redis, "
                        + users + " expected");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        // A room's last leave is followed by SUNSUBSCRIBE and SREM: wait until Redis's counts of those stand still.
        Map<String, Long> last = null;
        for (int i = 0; i < 20; i++) {
            Map<String, Long> now = withoutHeartbeats(redis.commandCalls());
            if (now.equals(last)) {
                return;
            }
            last = now;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static Map<String, Long> withoutHeartbeats(Map<String, Long> calls) {
        Map<String, Long> rest = new HashMap<>(calls);
        HEARTBEAT.forEach(rest::remove);
        return rest;
    }

    private long usersOnNodes() {
        return (long) (metric(a.metrics(), "signaling_users", null) + metric(b.metrics(), "signaling_users", null));
    }

    // ---- Signals ----------------------------------------------------------------------------------------------------

    /** A simulated user and the peers it signals to. */
    private record Sender(SimulatedUser user, List<String> to) {
    }

    /** What a group of users receives: counted, timed, and (in a closed loop) each arrival lets one more signal go. */
    private static final class Arrivals implements LongConsumer {

        final AtomicLong received = new AtomicLong();
        final Recorder latencyMicros = new Recorder(TimeUnit.MINUTES.toMicros(1), 3);
        volatile Semaphore window;

        @Override
        public void accept(long sentAt) {
            latencyMicros.recordValue(Math.min(TimeUnit.MINUTES.toMicros(1), (System.nanoTime() - sentAt) / 1_000));
            received.incrementAndGet();
            Semaphore current = window;
            if (current != null) {
                current.release();
            }
        }
    }

    /**
     * {@code relayUsers} users in rooms of {@code relayRoomSize}, spread over {@code on} in turn, once presence has
     * settled; each signals to its room's peers on another node, or, on one node, to all of them.
     */
    private List<Sender> relayUsers(Clients clients, List<ServerUnderTest> on, Arrivals arrivals) {
        String prefix = "relay-" + runId + "-" + on.size() + "-";
        List<CompletableFuture<? extends SimulatedUser>> joins = new ArrayList<>();
        for (int i = 0; i < sizes.relayUsers(); i++) {
            joins.add(clients.join(BenchClient.Wire.STEP3, on.get(i % on.size()).port,
                    prefix + i / sizes.relayRoomSize(), "R" + i, arrivals).orTimeout(30, TimeUnit.SECONDS));
        }
        List<SimulatedUser> users = joins.stream().<SimulatedUser>map(CompletableFuture::join).toList();
        Map<String, Integer> nodeOf = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            nodeOf.put(users.get(i).id(), i % on.size());
        }
        awaitPresence(users, sizes.relayRoomSize() - 1);
        List<Sender> senders = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            int node = i % on.size();
            List<String> to = users.get(i).peers.stream()
                    .filter(peer -> on.size() == 1 || nodeOf.getOrDefault(peer, node) != node).toList();
            if (to.isEmpty()) {
                throw new IllegalStateException("a relay user has nobody to signal to: rooms too small");
            }
            senders.add(new Sender(users.get(i), to));
        }
        return senders;
    }

    private static void awaitPresence(List<SimulatedUser> users, int peers) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (users.stream().anyMatch(user -> user.peers.size() < peers)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("presence did not settle within 30 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /**
     * Both groups saturate in turn, in short windows, until neither rate rises any more (as {@link RelayScenario}
     * warms a server up): at least 10 s (or two phases), then until three windows of each in a row fail to beat its
     * best by 3%, at most {@code warmUpMaxSeconds}. Each JVM compiles its hot code as it runs.
     */
    /** Each group's rate in each window, and whether both had stopped rising. */
    private record WarmUp(List<Double> oneNode, List<Double> twoNodes, boolean settled) {
    }

    private WarmUp warmUp(List<Sender> oneNode, Arrivals oneNodeArrivals, List<Sender> twoNodes,
            Arrivals twoNodeArrivals) {
        long window = (long) Math.min(TimeUnit.SECONDS.toNanos(2), sizes.seconds() * 1e9 / 4);
        long least = (long) Math.min(TimeUnit.SECONDS.toNanos(10), 2 * sizes.seconds() * 1e9);
        long most = (long) (sizes.warmUpMaxSeconds() * 1e9);
        long start = System.nanoTime();
        List<List<Double>> rates = List.of(new ArrayList<>(), new ArrayList<>());
        double[] best = new double[2];
        int[] flat = new int[2];
        while (System.nanoTime() - start < most && (System.nanoTime() - start < least || flat[0] < 3 || flat[1] < 3)) {
            for (int group = 0; group < 2; group++) {
                Arrivals arrivals = group == 0 ? oneNodeArrivals : twoNodeArrivals;
                Window measured = saturate(group == 0 ? oneNode : twoNodes, arrivals, window);
                drain(arrivals, 0);
                flat[group] = measured.rate() > best[group] * 1.03 ? 0 : flat[group] + 1;
                best[group] = Math.max(best[group], measured.rate());
                rates.get(group).add(Math.rint(measured.rate()));
            }
        }
        return new WarmUp(rates.get(0), rates.get(1), flat[0] >= 3 && flat[1] >= 3);
    }

    /** Signals in a closed loop: how many were sent, how many of them arrived in the window, and its length. */
    private record Window(long sent, long received, double seconds) {

        double rate() {
            return received / seconds;
        }
    }

    private Window saturate(List<Sender> senders, Arrivals arrivals, long nanos) {
        Semaphore permits = new Semaphore(sizes.signalsInFlight());
        arrivals.window = permits;
        long sent = 0;
        long receivedBefore = arrivals.received.get();
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            if (acquire(permits, 1)) {
                sendOne(senders, System.nanoTime(), sent++);
            }
        }
        Window window = new Window(sent, arrivals.received.get() - receivedBefore, (System.nanoTime() - start) / 1e9);
        arrivals.window = null;
        return window;
    }

    private static void sendOne(List<Sender> senders, long sentAt, long sequence) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Sender from = senders.get(random.nextInt(senders.size()));
        from.user().signal(from.to().get(random.nextInt(from.to().size())), sentAt, sequence % 10 == 0);
    }

    /** Signals per second through {@code nodes} node(s), measured after the warm-up. */
    private Results.ClusterRate signals(List<Sender> senders, Arrivals arrivals, int nodes) {
        long receivedBefore = arrivals.received.get();
        Snapshot before = snapshot();
        Cpus.Meter meter = new Cpus.Meter(serverPids);
        Window window = saturate(senders, arrivals, (long) (sizes.seconds() * 1e9));
        Cpus.Meter.Each cpu = meter.stopEach();
        long lost = drain(arrivals, receivedBefore + window.sent());
        Snapshot after = snapshot();
        List<Results.ProcessCpu> processes = processCpu(cpu, window.rate());
        Results.RedisUse redisUse = redisUse(before, after, window.sent(), microsOf(processes, "redis"));
        double here = after.relayedHere() - before.relayedHere();
        double toOther = after.relayedToOtherNodes() - before.relayedToOtherNodes();
        Double crossNodeShare = here + toOther == 0 ? null : toOther / (here + toOther);
        System.out.printf(Locale.ROOT, "  cluster signals, %d node%s: %.0f signals/s (%d lost), %.0f%% to another node, "
                + "%.2f Redis commands a signal, fan-out %s; cores: %s; limited by %s%n", nodes, nodes == 1 ? "" : "s",
                window.rate(), lost,
                crossNodeShare == null ? 0 : crossNodeShare * 100, redisUse.callsPerOperation(),
                redisUse.fanOut() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", redisUse.fanOut()),
                cores(processes), cpu.all().limitedBy());
        return new Results.ClusterRate(SIGNALS, nodes, senders.size(), sizes.relayRoomSize(), sizes.signalsInFlight(),
                window.seconds(), window.received(), lost, window.rate(), crossNodeShare, processes, cpu.all(),
                redisUse, null);
    }

    /** Waits up to 5 s for {@code expected} arrivals in all (0: until arrivals stop); returns how many are missing. */
    private static long drain(Arrivals arrivals, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = arrivals.received.get();
            if ((expected > 0 && now >= expected) || (expected == 0 && now == last)) {
                break;
            }
            last = now;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(expected > 0 ? 10 : 100));
        }
        return Math.max(0, expected - arrivals.received.get());
    }

    // ---- The hop ----------------------------------------------------------------------------------------------------

    /**
     * Pairs of users alone in a room: {@code pairs} with both on one node (half of them on each node), as many with
     * one on each node. Signals at {@code hopPerSecond} in all, on a fixed schedule, every other one within a pair
     * of each kind, in a random direction; latency from when each was due to when it arrived.
     */
    private Results.Hop hop(Clients clients) {
        Arrivals sameNode = new Arrivals();
        Arrivals otherNode = new Arrivals();
        List<CompletableFuture<? extends SimulatedUser>> joins = new ArrayList<>();
        for (int k = 0; k < sizes.pairs(); k++) {
            ServerUnderTest node = k % 2 == 0 ? a : b;
            for (int member = 0; member < 2; member++) {
                joins.add(clients.join(BenchClient.Wire.STEP3, node.port, "hop-" + runId + "-same-" + k, "S" + member,
                        sameNode));
            }
            joins.add(clients.join(BenchClient.Wire.STEP3, a.port, "hop-" + runId + "-other-" + k, "O0", otherNode));
            joins.add(clients.join(BenchClient.Wire.STEP3, b.port, "hop-" + runId + "-other-" + k, "O1", otherNode));
        }
        List<SimulatedUser> users = joins.stream().map(join -> join.orTimeout(30, TimeUnit.SECONDS))
                .<SimulatedUser>map(CompletableFuture::join).toList();
        awaitPresence(users, 1);
        List<List<SimulatedUser>> same = new ArrayList<>();
        List<List<SimulatedUser>> other = new ArrayList<>();
        for (int k = 0; k < sizes.pairs(); k++) {
            same.add(users.subList(4 * k, 4 * k + 2));
            other.add(users.subList(4 * k + 2, 4 * k + 4));
        }
        // Unmeasured, at the same rate, until the nodes and Redis are quiet: on a CPU they share, a JIT compiler
        // still at work after the saturated phases stalls everything for tens of milliseconds at a time.
        long started = System.nanoTime();
        double window = Math.min(1, sizes.hopSeconds() / 2);
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() - started < sizes.quietMaxSeconds() * 1e9) {
            Cpus.Meter meter = new Cpus.Meter(serverPids);
            paced(same, sameNode, other, otherNode, window);
            quiet = meter.stop().serverCores() < QUIET_CORES ? quiet + 1 : 0;
        }
        double quietAfter = (System.nanoTime() - started) / 1e9;
        sameNode.latencyMicros.getIntervalHistogram();
        otherNode.latencyMicros.getIntervalHistogram();
        Cpus.Meter meter = new Cpus.Meter(serverPids);
        long[] expected = paced(same, sameNode, other, otherNode, sizes.hopSeconds());
        Results.CpuUse cpu = meter.stop();
        Results.HopLatency onSameNode = latency(sameNode, expected[0]);
        Results.HopLatency onOtherNode = latency(otherNode, expected[1]);
        System.out.printf(Locale.ROOT, "  cluster hop at %.0f signals/s (quiet after %.1f s; nodes and Redis used %.2f "
                + "cores, other processes %.2f): same node p50 %.2f ms, p99 %.2f ms; other node p50 %.2f ms, p99 %.2f ms%n",
                sizes.hopPerSecond(), quietAfter, cpu.serverCores(), cpu.otherCores(), onSameNode.p50(), onSameNode.p99(),
                onOtherNode.p50(), onOtherNode.p99());
        return new Results.Hop(sizes.hopPerSecond(), sizes.pairs(), sizes.hopSeconds(), quietAfter, cpu, onSameNode,
                onOtherNode);
    }

    /** Sends for {@code seconds}, alternating the kinds; returns how many of each should have arrived by the end. */
    private long[] paced(List<List<SimulatedUser>> same, Arrivals sameNode, List<List<SimulatedUser>> other,
            Arrivals otherNode, double seconds) {
        long[] expected = {sameNode.received.get(), otherNode.received.get()};
        long messages = (long) (sizes.hopPerSecond() * seconds);
        Schedule schedule = Schedule.startingNow(sizes.hopPerSecond());
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (long i = 0; i < messages; i++) {
            long due = schedule.awaitDue(i);
            int kind = (int) (i % 2);
            List<SimulatedUser> pair = (kind == 0 ? same : other).get(random.nextInt(same.size()));
            int from = random.nextInt(2);
            pair.get(from).signal(pair.get(1 - from).id(), due, (i / 2) % 10 == 0);
            expected[kind]++;
        }
        drain(sameNode, expected[0]);
        drain(otherNode, expected[1]);
        return expected;
    }

    private static Results.HopLatency latency(Arrivals arrivals, long expected) {
        Histogram micros = arrivals.latencyMicros.getIntervalHistogram();
        return new Results.HopLatency(micros.getTotalCount(), Math.max(0, expected - arrivals.received.get()),
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(90) / 1000.0,
                micros.getValueAtPercentile(99) / 1000.0, micros.getMaxValue() / 1000.0);
    }

    // ---- What the processes did --------------------------------------------------------------------------------------

    /** Redis's calls by command and bytes read and written, and what the nodes counted, at one moment. */
    private record Snapshot(Map<String, Long> calls, long bytesIn, long bytesOut, double relayedHere,
            double relayedToOtherNodes, double receivedFromOtherNodes) {
    }

    private Snapshot snapshot() {
        Map<String, Long> calls = redis.commandCalls();
        Map<String, String> stats = redis.info("stats");
        double here = 0;
        double toOther = 0;
        double fromOther = 0;
        for (ServerUnderTest node : List.of(a, b)) {
            String scrape = node.metrics();
            here += metric(scrape, "signaling_relayed_total", "where=\"here\"");
            toOther += metric(scrape, "signaling_relayed_total", "where=\"to_other_node\"");
            // What a node receives from Redis for signals, on its own channel: handed over, or not for anyone here
            // (gone, or moved on).
            fromOther += metric(scrape, "signaling_relayed_total", "where=\"from_other_node\"");
            fromOther += metric(scrape, "signaling_dropped_total", "from=\"other_node\"");
        }
        return new Snapshot(calls, Long.parseLong(stats.getOrDefault("total_net_input_bytes", "0")),
                Long.parseLong(stats.getOrDefault("total_net_output_bytes", "0")), here, toOther, fromOther);
    }

    /** The sum of the samples of {@code name} whose labels include {@code label} (null: any), in Prometheus' text. */
    static double metric(String scrape, String name, String label) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (label == null || line.substring(0, space).contains(label)) {
                sum += Double.parseDouble(line.substring(space + 1));
            }
        }
        return sum;
    }

    /**
     * What Redis did between two snapshots for {@code operations} joins, leaves or signals: its commands, less the
     * heartbeats meanwhile (each node's, once a second: one script of five commands) and the bench's own INFO.
     */
    private static Results.RedisUse redisUse(Snapshot before, Snapshot after, long operations, double redisMicros) {
        Map<String, Long> calls = new HashMap<>();
        after.calls().forEach((command, count) -> calls.put(command, count - before.calls().getOrDefault(command, 0L)));
        long heartbeats = calls.getOrDefault("zadd", 0L);
        for (String command : HEARTBEAT) {
            calls.computeIfPresent(command, (key, count) -> Math.max(0, count - heartbeats));
        }
        Map<String, Long> byCommand = new LinkedHashMap<>();
        calls.entrySet().stream().filter(entry -> entry.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(entry -> byCommand.put(entry.getKey(), entry.getValue()));
        long all = byCommand.values().stream().mapToLong(Long::longValue).sum();
        long scripts = byCommand.getOrDefault("evalsha", 0L) + byCommand.getOrDefault("eval", 0L);
        long published = byCommand.getOrDefault("spublish", 0L);
        long delivered = Math.round(after.receivedFromOtherNodes() - before.receivedFromOtherNodes());
        // Fan-out is measured for signals only: the nodes count the signals they receive, not the joins and leaves.
        boolean signals = after.relayedToOtherNodes() > before.relayedToOtherNodes() && published > 0;
        double per = Math.max(1, operations);
        return new Results.RedisUse(operations, heartbeats, byCommand, all, scripts, all / per, scripts / per, published,
                signals ? delivered : null, signals ? delivered / (double) published : null, redisMicros,
                (after.bytesIn() - before.bytesIn()) / per, (after.bytesOut() - before.bytesOut()) / per);
    }

    private List<Results.ProcessCpu> processCpu(Cpus.Meter.Each cpu, double perSecond) {
        List<String> names = List.of(a.name, b.name, "redis");
        List<Results.ProcessCpu> processes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            processes.add(process(names.get(i), cpu.serverCores().get(i), perSecond));
        }
        processes.add(process("generator", cpu.all().generatorCores(), perSecond));
        return processes;
    }

    private static Results.ProcessCpu process(String name, double cores, double perSecond) {
        return new Results.ProcessCpu(name, cores, perSecond <= 0 ? 0 : cores * 1e6 / perSecond);
    }

    private static double microsOf(List<Results.ProcessCpu> processes, String name) {
        return processes.stream().filter(p -> p.name().equals(name)).mapToDouble(Results.ProcessCpu::microsPerOperation)
                .findFirst().orElse(0);
    }

    private static String cores(List<Results.ProcessCpu> processes) {
        return String.join(", ", processes.stream().map(p -> String.format(Locale.ROOT, "%s %.2f", p.name(), p.cores()))
                .toList());
    }

    private static boolean acquire(Semaphore semaphore, int permits) {
        try {
            return semaphore.tryAcquire(permits, 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }
}
