package dev.webrtcsteps.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which CPUs a process may run on, and how much CPU it has used, read from /proc (Linux); and {@code taskset},
 * which pins processes to CPUs. The bench pins each server to one CPU and itself, the load generator, to another,
 * so that neither takes the other's core; it reads every affinity back rather than assume that taskset worked.
 */
final class Cpus {

    /** Clock ticks per second of /proc/PID/stat's times (USER_HZ): 100 on every Linux the bench has met. */
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private Cpus() {
    }

    /** A process counts as the bottleneck when it uses this much of the CPUs it may run on. */
    static final double BUSY = 0.9;

    /** The CPUs this process may run on now, in order (its Cpus_allowed_list). */
    static List<Integer> allowedToThisProcess() {
        return allowed(ProcessHandle.current().pid());
    }

    /** The CPUs process {@code pid} (its main thread) may run on. */
    static List<Integer> allowed(long pid) {
        return parseList(statusField(Path.of("/proc", String.valueOf(pid), "status"), "Cpus_allowed_list"));
    }

    /** "0-2,5" as [0, 1, 2, 5]. */
    static List<Integer> parseList(String list) {
        List<Integer> cpus = new ArrayList<>();
        for (String range : list.split(",")) {
            String[] ends = range.trim().split("-");
            int first = Integer.parseInt(ends[0]);
            int last = Integer.parseInt(ends[ends.length - 1]);
            for (int cpu = first; cpu <= last; cpu++) {
                cpus.add(cpu);
            }
        }
        return cpus;
    }

