package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One WebSocket connection, and the order of what is written to it.
 *
 * <p>Sends are queued here and handed to Jetty one at a time, each after the previous one was written, so that
 * this class knows how much waits for each client. Jetty would queue them itself, but without a bound: a client
 * that does not read could hold any amount of the server's memory. So this queue is an {@link Outbox}, bounded
 * in bytes: a signal that does not fit is refused to its sender, and a client that lets even the server's own
 * messages pile up beyond {@link Outbox#MAX_BYTES} is disconnected, and holds up nobody else. A send never blocks
 * the thread of whoever is sending.
 */
public final class Connection {

    /** WebSocket close status for a connection that ended without a close frame. */
    private static final int NO_CLOSE_FRAME = 1006;
    /** WebSocket close status a browser sends when its page goes away: a reload, as well as a closed tab. */
    private static final int GOING_AWAY = 1001;
    /** WebSocket close status Jetty sends when a handler failed: the server's doing, not the client's. */
    private static final int SERVER_ERROR = 1011;
    /** How long a refused client has to read why before the server closes the connection. */
    static final Duration CLOSE_DELAY = Duration.ofSeconds(2);

    private final Session session;
    private final Stats stats;
    private final RateLimit rateLimit;
    private final Outbox queue = new Outbox();
    private boolean writing;
    private boolean closed;
    private Runnable closeWhenFlushed;
    private volatile String endReason;
    private volatile User user;
    private String countedAddress;
    private JoinRequest.Unchecked awaitedResume;

    Connection(Session session, Stats stats, RateLimit rateLimit) {
        this.session = session;
        this.stats = stats;
        this.rateLimit = rateLimit;
    }

    Session session() {
        return session;
    }

    /** The user on this connection, or null: not admitted (yet), or its user resumed on another connection. */
    public User user() {
        return user;
    }

    /** Set by the hub, under its lock, before anything is sent to the user. */
    public void attach(User admitted) {
        user = admitted;
    }

    RateLimit rateLimit() {
        return rateLimit;
    }

    /** The client address this connection counts under in the per-address limits, or null if it does not count. */
    synchronized String countedAddress() {
        return countedAddress;
    }

    synchronized void countUnder(String address) {
        countedAddress = address;
    }

    /** Opened with {@code ?resume}: the first frame must be the resume message; the join waits for it. */
    synchronized void awaitResume(JoinRequest.Unchecked join) {
        awaitedResume = join;
    }

    synchronized boolean awaitsResume() {
        return awaitedResume != null;
    }

    /** The join that waited for a resume message, taken (by the first frame, or by the deadline); null if taken. */
    synchronized JoinRequest.Unchecked takeAwaitedResume() {
        JoinRequest.Unchecked join = awaitedResume;
        awaitedResume = null;
        return join;
    }

    /** Queues a message of the server's own; it is written after every message queued before it. */
    public void send(ServerMessage message) {
        if (message instanceof ServerMessage.Error error) {
            stats.countError(error.code());
        }
        sendText(Protocol.encode(message));
    }

    /** {@link #send} of a message encoded already: a message for a whole room is encoded once, not per member. */
    public void sendText(String text) {
        if (!enqueue(text, false)) {
            markEnded("too slow: " + Outbox.MAX_BYTES / 1024 + " KiB unread");
            // A close frame would wait behind the unread messages forever: drop the connection. On another
            // thread, because whoever is sending holds a room's lock, and the close handling takes it too.
            CompletableFuture.runAsync(session::disconnect);
        }
    }

    /** Queues a signal from another user, unless signals fill their share of the queue: false then. */
    public boolean offerSignal(ServerMessage.Signal signal) {
        return offerSignalText(Protocol.encode(signal));
    }

    /** {@link #offerSignal} of a signal encoded already. */
    public boolean offerSignalText(String signal) {
        return enqueue(signal, true);
    }

    /** False if the text does not fit; true if it was queued, or the connection is ending and drops it. */
    private boolean enqueue(String text, boolean signal) {
        synchronized (this) {
            if (closed || closeWhenFlushed != null) {
                return true;
            }
            if (!(signal ? queue.addSignal(text) : queue.add(text))) {
                return false;
            }
            if (writing) {
                return true;
            }
            writing = true;
        }
        writeNext();
        return true;
    }

    /** Bytes waiting to be written to this client. */
    public synchronized long queuedBytes() {
        return queue.bytes();
    }

    /**
     * Sends a last message (say, why the server refuses this connection), then closes {@link #CLOSE_DELAY}
     * later unless the client has closed first. Nothing more is sent to it meanwhile.
     */
    public void sendAndClose(ServerMessage message, int closeCode, String reason) {
        send(message);
        synchronized (this) {
            if (closed || closeWhenFlushed != null) {
                return;
            }
            endReason = reason;
            // A browser drops messages that it has not yet handed to the page when the close frame arrives
            // (the WebSocket spec says so; Firefox does it), so the client gets a moment to read the last
            // message and close by itself.
            closeWhenFlushed = () -> CompletableFuture.delayedExecutor(CLOSE_DELAY.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> session.close(closeCode, reason, Callback.NOOP));
            if (writing) {
                return;
            }
        }
        closeNow();
    }

    /** Ends the connection at once, without a close handshake: the other end is gone or not listening. */
    public void disconnect(String reason) {
        markEnded(reason);
        session.disconnect();
    }

    /** Nothing more is written; the first reason given is the one the close handling sees. */
    synchronized void markEnded(String reason) {
        closed = true;
        queue.clear();
        if (endReason == null) {
            endReason = reason;
        }
    }

    /** Whether the server is ending this connection: nothing more is read from it or written to it. */
    synchronized boolean ending() {
        return closed || closeWhenFlushed != null;
    }

    /** Why the server ended this connection, or null if it did not. */
    public String endReason() {
        return endReason;
    }

    /**
     * Whether the connection, now closed with {@code status}, may come back, and not by the server's doing: it broke
     * without a close frame (a network change, a proxy timeout, a server restart on the other side of a load
     * balancer), or its page went away (1001), which a reload does: the reloaded page resumes with the token it
     * kept. Its user keeps its place for the grace period. A page that leaves on purpose closes with another code.
     */
    public boolean dropped(int status) {
        return endReason == null && (status == NO_CLOSE_FRAME || status == GOING_AWAY);
    }

    /** Why the connection, now closed with {@code status}, ended: for the log. */
    public String whyClosed(int status) {
        if (endReason != null) {
            return endReason;
        }
        return status == SERVER_ERROR ? "the server failed while serving it (" + status + ")"
                : "closed by the client (" + status + ")";
    }

    /** Marks the connection as gone: nothing more is written to it. */
    synchronized void closed() {
        closed = true;
        queue.clear();
    }

    private void writeNext() {
        String next;
        synchronized (this) {
            next = closed ? null : queue.poll();
            if (next == null) {
                writing = false;
                if (closeWhenFlushed == null || closed) {
                    return;
                }
            }
        }
        if (next == null) {
            closeNow();
            return;
        }
        session.sendText(next, Callback.from(this::writeNext, this::writeFailed));
    }

    private void closeNow() {
        Runnable close;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            close = closeWhenFlushed;
        }
        close.run();
    }

    private void writeFailed(Throwable failure) {
        // The connection is gone; its close handler will see to the rest.
        closed();
        synchronized (this) {
            writing = false;
        }
    }
}
