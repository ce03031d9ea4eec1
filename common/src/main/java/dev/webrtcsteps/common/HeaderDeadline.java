package dev.webrtcsteps.common;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections whose request header takes longer than a deadline to arrive ("slowloris": a client that
 * sends a header line every few seconds and never finishes, to hold a connection and a little memory for as
 * long as it likes; Jetty's idle timeout only notices silence). Jetty has no deadline for the whole header, so
 * this looks at every open HTTP connection a few times per deadline, and closes, without an answer, one that has
 * been in the middle of a request header for a whole deadline since a sweep first saw it so: its parser has read
 * part of a header, or bytes that are no request (Jetty skips blank lines before a request, and each one would
 * restart the idle timeout). So a request is cut off between one deadline and one deadline plus a tenth after
 * the server began to read it. The clock starts with what the server has read, not with the connection's
 * opening: a busy server may take a while to read what waits in a socket, and that is not the client's doing.
 *
 * <p>Not affected: kept-alive connections quiet between requests (Jetty's idle timeout handles them), requests
 * whose header is complete (a slow body is not a header), and upgraded WebSockets (no longer HTTP connections).
 */
final class HeaderDeadline extends AbstractLifeCycle {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);

    private final Server server;
    private final long deadlineNanos;
    private final long periodNanos;
    /** What the last sweep saw of each HTTP connection; only the sweep touches it, one at a time. */
    private Map<HttpConnection, Seen> seen = new HashMap<>();
    private volatile Scheduler.Task next;
    private final LogThrottle closedLog = new LogThrottle(LOG, 20);

    /**
     * @param request how many requests the connection had completed
     * @param bytesIn how many bytes it had read
     * @param atStart whether its parser waited for a request
     * @param since when its current request header began, or -1 if it is not in one
     */
    private record Seen(long request, long bytesIn, boolean atStart, long since) {
        boolean timed() {
            return since != -1;
        }
    }

    HeaderDeadline(Server server, Duration deadline) {
        this.server = server;
        this.deadlineNanos = deadline.toNanos();
        this.periodNanos = Math.max(deadlineNanos / 10, TimeUnit.MILLISECONDS.toNanos(10));
    }

    @Override
    protected void doStart() {
        schedule();
    }

    @Override
    protected void doStop() {
        Scheduler.Task task = next;
        if (task != null) {
            task.cancel();
        }
    }

    private void schedule() {
        next = server.getScheduler().schedule(this::sweep, periodNanos, TimeUnit.NANOSECONDS);
    }

    private void sweep() {
        try {
            long nanos = System.nanoTime();
            Map<HttpConnection, Seen> still = new HashMap<>();
            int closed = 0;
            for (Connector connector : server.getConnectors()) {
                for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                    if (!(endPoint.getConnection() instanceof HttpConnection http)) {
                        continue;
                    }
                    Seen now = look(http, seen.get(http), nanos);
                    if (now.timed() && nanos - now.since() >= deadlineNanos) {
                        endPoint.close(new TimeoutException("request header not complete within the deadline"));
                        closed++;
                    } else {
                        still.put(http, now);
                    }
                }
            }
            seen = still;
            if (closed > 0) {
                closedLog.info("Closed {} connection(s) whose request header was not complete within {} ms", closed,
                        TimeUnit.NANOSECONDS.toMillis(deadlineNanos));
            }
        } catch (RuntimeException unexpected) {
            LOG.warn("Checking request header deadlines failed", unexpected);
        } finally {
            if (isRunning()) {
                schedule();
            }
        }
    }

    /** What a sweep sees of a connection, given what the one before saw ({@code before}, or null). */
    private static Seen look(HttpConnection http, Seen before, long nanos) {
        long request = http.getMessagesIn(); // requests whose header was complete
        long bytesIn = http.getBytesIn();
        boolean sameRequest = before != null && before.request() == request;
        if (sameRequest && before.timed()) {
            return before;
        }
        HttpParser parser = http.getParser();
        boolean inHeader = parser.inHeaderState() && !parser.isStart();
        // At the start, yet bytes were read: blank lines (before the first request, every byte read is one).
        boolean blankLines = parser.isStart() && (request == 0 ? bytesIn > 0
                : sameRequest && before.atStart() && bytesIn > before.bytesIn());
        return new Seen(request, bytesIn, parser.isStart(), inHeader || blankLines ? nanos : -1);
    }
}
