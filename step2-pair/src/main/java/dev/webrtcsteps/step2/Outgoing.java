package dev.webrtcsteps.step2;

import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ServerMessage;
import io.javalin.websocket.WsContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Sends, and counts what waits to be written to each connection. Jetty queues a text it cannot write yet, without
 * a bound, so a client that reads nothing could hold any amount of the server's memory; step 2 drops a client
 * once more than {@link #MAX_UNSENT_BYTES} wait for it (a text counts 2 bytes a character, the most a Java string
 * takes). Step 3 goes further, with a queue of its own for each connection.
 */
final class Outgoing {

    static final long MAX_UNSENT_BYTES = 1024 * 1024;

    private final Map<Session, AtomicLong> unsentBytes = new ConcurrentHashMap<>();

    /** A connection opened: from now until {@link #forget}, what waits for it is counted. */
    void open(WsContext connection) {
        unsentBytes.put(connection.session, new AtomicLong());
    }

    /** Sends, unless the connection has closed already. */
    void send(WsContext connection, ServerMessage message) {
        AtomicLong unsent = unsentBytes.get(connection.session);
        if (unsent == null) {
            return; // closed
        }
        String text = Protocol.encode(message);
        long bytes = 2L * text.length();
        if (unsent.addAndGet(bytes) > MAX_UNSENT_BYTES) {
            connection.session.disconnect(); // it reads nothing: a close frame would wait behind the rest
            return;
        }
        connection.session.sendText(text, Callback.from(() -> unsent.addAndGet(-bytes), failed -> unsent.addAndGet(-bytes)));
    }

    /** The connection closed. */
    void forget(WsContext connection) {
        unsentBytes.remove(connection.session);
    }
}
