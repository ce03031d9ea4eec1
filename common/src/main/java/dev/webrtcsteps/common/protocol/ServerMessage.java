package dev.webrtcsteps.common.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/** Every message the server sends; {@code type} names the kind. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ServerMessage.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = ServerMessage.PeerJoined.class, name = "peer-joined"),
    @JsonSubTypes.Type(value = ServerMessage.PeerLeft.class, name = "peer-left"),
    @JsonSubTypes.Type(value = ServerMessage.Signal.class, name = "signal"),
    @JsonSubTypes.Type(value = ServerMessage.Error.class, name = "error"),
})
public sealed interface ServerMessage {

    /**
     * To a newcomer: the id the server gave it, and who is already there. Step 3 also says which name and
     * room the newcomer got (after trimming, or the defaults); step 2 leaves both out. {@code resume} is the
     * secret with which the client may reconnect after a drop and keep its id. {@code rtcConfiguration}, when the
     * server is given STUN or TURN servers, is what the page builds its peer connections from (docs/turn.md).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Welcome(String id, String name, String room, List<PeerInfo> peers, String resume,
            RtcConfiguration rtcConfiguration) implements ServerMessage {
        /** Step 2's welcome: no name, no room, no resuming. */
        public Welcome(String id, List<PeerInfo> peers, RtcConfiguration rtcConfiguration) {
            this(id, null, null, peers, null, rtcConfiguration);
        }
    }

    /** To the others when someone arrives. */
    record PeerJoined(PeerInfo peer) implements ServerMessage {
    }

    /** To the others when someone leaves or their connection drops. */
    record PeerLeft(String id) implements ServerMessage {
    }

    /** A relayed signal; {@code from} is always set by the server to the sender's real id. */
    record Signal(String from, SignalData data) implements ServerMessage {
    }

    /** A refused frame or a refused connection. */
    record Error(ErrorCode code, String message) implements ServerMessage {
    }
}
