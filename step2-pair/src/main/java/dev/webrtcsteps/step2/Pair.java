package dev.webrtcsteps.step2;

import dev.webrtcsteps.common.IceServers;
import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.ServerMessage;
import io.javalin.websocket.WsContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 2's whole state: at most two users, who may signal only to each other. When one leaves, the other
 * waits for the next newcomer. Jetty calls from many threads at once, so every method holds the pair's lock.
 */
final class Pair {

    static final int CAPACITY = 2;

    /** A user: the id the server gave it, and its connection. */
    private record User(String id, WsContext connection) {
    }

    private final List<User> users = new ArrayList<>(CAPACITY);
    private final Outgoing outgoing;
    private final IceServers iceServers;

    Pair(Outgoing outgoing, IceServers iceServers) {
        this.outgoing = outgoing;
        this.iceServers = iceServers;
    }

    /** Welcomes a newcomer and tells the one waiting, if any; false if two are here already. */
    synchronized boolean join(WsContext connection) {
        if (users.size() == CAPACITY) {
            return false;
        }
        User newcomer = new User(PeerInfo.randomId(), connection);
        List<PeerInfo> present = users.stream().map(user -> new PeerInfo(user.id(), null)).toList();
        // Welcome first, so the newcomer knows its id (and its STUN and TURN servers) before anyone can signal to it.
        send(newcomer, new ServerMessage.Welcome(newcomer.id(), present, iceServers.forUser(newcomer.id())));
        users.forEach(other -> send(other, new ServerMessage.PeerJoined(new PeerInfo(newcomer.id(), null))));
        users.add(newcomer);
        return true;
    }

    /**
     * Hands a signal to the other user, stamped with the sender's real id: a client cannot pose as another.
     * False if the sender names nobody else here (the peer left a moment ago, or the sender is not in the pair).
     */
    synchronized boolean relay(WsContext from, SignalRequest signal) {
        User sender = find(from);
        User addressee = users.stream().filter(user -> user != sender && user.id().equals(signal.to()))
                .findFirst().orElse(null);
        if (sender == null || addressee == null) {
            return false;
        }
        send(addressee, new ServerMessage.Signal(sender.id(), signal.data()));
        return true;
    }

    /** The user on this connection is gone: tell the other one. */
    synchronized void leave(WsContext connection) {
        User leaving = find(connection);
        if (leaving != null) {
            users.remove(leaving);
            users.forEach(other -> send(other, new ServerMessage.PeerLeft(leaving.id())));
        }
    }

    private void send(User user, ServerMessage message) {
        outgoing.send(user.connection(), message);
    }

    private User find(WsContext connection) {
        return users.stream().filter(user -> user.connection().sessionId().equals(connection.sessionId()))
                .findFirst().orElse(null);
    }
}
