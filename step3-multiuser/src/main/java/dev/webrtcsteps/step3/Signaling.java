package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.protocol.ClientMessage.ResumeRequest;
import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.ProtocolException;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.time.Duration;

/**
 * What the {@code /signal} route's handlers ask of the server's state ({@link Step3App#routes}). Step 3's
 * {@link Hub} keeps that state in this process; step 4's hub shares it among several servers.
 */
public interface Signaling extends AutoCloseable {

    /** How long a connection opened with {@code ?resume} may take to send its resume message. */
    Duration RESUME_MESSAGE_WAIT = Duration.ofSeconds(10);

    Settings settings();

    Stats stats();

    /**
     * A new connection: the user with this resume token, back after a drop (its peers see nothing), or a newcomer
     * to admit into its room, or a refusal. A token that is unknown (the user has left, or the server restarted)
     * makes a newcomer too.
     */
    void connect(Connection connection, String resumeToken, JoinRequest.Unchecked join);

    /** Hands a signal to its addressee, stamped with the sender's real id: a client cannot pose as another. */
    void relay(User sender, Connection connection, SignalRequest request);

    /** The user is gone for good; its peers are told once, however many ways it ended. */
    void leave(User user, String reason);

    /** A connection closed: its user leaves, or, when it dropped without a close frame, may come back a while. */
    void closed(Connection connection, int status);

    /** Runs {@code task} once, {@code delay} from now. */
    void schedule(Runnable task, Duration delay);

    /** Says why, and closes. */
    void refuse(Connection connection, ServerMessage.Error why, int closeCode);

    /** How many users are admitted, including any whose connection dropped a moment ago. */
    int users();

    int rooms();

    /** Users whose connection dropped and who may still come back. */
    int resumable();

    @Override
    void close();

    /**
     * A connection opened with {@code ?resume}: it is to send {@code {"type":"resume","token":...}} first, so that
     * the token never travels in a URL (which proxies write to their logs). Nothing else is read before it.
     */
    default void awaitResume(Connection connection, JoinRequest.Unchecked join) {
        connection.awaitResume(join);
        schedule(() -> {
            if (connection.takeAwaitedResume() != null) {
                refuse(connection, new ServerMessage.Error(ErrorCode.BAD_MESSAGE, "No resume message came within "
                        + RESUME_MESSAGE_WAIT.toSeconds() + " s of opening the connection with ?resume."), CloseCodes.BAD_JOIN);
            }
        }, RESUME_MESSAGE_WAIT);
    }

    /** The first frame of a connection opened with {@code ?resume}: the resume message, or a refusal. */
    default void resumeMessage(Connection connection, String frame) {
        JoinRequest.Unchecked join = connection.takeAwaitedResume();
        if (join == null) {
            return; // too late: refused already
        }
        try {
            if (Protocol.decode(frame) instanceof ResumeRequest resume) {
                connect(connection, resume.token(), join);
                return;
            }
        } catch (ProtocolException notEvenJson) {
            // said below
        }
        refuse(connection, new ServerMessage.Error(ErrorCode.BAD_MESSAGE, "A connection opened with ?resume must "
                + "send {\"type\": \"resume\", \"token\": \"...\"} first."), CloseCodes.BAD_JOIN);
    }
}
