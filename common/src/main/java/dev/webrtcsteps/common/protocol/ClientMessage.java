package dev.webrtcsteps.common.protocol;

/** Every message a client may send. */
public sealed interface ClientMessage {

    /** {@code {"type":"signal","to":ID,"data":DATA}}: please hand DATA to peer {@code to}. */
    record SignalRequest(String to, SignalData data) implements ClientMessage {
    }
}
