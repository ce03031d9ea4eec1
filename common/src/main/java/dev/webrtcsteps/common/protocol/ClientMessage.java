package dev.webrtcsteps.common.protocol;

/** Every message a client may send. */
public sealed interface ClientMessage {

    /** {@code {"type":"signal","to":ID,"data":DATA}}: please hand DATA to peer {@code to}. */
    record SignalRequest(String to, SignalData data) implements ClientMessage {
    }

    /**
     * {@code {"type":"resume","token":TOKEN}}: step 3's first message on a connection opened with {@code ?resume}:
     * give me back the id that this token (from my last welcome) stands for. It travels in a frame, not in the URL,
     * so that no proxy's access log keeps it.
     */
    record ResumeRequest(String token) implements ClientMessage {
    }
}
