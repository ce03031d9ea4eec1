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
 * this looks at every open HTTP connection a few times per deadline: one whose parser is in the middle of a
 * request header for the same request for a whole deadline is closed, without an answer. The clock of a
 * connection's first request starts when the connection opens, that of a later one when the sweep first sees
 * it begun, so a connection is closed between one deadline and one deadline plus a tenth after its request began.
 *
 * <p>Not affected: connections idle between requests (the parser waits at its start; Jetty's idle timeout
 * handles them), requests whose header is complete, and upgraded WebSockets (no longer HTTP connections).
 */
final class HeaderDeadline extends AbstractLifeCycle {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);

    private final Server server;
    private final long deadlineNanos;
    private final long periodNanos;
    /** Connections in the middle of a request header when last swept; only the sweep touches it, one at a time. */
    private Map<HttpConnection, Begun> inHeader = new HashMap<>();
    private volatile Scheduler.Task next;

    private record Begun(long request, long nanos) {
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
            long now = System.nanoTime();
            long nowMillis = System.currentTimeMillis();
            Map<HttpConnection, Begun> still = new HashMap<>();
            int closed = 0;
            for (Connector connector : server.getConnectors()) {
                for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                    if (!(endPoint.getConnection() instanceof HttpConnection http) || !inHeader(http.getParser())) {
                        continue;
                    }
                    long request = http.getMessagesIn(); // counts requests whose header was complete
                    Begun begun = inHeader.get(http);
                    if (begun == null || begun.request() != request) {
                        long opened = now - TimeUnit.MILLISECONDS.toNanos(nowMillis - endPoint.getCreatedTimeStamp());
                        begun = new Begun(request, request == 0 ? Math.min(opened, now) : now);
                    }
                    if (now - begun.nanos() >= deadlineNanos) {
                        endPoint.close(new TimeoutException("request header not complete within the deadline"));
                        closed++;
                    } else {
                        still.put(http, begun);
                    }
                }
            }
            inHeader = still;
            if (closed > 0) {
                LOG.info("Closed {} connection(s) whose request header was not complete within {} ms", closed,
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

    /** Some of a request has arrived, but not all of its header. */
    private static boolean inHeader(HttpParser parser) {
        return parser.inHeaderState() && !parser.isStart();
    }
}
