package dev.webrtcsteps.step2;

import dev.webrtcsteps.common.Connection;
import dev.webrtcsteps.common.Peer;
import dev.webrtcsteps.common.Refusal;
import dev.webrtcsteps.common.Signaling;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Step 2's whole state: at most two users, who may signal only to each other. When one leaves, the other
 * waits for the next newcomer. Thread-safe: Jetty calls it from many threads.
 */
final class Pair implements Signaling {

    static final int CAPACITY = 2;

    private final List<Peer> peers = new ArrayList<>(CAPACITY); // guarded by this

    @Override
    public synchronized Peer join(Connection connection, Function<String, String> query) throws Refusal {
        if (peers.size() >= CAPACITY) {
            throw new Refusal(ErrorCode.ROOM_FULL, "Two people are already chatting here, and step 2 holds only two."
                    + " Try again when one of them leaves.", CloseCodes.ROOM_FULL);
        }
        Peer newcomer = new Peer(Peer.newId(), null, connection);
        // Welcome first, so the newcomer knows its id before anyone can signal to it.
        newcomer.send(new ServerMessage.Welcome(newcomer.id(), present(), newcomer.resumeToken()));
        peers.forEach(other -> other.send(new ServerMessage.PeerJoined(newcomer.info())));
        peers.add(newcomer);
        return newcomer;
    }

    /** The other one of the pair, if that is whom the sender names. */
    @Override
    public synchronized Peer addressee(Peer sender, String id) {
        return peers.stream().filter(peer -> peer != sender && peer.id().equals(id)).findFirst().orElse(null);
    }

    @Override
    public synchronized ServerMessage.Welcome welcomeBack(Peer peer) {
        if (!peers.contains(peer)) {
            return null;
        }
        List<PeerInfo> others = peers.stream().filter(other -> other != peer).map(Peer::info).toList();
        return new ServerMessage.Welcome(peer.id(), others, peer.resumeToken());
    }

    @Override
    public synchronized void leave(Peer leaving) {
        if (peers.remove(leaving)) {
            peers.forEach(other -> other.send(new ServerMessage.PeerLeft(leaving.id())));
        }
    }

    @Override
    public synchronized int users() {
        return peers.size();
    }

    @Override
    public synchronized int rooms() {
        return peers.isEmpty() ? 0 : 1;
    }

    private List<PeerInfo> present() {
        return peers.stream().map(Peer::info).toList();
    }
}
