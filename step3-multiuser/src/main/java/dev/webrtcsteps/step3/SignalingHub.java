package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.Peer;
import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ProtocolException;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 3's signaling: users join rooms, see who else is there, and signal to anyone in their room.
 * Rooms are created by their first user and removed with their last. Thread-safe.
 */
final class SignalingHub {

    private static final Logger LOG = LoggerFactory.getLogger(SignalingHub.class);

    /** Where a connected user is. */
    private record Member(Peer peer, Room room) {
    }

    private final Limits limits;
    private final Map<String, Member> membersBySession = new ConcurrentHashMap<>();
    private final Map<String, Room> roomsByName = new HashMap<>(); // guarded by this
    private int users; // guarded by this

    SignalingHub(Limits limits) {
        this.limits = limits;
    }

    void join(String sessionId, Session session, String room, String name) {
        String id = Peer.newId();
        JoinRequest request;
        try {
            request = JoinRequest.of(room, name, id);
        } catch (ProtocolException refused) {
            refuse(new Peer(id, session), refused.code(), refused.getMessage(), CloseCodes.BAD_JOIN);
            return;
        }
        Peer newcomer = new Peer(id, request.name(), session);
        synchronized (this) {
            if (users >= limits.maxUsers()) {
                refuse(newcomer, ErrorCode.SERVER_FULL, "The server holds " + limits.maxUsers()
                        + " users, its limit. Try again later.", CloseCodes.SERVER_FULL);
                return;
            }
            Room joined = roomsByName.computeIfAbsent(request.room(), Room::new);
            if (joined.size() >= limits.maxRoomSize()) {
                refuse(newcomer, ErrorCode.ROOM_FULL, "This room holds " + limits.maxRoomSize()
                        + " users and is full. Try another room.", CloseCodes.ROOM_FULL);
                return;
            }
            joined.add(newcomer);
            membersBySession.put(sessionId, new Member(newcomer, joined));
            users++;
        }
        LOG.info("{} joined a room ({} users in all)", newcomer, userCount());
    }

    void receive(String sessionId, String frame) {
        Member sender = membersBySession.get(sessionId);
        if (sender == null) {
            return; // refused, or already gone
        }
        try {
            if (Protocol.decode(frame) instanceof SignalRequest request) {
                relay(sender, request);
            }
        } catch (ProtocolException refused) {
            if (sender.peer().reject(refused)) {
                leave(sessionId);
            }
        }
    }

    void receiveBinary(String sessionId) {
        Member sender = membersBySession.get(sessionId);
        if (sender != null) {
            sender.peer().send(new ServerMessage.Error(ErrorCode.BAD_MESSAGE,
                    "Binary frames are not part of the protocol; send JSON text frames."));
        }
    }

    /** Relays within the sender's room only, stamped with the sender's real id. */
    private void relay(Member sender, SignalRequest request) {
        Peer addressee = sender.room().member(request.to());
        if (addressee == null || addressee == sender.peer()) {
            sender.peer().send(new ServerMessage.Error(ErrorCode.UNKNOWN_PEER,
                    "No other peer with that id is in your room; it may have left."));
            return;
        }
        addressee.send(new ServerMessage.Signal(sender.peer().id(), request.data()));
    }

    void leave(String sessionId) {
        Member leaving = membersBySession.remove(sessionId);
        if (leaving == null) {
            return;
        }
        leaving.peer().closed();
        synchronized (this) {
            leaving.room().remove(leaving.peer());
            users--;
            if (leaving.room().size() == 0) {
                roomsByName.remove(leaving.room().name());
            }
        }
        LOG.info("{} left", leaving.peer());
    }

    synchronized int userCount() {
        return users;
    }

    synchronized int roomCount() {
        return roomsByName.size();
    }

    private static void refuse(Peer newcomer, ErrorCode code, String message, int closeCode) {
        LOG.info("{} refused: {}", newcomer, code.wireName());
        newcomer.sendAndClose(new ServerMessage.Error(code, message), closeCode, code.wireName());
    }
}
