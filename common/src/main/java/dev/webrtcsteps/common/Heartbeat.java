package dev.webrtcsteps.common;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
 * handed to {@code onSilent} to be disconnected, and the normal close handling tells its peers. So a vanished
 * client is gone within two intervals.
 *
 * <p>Answers are noticed by the bytes the connection has read, because Javalin's WebSocket handlers do not
 * report pongs.
 */
public final class Heartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final long NOT_PINGED_YET = -1;

    private final ScheduledExecutorService timer;
    private final Map<Session, Long> bytesReadAtLastPing = new ConcurrentHashMap<>();
    private final AtomicLong beats = new AtomicLong();
    private final Consumer<Session> onSilent;

    public Heartbeat(Duration interval, Consumer<Session> onSilent) {
        this.onSilent = onSilent;
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        timer.scheduleAtFixedRate(this::beat, millis, millis, TimeUnit.MILLISECONDS);
    }

    public void watch(Session session) {
        bytesReadAtLastPing.put(session, NOT_PINGED_YET);
    }

    public void forget(Session session) {
        bytesReadAtLastPing.remove(session);
    }

    /** How many connections are watched. */
    public int size() {
        return bytesReadAtLastPing.size();
    }

    /** How many rounds of pings have been made so far. */
    public long beats() {
        return beats.get();
    }

    private void beat() {
        bytesReadAtLastPing.forEach((session, before) -> {
            try {
                long now = bytesRead(session);
                if (now == before) {
                    forget(session);
                    onSilent.accept(session);
                } else if (bytesReadAtLastPing.replace(session, before, now)) { // unless it closed meanwhile
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
