package dev.webrtcsteps.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Scenario 3: signals through the server. First at saturation (a closed loop: a fixed number of signals in
 * flight, each new one sent when one arrives; measured once the rate has stopped rising), then at fixed fractions of that rate (an open loop: signals sent
 * on a schedule, latency counted from when each was due). Users in rooms signal to random peers in their room;
 * one signal in ten is offer-sized, the rest candidate-sized, as when browsers set up connections. While the
 * saturation rate is measured, so is the CPU the server and the load generator (this process) use: a saturation
 * rate is the server's only if the server, not the generator, ran out of CPU. The users are {@link LeanClients}
 * or, to compare, {@link BenchClient}s on java.net.http ({@link Clients}).
 */
final class RelayScenario {

    private static final double[] FRACTIONS = {0.25, 0.5, 0.75};

    private final int users;
    private final int roomSize;
    private final long phaseNanos;
    private final int inFlight;
    private final String client;
    private final AtomicLong received = new AtomicLong();
    private final Recorder latencyMicros = new Recorder(TimeUnit.MINUTES.toMicros(1), 3);
    private volatile Semaphore window;

    RelayScenario(int users, int roomSize, double phaseSeconds, int inFlight) {
        this(users, roomSize, phaseSeconds, inFlight, Clients.LEAN);
    }

    /** {@code client}: what the users run on, {@link Clients#LEAN} or {@link Clients#JAVA_NET_HTTP}. */
    RelayScenario(int users, int roomSize, double phaseSeconds, int inFlight, String client) {
        this.client = client;
        this.users = users;
        this.roomSize = roomSize;
        this.phaseNanos = (long) (phaseSeconds * 1e9);
        this.inFlight = inFlight;
    }

    Results.Relay run(ServerUnderTest server) {
        return runOn(server.wire, server.port, server.pid());
    }

    /** {@code serverPid}: the server's process, whose CPU use is measured at saturation (-1: none). */
    Results.Relay runOn(BenchClient.Wire wire, int port, long serverPid) {
        try (Clients connections = new Clients(client)) {
            List<SimulatedUser> clients = connect(wire, port, connections);
            long warmUpStart = System.nanoTime();
            List<Double> warmUpRates = warmUp(clients);
            double warmUp = (System.nanoTime() - warmUpStart) / 1e9;
            Saturation measured = saturate(clients, phaseNanos, serverPid);
            double saturation = measured.rate();
            Results.CpuUse cpu = measured.cpu();
            System.out.printf("  relay warm-up, signals/s every %.1f s: %s%n", warmUp / warmUpRates.size(),
                    warmUpRates.stream().map(rate -> String.format("%.0f", rate)).toList());
            System.out.printf("  relay (%s client, warmed up %.0f s): saturation %.0f signals/s; cores used: server %s, "
                    + "generator %.2f (%.1f µs a signal); limited by %s%n", client, warmUp, saturation,
                    cpu.serverCores() == null ? "n/a" : String.format("%.2f", cpu.serverCores()), cpu.generatorCores(),
                    cpu.generatorCores() * 1e6 / saturation, cpu.limitedBy());
            List<Results.LoadPoint> points = new ArrayList<>();
            for (double fraction : FRACTIONS) {
                Results.LoadPoint point = paced(clients, fraction, saturation * fraction);
                System.out.printf("  relay at %.0f%%: %.0f/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d lost%n",
                        fraction * 100, point.achievedPerSecond(), point.p50(), point.p99(), point.max(), point.lost());
                points.add(point);
            }
            return new Results.Relay(users, roomSize, client, warmUp, warmUpRates, saturation, cpu, points);
        }
    }

