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
        int failures;
        Results.CpuUse cpu;
        try (Clients clients = new Clients(client)) {
            // Unmeasured first, the same joins at the same rate: a fresh server runs interpreted code until its JIT
            // has compiled it, which on one core takes many seconds (step 3 pinned: p50 26 ms in a first pass of
            // 2,000 joins, 3 ms in the second). A server that has run for a while is what users meet. The first
            // pass's users stay, idle in rooms of their own, so that their leaving does not load the measured pass.
            List<CompletableFuture<? extends SimulatedUser>> warmUp =
                    joinAtRate(clients, server, "warm-up-", new Histogram(TimeUnit.MINUTES.toMicros(1), 3));
            failures(warmUp); // all in before the measured pass
            Cpus.Meter meter = new Cpus.Meter(server.pid());
            List<CompletableFuture<? extends SimulatedUser>> users = joinAtRate(clients, server, "join-", micros);
            failures = failures(users);
            cpu = meter.stop();
            warmUp.forEach(user -> user.thenAccept(SimulatedUser::close));
        }
        Results.Join result = new Results.Join(joins, perSecond, roomSize, client, failures,
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                micros.getMaxValue() / 1000.0, cpu);
        System.out.printf("  join (%s client): p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d failed; cores used: server %.2f, "
                + "generator %.2f, other load %.2f; limited by %s%n", client, result.p50(), result.p99(), result.max(),
                failures, cpu.serverCores(), cpu.generatorCores(), cpu.otherCores(), cpu.limitedBy());
        return result;
    }

    /** {@code joins} users joining rooms of {@code roomSize} at {@code perSecond}, each time to its welcome recorded. */
    private List<CompletableFuture<? extends SimulatedUser>> joinAtRate(Clients clients, ServerUnderTest server,
            String roomPrefix, Histogram micros) {
        List<CompletableFuture<? extends SimulatedUser>> users = new ArrayList<>(joins);
        Schedule schedule = Schedule.startingNow(perSecond);
        for (int i = 0; i < joins; i++) {
            long due = schedule.awaitDue(i);
            users.add(clients.join(server.wire, server.port, roomPrefix + i / roomSize, "J" + i, sentAt -> { })
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
        return users;
    }

    private static int failures(List<CompletableFuture<? extends SimulatedUser>> users) {
        int failures = 0;
        for (CompletableFuture<? extends SimulatedUser> user : users) {
            try {
                user.join();
            } catch (RuntimeException failed) {
                failures++;
            }
        }
        return failures;
    }
}
