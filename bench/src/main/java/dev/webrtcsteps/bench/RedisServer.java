package dev.webrtcsteps.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code redis-server} (Debian's package) for the cluster scenario, on 127.0.0.1 and a port of its own,
 * saving nothing; a {@code launcher} such as {@code taskset -c 0} goes in front of it (it execs redis-server, so
 * the process is Redis's own). The bench asks it what it did ({@code INFO commandstats}) over a plain socket, in
 * Redis's own protocol (RESP), as {@code redis-cli} would.
 */
final class RedisServer implements AutoCloseable {

    final int port;
    final String command;
    private final Process process;
    /** The bench's own calls so far, by command: taken out of what {@link #commandCalls} reports. */
    private final Map<String, Long> ownCalls = new ConcurrentHashMap<>();

    private RedisServer(int port, List<String> launcher, Path directory) throws IOException {
        this.port = port;
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", directory.toString()));
        this.command = String.join(" ", command).replace("--save  ", "--save '' ");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("redis.log").toFile()).start();
        } catch (IOException notInstalled) {
            throw new IllegalStateException("Cannot start redis-server: install Debian's redis-server package", notInstalled);
        }
    }

    /** Starts one on {@code port}, its log and (empty) working directory in {@code directory}; waits until it answers. */
    static RedisServer start(int port, List<String> launcher, Path directory) throws IOException {
        Files.createDirectories(directory);
        RedisServer redis = new RedisServer(port, launcher, directory);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                if ("PONG".equals(redis.call("PING"))) {
                    return redis;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !redis.process.isAlive()) {
                redis.close();
                throw new IllegalStateException("redis-server on port " + port + " did not start; see "
                        + directory.resolve("redis.log"));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** "7.0.15", from INFO server. */
    String version() {
        return info("server").getOrDefault("redis_version", "unknown");
    }

    /**
     * Calls of each command so far ({@code INFO commandstats}: "evalsha" → calls), commands run inside Lua scripts
     * included (Redis counts those too, each under its own name), the bench's own calls not: INFO, and the HVALS
     * and PING it sends.
     */
    Map<String, Long> commandCalls() {
        Map<String, Long> own = Map.copyOf(ownCalls);
        Map<String, Long> calls = new TreeMap<>();
        info("commandstats").forEach((key, value) -> {
            if (key.startsWith("cmdstat_")) {
                // calls=12,usec=34,usec_per_call=2.83,rejected_calls=0,failed_calls=0
                String first = value.substring(0, value.indexOf(','));
                String command = key.substring("cmdstat_".length());
                long count = Long.parseLong(first.substring("calls=".length())) - own.getOrDefault(command, 0L);
                if (!command.equals("info") && count > 0) {
                    calls.put(command, count);
                }
            }
        });
        return calls;
    }

    /** The fields of one INFO section. */
    Map<String, String> info(String section) {
        try {
            Map<String, String> fields = new TreeMap<>();
            for (String line : ((String) call("INFO", section)).split("\r\n")) {
                int colon = line.indexOf(':');
                if (!line.startsWith("#") && colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
            return fields;
        } catch (IOException failed) {
            throw new UncheckedIOException("INFO " + section + " from Redis on port " + port, failed);
        }
    }

    /** The values of a hash, as numbers ({@code HVALS}); for the cluster's count of users per node. */
    long sumOfHash(String key) {
        try {
            long sum = 0;
            for (Object value : (List<?>) call("HVALS", key)) {
                sum += Long.parseLong((String) value);
            }
            return sum;
        } catch (IOException failed) {
            throw new UncheckedIOException("HVALS " + key + " from Redis on port " + port, failed);
        }
    }

    /**
     * One command on a connection of its own, and its answer: a String (simple or bulk), a Long, a List, or null;
     * an error answer throws.
     */
    Object call(String... words) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
            for (String word : words) {
                request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word)
                        .append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            Object answer = read(new BufferedInputStream(socket.getInputStream()));
            ownCalls.merge(words[0].toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
            return answer;
        }
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IOException("Redis answered: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2); // and its CRLF
                if (bytes.length < length + 2) {
                    throw new IOException("Redis closed the connection mid-answer");
                }
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return count < 0 ? null : items;
            }
            default:
                throw new IOException("not a Redis answer: " + (char) type + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c == -1) {
                throw new IOException("Redis closed the connection");
            }
            line.append((char) c);
        }
        in.read(); // '\n'
        return line.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
