package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.Peer;
import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users in one room. Presence is incremental: a newcomer gets the current list once, in its welcome,
 * and everyone else gets one peer-joined; nobody is ever sent the whole list again. A join or a leave
 * therefore costs one message per member, O(room size).
 */
final class Room {

    private final String name;
    private final Map<String, Peer> peersById = new LinkedHashMap<>();

    Room(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    synchronized int size() {
        return peersById.size();
    }

    /** Welcomes the newcomer with the present members, then tells each of them about it. */
    synchronized void add(Peer newcomer) {
        List<PeerInfo> present = peersById.values().stream().map(Peer::info).toList();
        // Welcome first, so the newcomer knows its id before anyone can signal to it.
        newcomer.send(welcome(newcomer, present));
        ServerMessage joined = new ServerMessage.PeerJoined(newcomer.info());
        peersById.values().forEach(member -> member.send(joined));
        peersById.put(newcomer.id(), newcomer);
    }

    /** The welcome for a member back on a new connection: who is here now, besides itself. */
    synchronized ServerMessage.Welcome welcomeBack(Peer member) {
        return welcome(member, peersById.values().stream().filter(other -> other != member).map(Peer::info).toList());
    }

    private ServerMessage.Welcome welcome(Peer peer, List<PeerInfo> present) {
        return new ServerMessage.Welcome(peer.id(), peer.info().name(), name, present, peer.resumeToken());
    }

    synchronized void remove(Peer leaving) {
        if (peersById.remove(leaving.id()) == null) {
            return;
        }
        ServerMessage left = new ServerMessage.PeerLeft(leaving.id());
        peersById.values().forEach(member -> member.send(left));
    }

    /** The member with this id, or null: ids from other rooms are unknown here. */
    synchronized Peer member(String id) {
        return peersById.get(id);
    }
}
