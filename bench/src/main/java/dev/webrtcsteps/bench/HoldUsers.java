package dev.webrtcsteps.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A load-generator process for the capacity scenario: connects {@code users} users at a steady rate, in rooms
 * of {@code roomSize}, holds them, and reports on its standard output ({@code progress WELCOMED FAILED}, then
 * {@code done WELCOMED FAILED}). It ends when its standard input closes. Several of these run side by side,
 * because one process may have only so many open files (20,000 here), and so may the server.
 *
 * <p>Arguments: wire (STEP3 or SOCKET_IO), port, users, room size, room prefix, joins per second.
 */
public final class HoldUsers {

    private static final Duration DEADLINE = Duration.ofMinutes(3);

    private HoldUsers() {
    }

    public static void main(String[] args) throws IOException {
        BenchClient.Wire wire = BenchClient.Wire.valueOf(args[0]);
        int port = Integer.parseInt(args[1]);
        int users = Integer.parseInt(args[2]);
        int roomSize = Integer.parseInt(args[3]);
        String roomPrefix = args[4];
        double perSecond = Double.parseDouble(args[5]);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        AtomicInteger welcomed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        List<CompletableFuture<BenchClient>> joins = new ArrayList<>(users);
        Schedule schedule = Schedule.startingNow(perSecond);
        long deadline = schedule.start() + DEADLINE.toNanos();
        for (int i = 0; i < users && System.nanoTime() < deadline; i++) {
            schedule.awaitDue(i);
            String room = roomPrefix + "-" + i / roomSize;
            String name = "U" + i;
            // A refused or timed-out connection is tried once more, as real clients retry.
            joins.add(BenchClient.join(http, wire, port, room, name, sentAt -> { })
                    .exceptionallyCompose(failure -> {
                        retried.incrementAndGet();
                        return BenchClient.join(http, wire, port, room, name, sentAt -> { });
                    })
                    .orTimeout(90, TimeUnit.SECONDS)
                    .whenComplete((client, failure) -> {
                        if (failure == null) {
                            welcomed.incrementAndGet();
                        } else if (failed.incrementAndGet() <= 3) { // say why, but not 19,000 times
                            System.err.println("A join failed: " + failure);
                        }
                    }));
            if (i % 250 == 0) {
                System.out.println("progress " + welcomed.get() + " " + failed.get());
            }
        }
        while (welcomed.get() + failed.get() < joins.size() && System.nanoTime() < deadline) {
            System.out.println("progress " + welcomed.get() + " " + failed.get());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        System.err.println("Joins tried a second time: " + retried.get());
        System.out.println("done " + welcomed.get() + " " + (failed.get() + users - joins.size()));
        System.out.flush();
        // Hold every connection until the orchestrator is done measuring: it closes our standard input.
        while (System.in.read() != -1) {
            // nothing to read, only the end
        }
        joins.forEach(join -> join.thenAccept(BenchClient::close));
        System.exit(0);
    }
}
