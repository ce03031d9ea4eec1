package dev.webrtcsteps.common;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds connections whose other end has vanished without a close: a crashed tab, a laptop that went to
 * sleep, a cable pulled. Every {@code interval} it pings each connection; browsers answer pings by
 * themselves. A connection that has sent nothing at all (no pong, no message) since the previous ping is
 * silent: its {@code onSilent} runs (which disconnects it), and the normal close handling tells its peers. So a
 * vanished client is gone within two intervals.
 *
 * <p>Why not Javalin's automatic pings and Jetty's idle timeout: the idle timeout counts traffic both ways, and
 * the pings are traffic, so a client that stopped answering never looks idle. And Javalin's handlers do not
 * report pongs, so answers are noticed by the bytes the connection has read, which only Jetty's own session
 * knows ({@link #bytesRead}).
 */
public final class Heartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final long NOT_PINGED_YET = -1;

    private final ScheduledExecutorService timer;
    private final Map<Session, Watched> watched = new ConcurrentHashMap<>();
    private final AtomicLong beats = new AtomicLong();

    /** A watched connection: what to do when it is silent, and the bytes it had read at the last ping. */
    private record Watched(Runnable onSilent, long bytesReadAtLastPing) {
    }

    /** How often to ping: {@code HEARTBEAT_SECONDS} from the environment, 15 when it is not set. */
    public static Duration intervalFromEnvironment(Map<String, String> environment) {
        return Duration.ofSeconds(Environment.number(environment, "HEARTBEAT_SECONDS", 15, 3600));
    }

    public Heartbeat(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        timer.scheduleAtFixedRate(this::beat, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Pings this connection from now on; {@code onSilent} runs when it stops answering. */
    public void watch(Session session, Runnable onSilent) {
        watched.put(session, new Watched(onSilent, NOT_PINGED_YET));
    }

    public void forget(Session session) {
        watched.remove(session);
    }

    /** How many connections are watched. */
    public int size() {
        return watched.size();
    }

    /** How many rounds of pings have been made so far. */
    public long beats() {
        return beats.get();
    }

    private void beat() {
        watched.forEach((session, before) -> {
            try {
                long now = bytesRead(session);
                if (now == before.bytesReadAtLastPing()) {
                    forget(session);
                    before.onSilent().run();
                } else if (watched.replace(session, before, new Watched(before.onSilent(), now))) { // unless closed meanwhile
                    session.sendPing(EMPTY.duplicate(), Callback.NOOP);
                }
            } catch (RuntimeException failure) {
                // One broken connection must not stop the heartbeat of all the others.
                LOG.warn("Heartbeat failed for {}", session.getRemoteSocketAddress(), failure);
            }
        });
        beats.incrementAndGet();
    }

    private static long bytesRead(Session session) {
        if (session instanceof WebSocketSession jetty && jetty.getCoreSession() instanceof WebSocketCoreSession core
                && core.getConnection() != null) {
            return core.getConnection().getBytesIn();
        }
        throw new IllegalStateException("The heartbeat needs Jetty's WebSocket session, not " + session.getClass());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
