package dev.webrtcsteps.common.protocol;

import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code code} of an {@code error} message. docs/protocol.md lists when each is sent. */
public enum ErrorCode {
    /** The frame was not JSON. The connection stays open. */
    BAD_JSON("bad-json"),
    /** JSON, but not a message of the protocol (or a binary frame). The connection stays open. */
    BAD_MESSAGE("bad-message"),
    /** A signal for an id that is not connected (any more). The connection stays open. */
    UNKNOWN_PEER("unknown-peer"),
    /** The frame was over {@link Protocol#MAX_MESSAGE_CHARS}; the server closes with 1009. */
    TOO_LARGE("too-large"),
    /** No room for another user; the server closes with {@link CloseCodes#ROOM_FULL}. */
    ROOM_FULL("room-full"),
    /** The server holds as many users as it may (step 3); it closes with {@link CloseCodes#SERVER_FULL}. */
    SERVER_FULL("server-full"),
    /** The {@code name} of a join is not acceptable (step 3); the server closes with {@link CloseCodes#BAD_JOIN}. */
    BAD_NAME("bad-name"),
    /** The {@code room} of a join is not acceptable (step 3); the server closes with {@link CloseCodes#BAD_JOIN}. */
    BAD_ROOM("bad-room"),
    /**
     * The client sent more messages than its rate limit allows; this one was dropped. The connection stays
     * open, unless the client keeps at it: then the server closes with {@link CloseCodes#POLICY_VIOLATION}.
     */
    RATE_LIMITED("rate-limited"),
    /**
     * The addressee is not reading fast enough: so much already waits for it that this signal was dropped (step 3).
     * The connection stays open; the sender may try again later.
     */
    PEER_BUSY("peer-busy"),
    /**
     * The server cannot admit anyone this moment (step 4: it cannot reach the cluster's shared state); it closes
     * with {@link CloseCodes#TRY_AGAIN_LATER}, and the client tries again a little later.
     */
    UNAVAILABLE("unavailable");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
