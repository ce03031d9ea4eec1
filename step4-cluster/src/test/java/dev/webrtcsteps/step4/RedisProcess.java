package dev.webrtcsteps.step4;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code redis-server} (Debian's package) on 127.0.0.1 and a free port, for one test class; nothing saved to
 * disk. {@link #kill()} and {@link #start()} again make a Redis that restarts and has lost everything.
 */
final class RedisProcess implements AutoCloseable {

    private final int port;
    private final Path directory;
    private final List<String> extraArguments;
    private Process process;

    RedisProcess(int port, Path directory, String... extraArguments) {
        this.port = port;
        this.directory = directory;
        this.extraArguments = List.of(extraArguments);
    }

    /** A Redis on a free port. */
    static RedisProcess started() {
        try {
            return new RedisProcess(freePort(), Files.createTempDirectory("redis")).start();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    RedisProcess start() {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", directory.toString()));
        command.addAll(extraArguments);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("redis.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly)); // never outlives the tests
        } catch (IOException notInstalled) {
            throw new IllegalStateException("Cannot start redis-server: install Debian's redis-server package "
                    + "(bash .ci/run does)", notInstalled);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"+PONG".equals(command("PING"))) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " did not start; see " + directory.resolve("redis.log"));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return this;
    }

    int port() {
        return port;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops it at once, as a crash would (SIGKILL). */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Freezes it (SIGSTOP), as a long GC-like stall or a network that drops everything would: nothing answers. */
    void pause() {
        signal("-STOP");
    }

    /** Lets a paused Redis go on (SIGCONT), with everything it held. */
    void resume() {
        signal("-CONT");
    }

    private void signal(String which) {
        try {
            new ProcessBuilder("kill", which, String.valueOf(process.pid())).inheritIO().start().waitFor();
        } catch (IOException | InterruptedException failed) {
            throw new IllegalStateException("kill " + which + " failed", failed);
        }
    }

    /** One command in Redis' inline form, its first reply line; null if Redis is not answering. */
    String command(String inline) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        } catch (IOException notAnswering) {
            return null;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            if (process.isAlive()) {
                resume(); // were it paused
            }
            kill();
        }
    }
}
