package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.Connection;
import dev.webrtcsteps.common.Peer;
import dev.webrtcsteps.common.Refusal;
import dev.webrtcsteps.common.Signaling;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.ProtocolException;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Step 3's signaling: users join rooms, see who else is there, and signal to anyone in their room.
 * Rooms are created by their first user and removed with their last. Thread-safe.
 */
final class SignalingHub implements Signaling {

    private final Limits limits;
    private final Map<Peer, Room> roomsByPeer = new ConcurrentHashMap<>();
    private final Map<String, Room> roomsByName = new HashMap<>(); // guarded by this

    SignalingHub(Limits limits) {
        this.limits = limits;
    }

    @Override
    public Peer join(Connection connection, Function<String, String> query) throws Refusal {
        String id = Peer.newId();
        JoinRequest request;
        try {
            request = JoinRequest.of(query.apply("room"), query.apply("name"), id);
        } catch (ProtocolException refused) {
            throw new Refusal(refused.code(), refused.getMessage(), CloseCodes.BAD_JOIN);
        }
        synchronized (this) {
            if (roomsByPeer.size() >= limits.maxUsers()) {
                throw new Refusal(ErrorCode.SERVER_FULL, "The server holds " + limits.maxUsers()
                        + " users, its limit. Try again later.", CloseCodes.SERVER_FULL);
            }
            Room room = roomsByName.computeIfAbsent(request.room(), Room::new);
            if (room.size() >= limits.maxRoomSize()) {
                throw new Refusal(ErrorCode.ROOM_FULL, "This room holds " + limits.maxRoomSize()
                        + " users and is full. Try another room.", CloseCodes.ROOM_FULL);
            }
            Peer newcomer = new Peer(id, request.name(), connection);
            room.add(newcomer);
            roomsByPeer.put(newcomer, room);
            return newcomer;
        }
    }

    /** Only members of the sender's own room can be reached: ids from other rooms are unknown here. */
    @Override
    public Peer addressee(Peer sender, String id) {
        Room room = roomsByPeer.get(sender);
        Peer addressee = room == null ? null : room.member(id);
        return addressee == sender ? null : addressee;
    }

    @Override
    public ServerMessage.Welcome welcomeBack(Peer peer) {
        Room room = roomsByPeer.get(peer);
        return room == null ? null : room.welcomeBack(peer);
    }

    @Override
    public synchronized void leave(Peer leaving) {
        Room room = roomsByPeer.remove(leaving);
        if (room == null) {
            return;
        }
        room.remove(leaving);
        if (room.size() == 0) {
            roomsByName.remove(room.name());
        }
    }

    /** Synchronized like join, so that a user counts as soon as its welcome is out. */
    @Override
    public synchronized int users() {
        return roomsByPeer.size();
    }

    @Override
    public synchronized int rooms() {
        return roomsByName.size();
    }
}
