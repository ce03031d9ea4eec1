package dev.webrtcsteps.common.protocol;

/** A frame the protocol refuses, with the error code and a sentence for the person at the other end. */
public final class ProtocolException extends Exception {

    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public ServerMessage.Error toMessage() {
        return new ServerMessage.Error(code, getMessage());
    }
}
