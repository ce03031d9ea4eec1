package dev.webrtcsteps.common;

import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ProtocolException;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One connected user: the id the server gave it, and its WebSocket session.
 *
 * <p>Sends are queued and written one at a time, each after the previous one completed: Jetty must not be
 * asked to write two messages on one session at once (javalin#423), and a slow reader must not block the
 * thread of whoever is sending to it. The queue is bounded; a peer that lets it fill up is closed.
 */
public final class Peer {

    /** How many messages may wait for a slow reader before it is disconnected. */
    public static final int MAX_QUEUED_MESSAGES = 256;

    /** How long a refused client has to read why before the server closes the connection. */
    public static final Duration CLOSE_DELAY = Duration.ofSeconds(2);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final String name;
    private final Session session;
    private final Queue<String> queue = new ArrayDeque<>();
    private boolean writing;
    private boolean closed;
    private Runnable closeWhenFlushed;

    /** A peer without a name (step 2). */
    public Peer(String id, Session session) {
        this(id, null, session);
    }

    public Peer(String id, String name, Session session) {
        this.id = id;
        this.name = name;
        this.session = session;
    }

    /** A new id: 128 random bits, so ids cannot be guessed from one another (22 URL-safe characters). */
    public static String newId() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    public String id() {
        return id;
    }

    /** How others see this peer: PEER in the protocol. */
    public PeerInfo info() {
        return new PeerInfo(id, name);
    }

    /** Queues a message; it is written after every message queued before it. */
    public void send(ServerMessage message) {
        String text = Protocol.encode(message);
        synchronized (this) {
            if (closed || closeWhenFlushed != null) {
                return;
            }
            if (queue.size() >= MAX_QUEUED_MESSAGES) {
                closed = true;
                queue.clear();
                session.close(CloseCodes.TOO_SLOW, "too many unread messages", Callback.NOOP);
                return;
            }
            queue.add(text);
            if (writing) {
                return;
            }
            writing = true;
        }
        writeNext();
    }

    /**
     * Answers a refused frame with its error. The connection stays open, except after {@code too-large}:
     * a client that sends frames that large is not speaking this protocol, so it is closed with 1009.
     *
     * @return whether the connection is being closed, so that the caller treats the peer as gone
     */
    public boolean reject(ProtocolException refused) {
        if (refused.code() == ErrorCode.TOO_LARGE) {
            sendAndClose(refused.toMessage(), CloseCodes.MESSAGE_TOO_BIG, "message too large");
            return true;
        }
        send(refused.toMessage());
        return false;
    }

    /**
     * Sends a last message (say, why the server refuses this connection), then closes {@link #CLOSE_DELAY}
     * later unless the client has closed first. Nothing more is sent or relayed to it meanwhile.
     */
    public void sendAndClose(ServerMessage message, int closeCode, String reason) {
        send(message);
        synchronized (this) {
            if (closed || closeWhenFlushed != null) {
                return;
            }
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
        // The connection is gone; the close handler will remove this peer.
        synchronized (this) {
            closed = true;
            writing = false;
            queue.clear();
        }
    }

    /** Marks the peer as gone: nothing more is sent to it. */
    public synchronized void closed() {
        closed = true;
        queue.clear();
    }

    @Override
    public String toString() {
        return "Peer " + id;
    }
}
