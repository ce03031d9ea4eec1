package dev.webrtcsteps.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;

/**
 * Scenario 2: time from opening a connection to the welcome, for users joining at a steady rate; and the CPU the
 * server and the load generator used while they joined.
 */
final class JoinScenario {

    private final int joins;
    private final double perSecond;
    private final int roomSize;
    private final String client;

    JoinScenario(int joins, double perSecond, int roomSize) {
        this(joins, perSecond, roomSize, Clients.LEAN);
    }

    /** {@code client}: what the users run on, {@link Clients#LEAN} or {@link Clients#JAVA_NET_HTTP}. */
    JoinScenario(int joins, double perSecond, int roomSize, String client) {
        this.joins = joins;
        this.perSecond = perSecond;
        this.roomSize = roomSize;
        this.client = client;
    }

    Results.Join run(ServerUnderTest server) {
        Histogram micros = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        List<CompletableFuture<? extends SimulatedUser>> users = new ArrayList<>(joins);
        int failures = 0;
        Results.CpuUse cpu;
        try (Clients clients = new Clients(client)) {
            // Unmeasured first: a fresh server (and generator) runs interpreted code until the JIT has compiled it.
            List<SimulatedUser> warmUp = IntStream.range(0, Math.min(joins, 500))
                    .mapToObj(i -> clients.join(server.wire, server.port, "warm-up-" + i / roomSize, "W" + i, sentAt -> { })
                            .orTimeout(30, TimeUnit.SECONDS))
                    .toList().stream().<SimulatedUser>map(CompletableFuture::join).toList();
            warmUp.forEach(SimulatedUser::close);
            Cpus.Meter meter = new Cpus.Meter(server.pid());
            Schedule schedule = Schedule.startingNow(perSecond);
            for (int i = 0; i < joins; i++) {
                long due = schedule.awaitDue(i);
                users.add(clients.join(server.wire, server.port, "join-" + i / roomSize, "J" + i, sentAt -> { })
                        .orTimeout(30, TimeUnit.SECONDS)
                        .whenComplete((user, failure) -> {
                            if (failure == null) {
                                synchronized (micros) {
                                    micros.recordValue(Math.min(micros.getHighestTrackableValue(),
                                            (System.nanoTime() - due) / 1_000));
                                }
                            }
                        }));
            }
            for (CompletableFuture<? extends SimulatedUser> user : users) {
                try {
                    user.join();
                } catch (RuntimeException failed) {
                    failures++;
                }
            }
            cpu = meter.stop();
        }
        Results.Join result = new Results.Join(joins, perSecond, roomSize, client, failures,
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                micros.getMaxValue() / 1000.0, cpu);
        System.out.printf("  join (%s client): p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d failed; cores used: server %.2f, "
                + "generator %.2f, other load %.2f; limited by %s%n", client, result.p50(), result.p99(), result.max(),
                failures, cpu.serverCores(), cpu.generatorCores(), cpu.otherCores(), cpu.limitedBy());
        return result;
    }
}
