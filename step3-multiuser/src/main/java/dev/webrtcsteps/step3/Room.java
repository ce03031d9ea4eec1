package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.protocol.PeerInfo;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.RtcConfiguration;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users in one room. Presence is incremental: a newcomer gets the current list once, in its welcome, and
 * everyone else gets one peer-joined; nobody is ever sent the whole list again. A join or a leave therefore
 * costs one message per member, O(room size). Guarded by its own lock, which {@link Hub} takes around every use.
 * (Step 4 extends it with the members on other servers.)
 */
public class Room {

    private final String name;
    private final Map<String, User> membersById = new LinkedHashMap<>();
    private boolean closed;

    public Room(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The members connected to this server. */
    public int size() {
        return membersById.size();
    }

    /** The last member left: the hub forgets this room, and a newcomer who still holds it takes a new one. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Welcomes the newcomer with the present members, then tells each of them about it. */
    public void add(User newcomer, RtcConfiguration rtcConfiguration) {
        // Welcome first, so the newcomer knows its id (and its STUN and TURN servers) before anyone can signal to it.
        newcomer.send(welcome(newcomer, rtcConfiguration));
        announce(new ServerMessage.PeerJoined(newcomer.info()));
        membersById.put(newcomer.id(), newcomer);
    }

    /** A member's welcome: who it is, who else is here, and the servers through which it may reach them. */
    public ServerMessage.Welcome welcome(User member, RtcConfiguration rtcConfiguration) {
        return new ServerMessage.Welcome(member.id(), member.info().name(), name, others(member), member.resumeToken(),
                rtcConfiguration);
    }

    /** Everyone in the room but {@code member}. */
    protected List<PeerInfo> others(User member) {
        return membersById.values().stream().filter(other -> other != member).map(User::info).toList();
    }

    public void remove(User leaving) {
        if (membersById.remove(leaving.id()) != null) {
            announce(new ServerMessage.PeerLeft(leaving.id()));
        }
    }

    /** Sends a message to every member, encoded once for all of them. */
    protected void announce(ServerMessage message) {
        String text = Protocol.encode(message);
        here().forEach(member -> member.sendText(text));
    }

    /** Adds a member without telling the others: they know it already (step 4: it came from another server). */
    protected void addQuietly(User member) {
        membersById.put(member.id(), member);
    }

    /** Removes a member without telling the others: it is still in the room (step 4: on another server now). */
    protected void removeQuietly(User member) {
        membersById.remove(member.id(), member);
    }

    /**
     * The members connected to this server as they are now, to send to. A copy: Jetty may report another member's
     * connection closed from inside a send, on this thread, and that member's leave (this lock is reentrant)
     * changes the room meanwhile.
     */
    protected List<User> here() {
        return List.copyOf(membersById.values());
    }

    /** The member with this id, or null: ids from other rooms are unknown here. */
    public User member(String id) {
        return membersById.get(id);
    }
}
