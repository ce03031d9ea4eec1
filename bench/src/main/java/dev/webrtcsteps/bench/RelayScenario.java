package dev.webrtcsteps.bench;

import java.net.http.HttpClient;
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
 * flight, each new one sent when one arrives), then at fixed fractions of that rate (an open loop: signals sent
 * on a schedule, latency counted from when each was due). Users in rooms signal to random peers in their room;
 * one signal in ten is offer-sized, the rest candidate-sized, as when browsers set up connections. While the
 * saturation rate is measured, so is the CPU the server and the load generator (this process) use: a saturation
 * rate is the server's only if the server, not the generator, ran out of CPU.
 */
final class RelayScenario {

    private static final double[] FRACTIONS = {0.25, 0.5, 0.75};

    private final int users;
    private final int roomSize;
    private final long phaseNanos;
    private final int inFlight;
    private final AtomicLong received = new AtomicLong();
    private final Recorder latencyMicros = new Recorder(TimeUnit.MINUTES.toMicros(1), 3);
    private volatile Semaphore window;

    RelayScenario(int users, int roomSize, double phaseSeconds, int inFlight) {
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
        List<BenchClient> clients = connect(wire, port);
        try {
            saturate(clients, phaseNanos / 2, -1); // warm-up: let the JIT and the buffers settle
            Saturation measured = saturate(clients, phaseNanos, serverPid);
            double saturation = measured.rate();
            Results.CpuUse cpu = measured.cpu();
            System.out.printf("  relay: saturation %.0f signals/s; cores used: server %s, generator %.2f; limited by %s%n",
                    saturation, cpu.serverCores() == null ? "n/a" : String.format("%.2f", cpu.serverCores()),
                    cpu.generatorCores(), cpu.limitedBy());
            List<Results.LoadPoint> points = new ArrayList<>();
            for (double fraction : FRACTIONS) {
                Results.LoadPoint point = paced(clients, fraction, saturation * fraction);
                System.out.printf("  relay at %.0f%%: %.0f/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d lost%n",
                        fraction * 100, point.achievedPerSecond(), point.p50(), point.p99(), point.max(), point.lost());
                points.add(point);
            }
            return new Results.Relay(users, roomSize, saturation, cpu, points);
        } finally {
            clients.forEach(BenchClient::close);
        }
    }

    private List<BenchClient> connect(BenchClient.Wire wire, int port) {
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<BenchClient>> joins = new ArrayList<>();
        long runId = System.nanoTime(); // rooms of their own, whatever ran on this server before
        for (int i = 0; i < users; i++) {
            joins.add(BenchClient.join(http, wire, port, "relay-" + runId + "-" + i / roomSize, "R" + i, this::arrived)
                    .orTimeout(30, TimeUnit.SECONDS));
        }
        List<BenchClient> clients = joins.stream().map(CompletableFuture::join).toList();
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

    /** Signals delivered per second at saturation, and the CPU used over the same window. */
    private record Saturation(double rate, Results.CpuUse cpu) {
    }

    /** Keeps {@code inFlight} signals under way for {@code nanos}, measuring the CPU of {@code serverPid} and this process. */
    private Saturation saturate(List<BenchClient> clients, long nanos, long serverPid) {
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
    private Results.LoadPoint paced(List<BenchClient> clients, double fraction, double perSecond) {
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

    private static void sendOne(List<BenchClient> clients, long sentAt, long sequence) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        BenchClient from = clients.get(random.nextInt(clients.size()));
        List<String> peers = from.peers;
        from.signal(peers.get(random.nextInt(peers.size())), sentAt, sequence % 10 == 0);
    }

    /** Waits up to 5 s for {@code expected} signals in all (0: until arrivals stop); returns how many are missing. */
    private long drain(List<BenchClient> clients, long expected) {
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
