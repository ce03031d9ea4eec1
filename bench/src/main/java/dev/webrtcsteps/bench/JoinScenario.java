package dev.webrtcsteps.bench;

import java.net.http.HttpClient;
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

    JoinScenario(int joins, double perSecond, int roomSize) {
        this.joins = joins;
        this.perSecond = perSecond;
        this.roomSize = roomSize;
    }

    Results.Join run(ServerUnderTest server) {
        HttpClient http = HttpClient.newHttpClient();
        // Unmeasured first: a fresh server (and generator) runs interpreted code until the JIT has compiled it.
        List<BenchClient> warmUp = IntStream.range(0, Math.min(joins, 500))
                .mapToObj(i -> BenchClient.join(http, server.wire, server.port, "warm-up-" + i / roomSize, "W" + i, sentAt -> { })
                        .orTimeout(30, TimeUnit.SECONDS))
                .toList().stream().map(CompletableFuture::join).toList();
        warmUp.forEach(BenchClient::close);
        Histogram micros = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        List<CompletableFuture<BenchClient>> users = new ArrayList<>(joins);
        int failures = 0;
        Results.CpuUse cpu;
        Cpus.Meter meter = new Cpus.Meter(server.pid());
        Schedule schedule = Schedule.startingNow(perSecond);
        try {
            for (int i = 0; i < joins; i++) {
                long due = schedule.awaitDue(i);
                users.add(BenchClient.join(http, server.wire, server.port, "join-" + i / roomSize, "J" + i, sentAt -> { })
                        .orTimeout(30, TimeUnit.SECONDS)
                        .whenComplete((client, failure) -> {
                            if (failure == null) {
                                synchronized (micros) {
                                    micros.recordValue(Math.min(micros.getHighestTrackableValue(),
                                            (System.nanoTime() - due) / 1_000));
                                }
                            }
                        }));
            }
            for (CompletableFuture<BenchClient> user : users) {
                try {
                    user.join();
                } catch (RuntimeException failed) {
                    failures++;
                }
            }
        } finally {
            cpu = meter.stop();
            users.forEach(user -> user.thenAccept(BenchClient::close));
        }
        Results.Join result = new Results.Join(joins, perSecond, roomSize, failures,
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                micros.getMaxValue() / 1000.0, cpu);
        System.out.printf("  join: p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d failed; cores used: server %.2f, "
                + "generator %.2f; limited by %s%n", result.p50(), result.p99(), result.max(), failures,
                cpu.serverCores(), cpu.generatorCores(), cpu.limitedBy());
        return result;
    }
}
