package dev.webrtcsteps.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 1: how many users one server process holds, and what each costs in memory. Users join rooms of
 * {@code roomSize} from {@code generators} separate processes ({@link HoldUsers}), so that no process (the
 * server included) needs more open files than it may have; memory is sampled as they arrive. A
 * {@code generatorLauncher} such as {@code taskset -c 1} goes in front of each generator's command.
 */
final class CapacityScenario {

    private final int target;
    private final int roomSize;
    private final int generators;
    private final double joinsPerSecond;
    private final List<String> generatorLauncher;

    CapacityScenario(int target, int roomSize, int generators, double joinsPerSecond) {
        this(target, roomSize, generators, joinsPerSecond, List.of());
    }

    CapacityScenario(int target, int roomSize, int generators, double joinsPerSecond, List<String> generatorLauncher) {
        this.target = target;
        this.roomSize = roomSize;
        this.generators = generators;
        this.joinsPerSecond = joinsPerSecond;
        this.generatorLauncher = generatorLauncher;
    }

    Results.Capacity run(ServerUnderTest server) throws IOException {
        long rssBaseline = server.rss();
        Long heapBaseline = server.heapAfterGc();
        List<Results.MemoryPoint> memory = new ArrayList<>();
        memory.add(new Results.MemoryPoint(0, rssBaseline, heapBaseline));

        List<Process> processes = new ArrayList<>();
        AtomicIntegerArray welcomed = new AtomicIntegerArray(generators);
        AtomicIntegerArray failed = new AtomicIntegerArray(generators);
        AtomicIntegerArray done = new AtomicIntegerArray(generators);
        long start = System.nanoTime();
        for (int g = 0; g < generators; g++) {
            int users = target / generators + (g < target % generators ? 1 : 0);
            processes.add(startGenerator(server, g, users, welcomed, failed, done));
        }
        try {
            int step = Math.max(1, target / 10);
            int nextSample = step;
            long deadline = start + TimeUnit.MINUTES.toNanos(4);
            while (sum(done) < generators && System.nanoTime() < deadline) {
                int users = sum(welcomed);
                if (users >= nextSample) {
                    memory.add(new Results.MemoryPoint(users, server.rss(), null));
                    nextSample += step;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // Read back while they still hold their users (they exit only when told to).
            String generatorCpus = Cpus.affinity(processes.stream().map(Process::pid).toList());
            int held = sum(welcomed);
            long rssAtPeak = server.rss();
            Long heapAtPeak = server.heapAfterGc();
            memory.add(new Results.MemoryPoint(held, rssAtPeak, heapAtPeak));
            System.out.printf("  capacity: %d of %d users held in %.1f s, %d failed; generators on CPUs %s%n", held,
                    target, seconds, sum(failed), generatorCpus);
            return new Results.Capacity(target, held, roomSize, sum(failed) + (target - held - sum(failed)), seconds, memory,
                    rssBaseline, rssAtPeak, perUser(rssAtPeak - rssBaseline, held),
                    heapBaseline, heapAtPeak, heapAtPeak == null ? null : perUser(heapAtPeak - heapBaseline, held),
                    generatorCpus);
        } finally {
            for (Process process : processes) {
                process.getOutputStream().close(); // the generators let go of their users and exit
            }
            for (Process process : processes) {
                try {
                    if (!process.waitFor(60, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private Process startGenerator(ServerUnderTest server, int index, int users, AtomicIntegerArray welcomed,
            AtomicIntegerArray failed, AtomicIntegerArray done) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(generatorLauncher);
        command.addAll(List.of(javaBin, "-Xmx3g", "-cp", System.getProperty("java.class.path"),
                HoldUsers.class.getName(), server.wire.name(), String.valueOf(server.port), String.valueOf(users),
                String.valueOf(roomSize), "capacity-" + index, String.valueOf(joinsPerSecond / generators)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String[] words = line.split(" ");
                    if (words.length == 3 && (words[0].equals("progress") || words[0].equals("done"))) {
                        welcomed.set(index, Integer.parseInt(words[1]));
                        failed.set(index, Integer.parseInt(words[2]));
                        if (words[0].equals("done")) {
                            done.set(index, 1);
                        }
                    }
                }
            } catch (IOException ended) {
                // the generator has exited
            }
            done.set(index, 1);
        }, "generator-" + index);
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    private static double perUser(long bytes, int users) {
        return users == 0 ? 0 : (double) bytes / users;
    }

    private static int sum(AtomicIntegerArray values) {
        int sum = 0;
        for (int i = 0; i < values.length(); i++) {
            sum += values.get(i);
        }
        return sum;
    }
}