    /** Joins the users and waits for presence to settle. */
    private List<SimulatedUser> connect(BenchClient.Wire wire, int port, Clients connections) {
        List<CompletableFuture<? extends SimulatedUser>> joins = new ArrayList<>();
        long runId = System.nanoTime(); // rooms of their own, whatever ran on this server before
        for (int i = 0; i < users; i++) {
            joins.add(connections.join(wire, port, "relay-" + runId + "-" + i / roomSize, "R" + i, this::arrived)
                    .orTimeout(30, TimeUnit.SECONDS));
        }
        List<SimulatedUser> clients = joins.stream().<SimulatedUser>map(CompletableFuture::join).toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (clients.stream().anyMatch(client -> client.peers.size() < roomSize - 1)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("presence did not settle within 30 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return clients;
    }

    private void arrived(long sentAt) {
        latencyMicros.recordValue(Math.min(TimeUnit.MINUTES.toMicros(1), (System.nanoTime() - sentAt) / 1_000));
        received.incrementAndGet();
        Semaphore current = window;
        if (current != null) {
            current.release();
        }
    }

    /**
     * Saturates in short windows (2 s) until the rate stops rising: at least 10 s, then until none of the last three
     * windows beat the best before them by 3%, at most 90 s (for shorter phases: a quarter, two and eleven phases). A
     * server compiles its hot code as it runs, and on one core the compiler takes turns with the server: step 3's
     * rate climbs for a minute or more (it was still rising after 30 s). Returns each window's rate.
     */
    private List<Double> warmUp(List<SimulatedUser> clients) {
        long window = Math.min(TimeUnit.SECONDS.toNanos(2), phaseNanos / 4);
        long least = Math.min(TimeUnit.SECONDS.toNanos(10), 2 * phaseNanos);
        long most = Math.min(TimeUnit.SECONDS.toNanos(90), 11 * phaseNanos);
        long start = System.nanoTime();
        List<Double> rates = new ArrayList<>();
        double best = 0;
        int flat = 0;
        while (System.nanoTime() - start < most && (System.nanoTime() - start < least || flat < 3)) {
            double rate = saturate(clients, window, -1).rate();
            flat = rate > best * 1.03 ? 0 : flat + 1;
            best = Math.max(best, rate);
            rates.add(Math.rint(rate));
        }
        return rates;
    }

    /** Signals delivered per second at saturation, and the CPU used over the same window. */
    private record Saturation(double rate, Results.CpuUse cpu) {
    }

    /** Keeps {@code inFlight} signals under way for {@code nanos}, measuring the CPU of {@code serverPid} and this process. */
    private Saturation saturate(List<SimulatedUser> clients, long nanos, long serverPid) {
        Semaphore permits = new Semaphore(inFlight);
        window = permits;
        long sent = 0;
        Cpus.Meter meter = new Cpus.Meter(serverPid);
        long start = System.nanoTime();
        long receivedBefore = received.get();
        try {
            while (System.nanoTime() - start < nanos) {
                if (permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    sendOne(clients, System.nanoTime(), sent++);
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        double rate = (received.get() - receivedBefore) / ((System.nanoTime() - start) / 1e9);
        Results.CpuUse cpu = meter.stop();
        window = null;
        drain(clients, 0);
        latencyMicros.getIntervalHistogram(); // saturation latency is queueing, not what is reported
        return new Saturation(rate, cpu);
    }

    /** Sends at {@code perSecond} on a fixed schedule for one phase and measures the latency. */
    private Results.LoadPoint paced(List<SimulatedUser> clients, double fraction, double perSecond) {
        long messages = (long) (perSecond * phaseNanos / 1e9);
        long receivedBefore = received.get();
        latencyMicros.getIntervalHistogram();
        Schedule schedule = Schedule.startingNow(perSecond);
        for (long i = 0; i < messages; i++) {
            sendOne(clients, schedule.awaitDue(i), i);
        }
        double seconds = (System.nanoTime() - schedule.start()) / 1e9;
        long lost = drain(clients, receivedBefore + messages);
        long delivered = received.get() - receivedBefore;
        Histogram latency = latencyMicros.getIntervalHistogram();
        return new Results.LoadPoint(fraction, perSecond, delivered / seconds, messages, lost,
                latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                latency.getMaxValue() / 1000.0);
    }

    private static void sendOne(List<SimulatedUser> clients, long sentAt, long sequence) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        SimulatedUser from = clients.get(random.nextInt(clients.size()));
        List<String> peers = from.peers;
        from.signal(peers.get(random.nextInt(peers.size())), sentAt, sequence % 10 == 0);
    }

    /** Waits up to 5 s for {@code expected} signals in all (0: until arrivals stop); returns how many are missing. */
    private long drain(List<SimulatedUser> clients, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = received.get();
            if ((expected > 0 && now >= expected) || (expected == 0 && now == last)) {
                break;
            }
            last = now;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return Math.max(0, expected - received.get());
    }
}
