package dev.webrtcsteps.common;

import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.ServerMessage;

/**
 * Why a step does not admit a newcomer: the error it is sent (a sentence it can act on) and the close code
 * that follows. {@link SignalingEndpoint} sends both and logs the refusal.
 */
public final class Refusal extends Exception {

    private final ErrorCode code;
    private final int closeCode;

    public Refusal(ErrorCode code, String message, int closeCode) {
        super(message, null, false, false);
        this.code = code;
        this.closeCode = closeCode;
    }

    public ErrorCode code() {
        return code;
    }

    public int closeCode() {
        return closeCode;
    }

    ServerMessage.Error toMessage() {
        return new ServerMessage.Error(code, getMessage());
    }
}