    /** Whether {@code taskset} can be run (util-linux). */
    static boolean tasksetAvailable() {
        try {
            Process run = new ProcessBuilder("taskset", "--version").redirectErrorStream(true).start();
            run.getInputStream().readAllBytes();
            return run.waitFor() == 0;
        } catch (IOException notThere) {
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The prefix that starts a command on {@code cpus} (a list such as "0" or "0,1"). */
    static List<String> pinned(String cpus) {
        return List.of("taskset", "-c", cpus);
    }

    /** Moves every thread of this process to {@code cpus}; threads started later inherit it from their creator. */
    static void pinThisProcess(String cpus) {
        long pid = ProcessHandle.current().pid();
        try {
            Bench.run(Path.of("."), "taskset", "-a", "-p", "-c", cpus, String.valueOf(pid));
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    /**
     * The CPUs process {@code pid} may run on, read from each of its threads: one list ("1") when all agree,
     * otherwise each list with its number of threads ("1 (40 threads), 0-1 (2 threads)"), so a thread that escaped
     * the pinning shows.
     */
    static String affinity(long pid) {
        Map<String, Integer> threadsByList = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.sorted().toList()) {
                try {
                    threadsByList.merge(statusField(task.resolve("status"), "Cpus_allowed_list"), 1, Integer::sum);
                } catch (UncheckedIOException threadEnded) {
                    // a thread that ended while we looked
                }
            }
        } catch (IOException gone) {
            return "gone";
        }
        if (threadsByList.size() <= 1) {
            return threadsByList.keySet().stream().findFirst().orElse("gone");
        }
        return threadsByList.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + " threads)")
                .collect(Collectors.joining(", "));
    }

    /** The affinities of several processes, each distinct one once ("1", or "1; 0-1"). */
    static String affinity(List<Long> pids) {
        return String.join("; ", new TreeSet<>(pids.stream().map(Cpus::affinity).toList()));
    }

    /** CPU time process {@code pid} has used so far, all its threads, user and system, in seconds. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // After the command name in parentheses (which may hold spaces): state is field 3, utime 14, stime 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) TICKS_PER_SECOND;
        } catch (IOException gone) {
            throw new UncheckedIOException("no /proc/" + pid + "/stat", gone);
        }
    }

    /**
     * CPU used by a server (or several processes on the server's side, such as a cluster's nodes and its Redis) and
     * by this process (the load generator) over a window of wall time, and how busy each CPU of the machine was
     * meanwhile (by any process): start it, then {@link #stop()}.
     */
    static final class Meter {

        private final List<Long> serverPids;
        private final long start = System.nanoTime();
        private final double[] serverStart;
        private final double generatorStart;
        private final List<long[]> machineStart = machineTicks();

        /** {@code serverPid} -1: no server to measure (its cores are then null). */
        Meter(long serverPid) {
            this(serverPid < 0 ? List.of() : List.of(serverPid));
        }

        /** Several processes on the server's side, measured each and counted together as the server. */
        Meter(List<Long> serverPids) {
            this.serverPids = List.copyOf(serverPids);
            this.serverStart = serverPids.stream().mapToDouble(Cpus::cpuSeconds).toArray();
            this.generatorStart = cpuSeconds(ProcessHandle.current().pid());
        }

        Results.CpuUse stop() {
            return stopEach().all();
        }

        /** What the server's processes used together, and each of them, in the order given, in cores. */
        record Each(Results.CpuUse all, List<Double> serverCores) {
        }

        Each stopEach() {
            double generator = cpuSeconds(ProcessHandle.current().pid()) - generatorStart;
            List<Double> used = new ArrayList<>();
            for (int i = 0; i < serverPids.size(); i++) {
                used.add(cpuSeconds(serverPids.get(i)) - serverStart[i]);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<long[]> machineEnd = machineTicks();
            List<Double> busy = new ArrayList<>();
            List<Double> interrupts = new ArrayList<>();
            for (int cpu = 0; cpu < Math.min(machineStart.size(), machineEnd.size()); cpu++) {
                long total = machineEnd.get(cpu)[0] - machineStart.get(cpu)[0];
                busy.add(share(machineEnd.get(cpu)[1] - machineStart.get(cpu)[1], total));
                interrupts.add(share(machineEnd.get(cpu)[2] - machineStart.get(cpu)[2], total));
            }
            Double serverCores = serverPids.isEmpty() ? null
                    : used.stream().mapToDouble(Double::doubleValue).sum() / seconds;
            double generatorCores = generator / seconds;
            TreeSet<Integer> serverCpus = new TreeSet<>();
            serverPids.forEach(pid -> serverCpus.addAll(allowed(pid)));
            Load load = new Load(serverCores, List.copyOf(serverCpus), generatorCores, allowedToThisProcess(), busy,
                    interrupts);
            return new Each(new Results.CpuUse(seconds, serverCores, generatorCores, busy, load.otherCores(),
                    load.limitedBy()), used.stream().map(cpu -> cpu / seconds).toList());
        }

        private static double share(long part, long total) {
            return total <= 0 ? 0 : Math.round(1000.0 * part / total) / 1000.0;
        }
    }

    /**
     * What server and generator used of the CPUs each could run on, and how busy those CPUs were (0 to 1 each, by
     * anything) and how much of that was interrupts (mostly the kernel's network work for whoever runs there).
     */
    record Load(Double server, List<Integer> serverCpus, double generator, List<Integer> generatorCpus,
            List<Double> busyByCpu, List<Double> interruptsByCpu) {

        /**
         * What the bottleneck was: the server if its CPUs were full of its own work (its process, and the interrupts
         * there); else the generator if its were; or other load (processes of others, a hypervisor's steal), when it
         * filled a CPU that ours did not. When server and generator share CPUs, only that all of them were busy, and
         * with whose work, can be told.
         */
        String limitedBy() {
            if (server == null) {
                return ownFull(generatorCpus, generator) ? "generator" : "not measured (no server process)";
            }
            if (serverCpus.stream().anyMatch(generatorCpus::contains)) {
                List<Integer> shared = union();
                if (sum(busyByCpu, shared) < BUSY * shared.size()) {
                    return "neither CPU full";
                }
                return otherCores() < (1 - BUSY) * shared.size() ? "server and generator together (CPUs shared)"
                        : "other load on CPUs " + list(shared);
            }
            // A server that filled its CPU could not have gone faster, however busy the generator was (a generator
            // with time to spare spends it too: it reads each message as it comes, one system call each).
            if (ownFull(serverCpus, server)) {
                return "server";
            }
            if (ownFull(generatorCpus, generator)) {
                return "generator";
            }
            if (sum(busyByCpu, serverCpus) >= BUSY * serverCpus.size()) {
                return "other load on the server's CPU " + list(serverCpus);
            }
            if (sum(busyByCpu, generatorCpus) >= BUSY * generatorCpus.size()) {
                return "other load on the generator's CPU " + list(generatorCpus);
            }
            return "neither CPU full";
        }

        /** CPU used on server's and generator's CPUs by anything but them and interrupts, in cores. */
        double otherCores() {
            double others = 0;
            if (server != null && serverCpus.stream().noneMatch(generatorCpus::contains)) {
                others += Math.max(0, sum(busyByCpu, serverCpus) - sum(interruptsByCpu, serverCpus) - server);
                others += Math.max(0, sum(busyByCpu, generatorCpus) - sum(interruptsByCpu, generatorCpus) - generator);
            } else {
                List<Integer> all = union();
                others = Math.max(0, sum(busyByCpu, all) - sum(interruptsByCpu, all) - generator
                        - (server == null ? 0 : server));
            }
            return Math.round(others * 1000) / 1000.0;
        }

        /** Whether a process filled {@code cpus} itself, or with interrupts for it, leaving next to nothing to others. */
        private boolean ownFull(List<Integer> cpus, double cores) {
            if (cores >= BUSY * cpus.size()) {
                return true;
            }
            double busy = sum(busyByCpu, cpus);
            return busy >= BUSY * cpus.size() && busy - sum(interruptsByCpu, cpus) - cores < (1 - BUSY) * cpus.size();
        }

        private List<Integer> union() {
            TreeSet<Integer> all = new TreeSet<>(serverCpus);
            all.addAll(generatorCpus);
            return List.copyOf(all);
        }

        private static double sum(List<Double> byCpu, Collection<Integer> cpus) {
            double sum = 0;
            for (int cpu : cpus) {
                sum += cpu < byCpu.size() ? byCpu.get(cpu) : 0;
            }
            return sum;
        }
    }

    private static String list(Collection<Integer> cpus) {
        return cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** For each CPU of the machine (cpu0, cpu1, ...): {total, busy, irq + softirq} clock ticks so far, from /proc/stat. */
    private static List<long[]> machineTicks() {
        List<long[]> ticks = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
                    String[] fields = line.trim().split("\\s+");
                    int cpu = Integer.parseInt(fields[0].substring(3));
                    long total = 0;
                    // user nice system idle iowait irq softirq steal (guest time is counted in user and nice too)
                    for (int i = 1; i <= 8 && i < fields.length; i++) {
                        total += Long.parseLong(fields[i]);
                    }
                    long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
                    long interrupts = Long.parseLong(fields[6]) + Long.parseLong(fields[7]);
                    while (ticks.size() <= cpu) {
                        ticks.add(new long[] {0, 0, 0});
                    }
                    ticks.set(cpu, new long[] {total, total - idle, interrupts});
                }
            }
        } catch (IOException unreadable) {
            return List.of();
        }
        return ticks;
    }

    private static String statusField(Path status, String field) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1).trim();
                }
            }
        } catch (IOException gone) {
            throw new UncheckedIOException(gone);
        }
        throw new IllegalStateException("no " + field + " in " + status);
    }

    private static long ticksPerSecond() {
        try {
            return Long.parseLong(Bench.run(Path.of("."), "getconf", "CLK_TCK").trim());
        } catch (IOException | RuntimeException unknown) {
            return 100;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
