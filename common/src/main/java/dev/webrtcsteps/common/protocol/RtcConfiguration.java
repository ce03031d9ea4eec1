package dev.webrtcsteps.common.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a page passes to {@code new RTCPeerConnection(...)}: the STUN and TURN servers it may use, with this user's
 * own TURN credentials, and whether it may use only relayed routes ({@code "relay"}) or any ({@code "all"}). Its
 * fields are named as the browser's {@code RTCConfiguration} names them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RtcConfiguration(List<IceServer> iceServers, String iceTransportPolicy) {

    /** One entry of {@code iceServers}; STUN servers have no credentials. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IceServer(List<String> urls, String username, String credential) {
    }
}
