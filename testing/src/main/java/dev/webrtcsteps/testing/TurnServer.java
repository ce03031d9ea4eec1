package dev.webrtcsteps.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real coturn ({@code turnserver}, Debian's {@code coturn} package) on 127.0.0.1 and free ports, checking TURN REST
 * credentials against {@link #SECRET}: {@code @RegisterExtension static final TurnServer turn = new TurnServer();}
 * starts it before a test class and stops it after. Its log tells which users were given a relay.
 *
 * <p>{@code --allow-loopback-peers} lets two browsers on this machine relay to each other through 127.0.0.1, and
 * coturn 4.6 starts with it only with {@code --no-cli}: both are for tests only, never for a real server
 * (docs/turn.md).
 */
public final class TurnServer implements BeforeAllCallback, AfterAllCallback {

    public static final String SECRET = "a-turn-secret-for-the-tests";
    /** coturn ({@code -v}) logs each allocation it grants, with the username: {@code EXPIRY:USERID}. */
    private static final Pattern ALLOCATED = Pattern.compile("user <\\d+:([A-Za-z0-9_-]+)>: incoming packet ALLOCATE processed, success");
    private static final int RELAY_PORTS = 100;

    private Process process;
    private Path log;
    private int port;

    /** The settings that point a step's server at this TURN server, with the given transport policy. */
    public Map<String, String> settings(String transportPolicy) {
        return Map.of("TURN_URLS", url(), "TURN_SECRET", SECRET, "ICE_TRANSPORT_POLICY", transportPolicy);
    }

    public String url() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    /** The ids of the users to whom coturn granted a relay so far. */
    public List<String> usersRelayed() {
        try {
            return Files.readAllLines(log).stream().map(ALLOCATED::matcher).filter(Matcher::find)
                    .map(found -> found.group(1)).distinct().toList();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    public TurnServer start() {
        try {
            Path directory = Files.createTempDirectory("turnserver");
            log = directory.resolve("turnserver.log");
            port = freePort();
            int lowest = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
            process = new ProcessBuilder("turnserver", "-n", "-v", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                    "--listening-port=" + port, "--min-port=" + lowest, "--max-port=" + (lowest + RELAY_PORTS - 1),
                    "--use-auth-secret", "--static-auth-secret=" + SECRET, "--realm=webrtc-steps.test",
                    "--allow-loopback-peers", "--no-cli", "--no-tls", "--no-dtls", "--no-tcp-relay",
                    "--userdb=" + directory.resolve("turndb"), "--pidfile=" + directory.resolve("turnserver.pid"),
                    "--log-file=stdout", "--simple-log")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly)); // never outlives the tests
        } catch (IOException notInstalled) {
            throw new IllegalStateException("Cannot start turnserver: install Debian's coturn package (bash .ci/run does)",
                    notInstalled);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("turnserver on port " + port + " did not start; see " + log);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return this;
    }

    /** coturn listens on TCP as well as UDP on its port: once it accepts, it is ready. */
    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** A port free for both TCP and UDP on 127.0.0.1. */
    private static int freePort() throws IOException {
        while (true) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return udp.getLocalPort();
            } catch (IOException udpTaken) {
                // try another
            }
        }
    }

    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }
}
