package dev.webrtcsteps.common;

import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.function.Function;

/**
 * What a step decides about its users: whom to admit, who may signal to whom, and what the others hear
 * when someone comes or goes. {@link SignalingEndpoint} does the rest (the WebSocket, checking frames,
 * limits, heartbeat, resume) the same way for every step. Implementations are thread-safe.
 */
public interface Signaling {

    /**
     * A new connection: admit it (send it its welcome, tell the others) and return its peer.
     *
     * @param query the connection's query parameters, e.g. {@code room}
     * @throws Refusal when there is no room for it, or it asked for something it may not have
     */
    Peer join(Connection connection, Function<String, String> query) throws Refusal;

    /** The peer {@code sender} may signal to under this id, or null (no such peer here, or itself). */
    Peer addressee(Peer sender, String id);

    /**
     * The welcome for a peer that came back on a new connection: its id again, and who is there now; null if
     * the peer has left meanwhile.
     */
    ServerMessage.Welcome welcomeBack(Peer peer);

    /** The peer is gone for good: tell the others. */
    void leave(Peer peer);

    /** How many users are admitted (including any whose connection dropped a moment ago). */
    int users();

    /** How many rooms have users in them. */
    int rooms();
}
