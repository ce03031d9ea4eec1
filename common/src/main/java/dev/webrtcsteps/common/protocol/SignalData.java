package dev.webrtcsteps.common.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * DATA of a signal: what one peer's RTCPeerConnection hands to the other's. The server checks its shape
 * and relays it, but never reads the SDP itself.
 */
public sealed interface SignalData {

    /** {@code {"description":{"type":"offer","sdp":"..."}}} */
    record Description(SessionDescription description) implements SignalData {
    }

    /** {@code {"candidate":{...}}}, or {@code {"candidate":null}} when the sender has no more candidates. */
    record Candidate(IceCandidate candidate) implements SignalData {
    }

    /**
     * {@code {"fingerprint":"sha-256 AB:CD:..."}}: the sender's own DTLS certificate fingerprint of one peer
     * connection. Step 3's page sends it to prove a new id after a server restart (docs/reliability.md).
     */
    record Fingerprint(String fingerprint) implements SignalData {
    }

    /** An RTCSessionDescriptionInit; {@code sdp} may be left out only for a rollback. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SessionDescription(String type, String sdp) {
    }

    /** An RTCIceCandidateInit, as {@code RTCIceCandidate.toJSON()} gives it. */
    record IceCandidate(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment) {
    }
}
