package dev.webrtcsteps.step4;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters (no replicas), real {@code redis-server} processes on free ports of 127.0.0.1,
 * formed with {@code redis-cli --cluster create}: about 3 s.
 */
final class RedisCluster implements AutoCloseable {

    private final List<RedisProcess> masters = new ArrayList<>();

    RedisCluster() {
        try {
            for (int i = 0; i < 3; i++) {
                int port = freePortWithFreeBus();
                Path directory = Files.createTempDirectory("redis-cluster");
                masters.add(new RedisProcess(port, directory, "--cluster-enabled", "yes", "--cluster-config-file",
                        directory.resolve("nodes.conf").toString()).start());
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            masters.forEach(master -> create.add("127.0.0.1:" + master.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process forming = new ProcessBuilder(create).redirectErrorStream(true).start();
            String output = new String(forming.getInputStream().readAllBytes());
            if (forming.waitFor() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + output);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!masters.stream().allMatch(master -> clusterInfo(master).contains("cluster_state:ok"))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the cluster did not form: " + output);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        } catch (IOException failed) {
            close();
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        } catch (RuntimeException failed) {
            close();
            throw failed;
        }
    }

    private static String clusterInfo(RedisProcess master) {
        try {
            Process info = new ProcessBuilder("redis-cli", "-p", String.valueOf(master.port()), "cluster", "info").start();
            String text = new String(info.getInputStream().readAllBytes());
            info.waitFor();
            return text;
        } catch (IOException | InterruptedException failed) {
            return "";
        }
    }

    /** A cluster node also listens on its port + 10000 (the cluster bus). */
    private static int freePortWithFreeBus() {
        while (true) {
            int port = RedisProcess.freePort();
            if (port < 55535) {
                try (var bus = new java.net.ServerSocket(port + 10000)) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
    }

    /** What REDIS_URL names: every master (one would do: the client finds the others). */
    String url() {
        return masters.stream().map(RedisProcess::url).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        masters.forEach(RedisProcess::close);
    }
}
