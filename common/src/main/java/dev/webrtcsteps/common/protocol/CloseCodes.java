package dev.webrtcsteps.common.protocol;

/** WebSocket close codes the servers use; the 4000s are this protocol's own (RFC 6455 leaves them to us). */
public final class CloseCodes {

    /** The client kept sending faster than the rate limit allows (after {@code rate-limited} errors). Standard code. */
    public static final int POLICY_VIOLATION = 1008;
    /** The frame was too large (after a {@code too-large} error). Standard code. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /**
     * The server cannot admit anyone this moment (after an {@code unavailable} error: step 4 cannot reach Redis).
     * Standard code ("try again later"): the page reconnects with its backoff.
     */
    public static final int TRY_AGAIN_LATER = 1013;
    /** There is no room for another user (after a {@code room-full} error). */
    public static final int ROOM_FULL = 4001;
    /** The server holds as many users as it may (after a {@code server-full} error). */
    public static final int SERVER_FULL = 4002;
    /** The join's {@code room} or {@code name} was refused (after a {@code bad-room} or {@code bad-name} error). */
    public static final int BAD_JOIN = 4003;

    private CloseCodes() {
    }
}
