package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users in one room. Presence is incremental: a newcomer gets the current list once, in its welcome, and
 * everyone else gets one peer-joined; nobody is ever sent the whole list again. A join or a leave therefore
 * costs one message per member, O(room size). Guarded by its own lock, which {@link Hub} takes around every use.
 */
final class Room {

    private final String name;
    private final Map<String, User> membersById = new LinkedHashMap<>();
    private boolean closed;

    Room(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    int size() {
        return membersById.size();
    }

    /** The last member left: the hub forgets this room, and a newcomer who still holds it takes a new one. */
    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    /** Welcomes the newcomer with the present members, then tells each of them about it. */
    void add(User newcomer) {
        // Welcome first, so the newcomer knows its id before anyone can signal to it.
        newcomer.send(welcome(newcomer));
        String joined = Protocol.encode(new ServerMessage.PeerJoined(newcomer.info())); // once for everyone
        everyMember().forEach(member -> member.sendText(joined));
        membersById.put(newcomer.id(), newcomer);
    }

    /** A member's welcome: who it is, and who else is here. */
    ServerMessage.Welcome welcome(User member) {
        List<PeerInfo> others = membersById.values().stream().filter(other -> other != member).map(User::info).toList();
        return new ServerMessage.Welcome(member.id(), member.info().name(), name, others, member.resumeToken());
    }

    void remove(User leaving) {
        if (membersById.remove(leaving.id()) != null) {
            String left = Protocol.encode(new ServerMessage.PeerLeft(leaving.id()));
            everyMember().forEach(member -> member.sendText(left));
        }
    }

    /**
     * The members as they are now, to send to. A copy: Jetty may report another member's connection closed from
     * inside a send, on this thread, and that member's leave (this lock is reentrant) changes the room meanwhile.
     */
    private List<User> everyMember() {
        return List.copyOf(membersById.values());
    }

    /** The member with this id, or null: ids from other rooms are unknown here. */
    User member(String id) {
        return membersById.get(id);
    }
}
