package dev.webrtcsteps.step2;

import dev.webrtcsteps.common.Peer;
import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ProtocolException;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 2's whole state: at most two users, who may signal only to each other. When one leaves, the other
 * waits for the next newcomer. Thread-safe: Jetty calls it from many threads.
 */
final class Pair {

    static final int CAPACITY = 2;
    private static final Logger LOG = LoggerFactory.getLogger(Pair.class);

    private final Map<String, Peer> peersBySession = new LinkedHashMap<>();

    void join(String sessionId, Session session) {
        Peer newcomer = new Peer(Peer.newId(), session);
        synchronized (this) {
            if (peersBySession.size() < CAPACITY) {
                List<PeerInfo> present = peersBySession.values().stream().map(Peer::info).toList();
                // Welcome first, so the newcomer knows its id before anyone can signal to it.
                newcomer.send(new ServerMessage.Welcome(newcomer.id(), present));
                peersBySession.values().forEach(other -> other.send(new ServerMessage.PeerJoined(newcomer.info())));
                peersBySession.put(sessionId, newcomer);
                LOG.info("{} joined ({} of {})", newcomer, peersBySession.size(), CAPACITY);
                return;
            }
        }
        LOG.info("{} refused: the pair is complete", newcomer);
        newcomer.sendAndClose(new ServerMessage.Error(ErrorCode.ROOM_FULL,
                "Two people are already chatting here, and step 2 holds only two. Try again when one of them leaves."),
                CloseCodes.ROOM_FULL, "room-full");
    }

    void receive(String sessionId, String frame) {
        Peer sender = peer(sessionId);
        if (sender == null) {
            return; // refused or already gone
        }
        try {
            if (Protocol.decode(frame) instanceof SignalRequest request) {
                relay(sender, request);
            }
        } catch (ProtocolException refused) {
            if (sender.reject(refused)) {
                leave(sessionId);
            }
        }
    }

    void receiveBinary(String sessionId) {
        Peer sender = peer(sessionId);
        if (sender != null) {
            sender.send(new ServerMessage.Error(ErrorCode.BAD_MESSAGE,
                    "Binary frames are not part of the protocol; send JSON text frames."));
        }
    }

    /** Hands the signal to its addressee, stamped with the sender's real id: a client cannot pose as another. */
    private void relay(Peer sender, SignalRequest request) {
        Peer addressee = peerById(request.to());
        if (addressee == null || addressee == sender) {
            sender.send(new ServerMessage.Error(ErrorCode.UNKNOWN_PEER,
                    "No other peer with that id is connected; it may have left. Wait for a peer-joined message."));
            return;
        }
        addressee.send(new ServerMessage.Signal(sender.id(), request.data()));
    }

    void leave(String sessionId) {
        synchronized (this) {
            Peer leaving = peersBySession.remove(sessionId);
            if (leaving == null) {
                return;
            }
            leaving.closed();
            peersBySession.values().forEach(other -> other.send(new ServerMessage.PeerLeft(leaving.id())));
            LOG.info("{} left", leaving);
        }
    }

    synchronized int size() {
        return peersBySession.size();
    }

    private synchronized Peer peer(String sessionId) {
        return peersBySession.get(sessionId);
    }

    private synchronized Peer peerById(String id) {
        return peersBySession.values().stream().filter(peer -> peer.id().equals(id)).findFirst().orElse(null);
    }
}
