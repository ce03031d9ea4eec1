package dev.webrtcsteps.common.protocol;

import static dev.webrtcsteps.common.protocol.ErrorCode.BAD_JSON;
import static dev.webrtcsteps.common.protocol.ErrorCode.BAD_MESSAGE;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.webrtcsteps.common.protocol.ClientMessage.ResumeRequest;
import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.SignalData.IceCandidate;
import dev.webrtcsteps.common.protocol.SignalData.SessionDescription;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The signaling protocol on the wire: JSON text frames with a {@code type}. {@link #decode} checks a client's
 * frame completely, so that nothing a client invents (a {@code from}, an extra field, a deeply nested
 * object) is ever relayed: relayed messages are rebuilt from the checked values.
 */
public final class Protocol {

    /** The largest text frame a client may send. An offer with many candidates is a few KiB. */
    public static final int MAX_MESSAGE_CHARS = 64 * 1024;
    /**
     * The longest SDP a description may carry. Browsers' offers are about 0.5 KiB for a data channel alone and
     * 4 to 10 KiB with audio and video; this leaves room for several media sections, and nothing more.
     */
    public static final int MAX_SDP_CHARS = 32 * 1024;
    /** The longest candidate line: real ones are 100 to 250 characters. */
    public static final int MAX_CANDIDATE_CHARS = 1024;
    /** The longest sdpMid and usernameFragment: ICE allows up to 256 characters for a username fragment. */
    public static final int MAX_CANDIDATE_FIELD_CHARS = 256;
    /** The longest id or token: the server's are 22 characters. */
    public static final int MAX_ID_CHARS = 64;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectWriter SERVER_MESSAGES = JSON.writerFor(ServerMessage.class);
    private static final Set<String> DESCRIPTION_TYPES = Set.of("offer", "answer", "rollback");
    /** A certificate fingerprint as SDP writes it: a hash algorithm, a space, 1 to 64 hex byte pairs. */
    private static final Pattern FINGERPRINT = Pattern.compile("[a-z0-9-]{1,16} [0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){0,63}");

    private Protocol() {
    }

    public static String encode(ServerMessage message) {
        try {
            return SERVER_MESSAGES.writeValueAsString(message);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("Cannot write " + message.getClass().getSimpleName(), impossible);
        }
    }

    /** Reads one client frame, or says exactly what is wrong with it. */
    public static ClientMessage decode(String frame) throws ProtocolException {
        if (frame.length() > MAX_MESSAGE_CHARS) {
            throw new ProtocolException(ErrorCode.TOO_LARGE,
                    "Messages may be at most " + MAX_MESSAGE_CHARS + " characters; this one had " + frame.length() + ".");
        }
        JsonNode message;
        try {
            message = JSON.readTree(frame);
        } catch (JsonProcessingException notJson) {
            long offset = notJson.getLocation() == null ? -1 : notJson.getLocation().getCharOffset();
            throw new ProtocolException(BAD_JSON, offset < 0 ? "That was not valid JSON (or nested too deeply)."
                    : "That was not valid JSON: the problem is at character " + (offset + 1) + ".");
        }
        if (message == null || !message.isObject()) {
            throw new ProtocolException(BAD_MESSAGE, "A message must be a JSON object with a \"type\".");
        }
        JsonNode type = message.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException(BAD_MESSAGE, "A message needs a \"type\" string, such as \"signal\".");
        }
        if (type.textValue().equals("resume")) {
            JsonNode token = message.get("token");
            if (token == null || !token.isTextual() || !isId(token.textValue()) || message.size() != 2) {
                throw new ProtocolException(BAD_MESSAGE, "A resume message is {\"type\": \"resume\", \"token\": \"...\"}, "
                        + "with the token of the last welcome.");
            }
            return new ResumeRequest(token.textValue());
        }
        if (!type.textValue().equals("signal")) {
            throw new ProtocolException(BAD_MESSAGE, "Unknown message type; clients send \"signal\" messages "
                    + "(and step 3's \"resume\").");
        }
        JsonNode to = message.get("to");
        if (to == null || !to.isTextual() || !isId(to.textValue())) {
            throw new ProtocolException(BAD_MESSAGE, "A signal needs \"to\": the id of the peer it is for.");
        }
        return new SignalRequest(to.textValue(), signalData(message.get("data")));
    }

    private static boolean isId(String text) {
        return !text.isEmpty() && text.length() <= MAX_ID_CHARS;
    }

    /** A field's text, refused when longer than real browsers ever send: its limit and why are in the message. */
    private static String limited(JsonNode text, int maxChars, String what) throws ProtocolException {
        if (text.textValue().length() > maxChars) {
            throw new ProtocolException(BAD_MESSAGE, "A " + what + " may have at most " + maxChars
                    + " characters; this one had " + text.textValue().length() + ".");
        }
        return text.textValue();
    }

    private static SignalData signalData(JsonNode data) throws ProtocolException {
        if (data == null || !data.isObject() || data.size() != 1) {
            throw new ProtocolException(BAD_MESSAGE,
                    "A signal's \"data\" must be an object with one of \"description\", \"candidate\" or \"fingerprint\".");
        }
        if (data.has("description")) {
            return new SignalData.Description(description(data.get("description")));
        }
        if (data.has("candidate")) {
            JsonNode candidate = data.get("candidate");
            return new SignalData.Candidate(candidate.isNull() ? null : candidate(candidate));
        }
        if (data.has("fingerprint")) {
            return new SignalData.Fingerprint(fingerprint(data.get("fingerprint")));
        }
        throw new ProtocolException(BAD_MESSAGE,
                "A signal's \"data\" must be an object with one of \"description\", \"candidate\" or \"fingerprint\".");
    }

    private static String fingerprint(JsonNode fingerprint) throws ProtocolException {
        if (!fingerprint.isTextual() || !FINGERPRINT.matcher(fingerprint.textValue()).matches()) {
            throw new ProtocolException(BAD_MESSAGE, "\"fingerprint\" must be a string such as \"sha-256 AB:CD:...\": "
                    + "a hash name (at most 16 lowercase letters, digits or dashes), one space, and 1 to 64 hex byte pairs "
                    + "separated by colons.");
        }
        return fingerprint.textValue();
    }

    private static SessionDescription description(JsonNode description) throws ProtocolException {
        String problem = "\"description\" must be {\"type\": \"offer\", \"answer\" or \"rollback\", \"sdp\": \"...\"}.";
        if (!description.isObject() || hasFieldsOtherThan(description, Set.of("type", "sdp"))) {
            throw new ProtocolException(BAD_MESSAGE, problem);
        }
        JsonNode type = description.get("type");
        if (type == null || !type.isTextual() || !DESCRIPTION_TYPES.contains(type.textValue())) {
            throw new ProtocolException(BAD_MESSAGE, problem);
        }
        JsonNode sdp = description.get("sdp");
        boolean rollback = type.textValue().equals("rollback");
        if (sdp == null || sdp.isNull()) {
            if (!rollback) {
                throw new ProtocolException(BAD_MESSAGE, "An offer or an answer needs its \"sdp\" text.");
            }
            return new SessionDescription("rollback", null);
        }
        if (!sdp.isTextual()) {
            throw new ProtocolException(BAD_MESSAGE, problem);
        }
        return new SessionDescription(type.textValue(), limited(sdp, MAX_SDP_CHARS, "description's sdp"));
    }

    private static IceCandidate candidate(JsonNode candidate) throws ProtocolException {
        String problem = "\"candidate\" must be null or an RTCIceCandidateInit: "
                + "{\"candidate\": string, \"sdpMid\": string or null, \"sdpMLineIndex\": number or null, "
                + "\"usernameFragment\": string or null}.";
        if (!candidate.isObject()
                || hasFieldsOtherThan(candidate, Set.of("candidate", "sdpMid", "sdpMLineIndex", "usernameFragment"))) {
            throw new ProtocolException(BAD_MESSAGE, problem);
        }
        JsonNode text = candidate.get("candidate");
        JsonNode mid = candidate.get("sdpMid");
        JsonNode index = candidate.get("sdpMLineIndex");
        JsonNode fragment = candidate.get("usernameFragment");
        if (text == null || !text.isTextual() || !textOrNull(mid) || !textOrNull(fragment)
                || !(index == null || index.isNull() || index.canConvertToInt() && index.isIntegralNumber()
                        && index.intValue() >= 0 && index.intValue() <= 65535)) {
            throw new ProtocolException(BAD_MESSAGE, problem);
        }
        return new IceCandidate(limited(text, MAX_CANDIDATE_CHARS, "candidate"),
                textValue(mid, "candidate's sdpMid"), index == null || index.isNull() ? null : index.intValue(),
                textValue(fragment, "candidate's usernameFragment"));
    }

    private static boolean hasFieldsOtherThan(JsonNode object, Set<String> allowed) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            if (!allowed.contains(names.next())) {
                return true;
            }
        }
        return false;
    }

    private static boolean textOrNull(JsonNode node) {
        return node == null || node.isNull() || node.isTextual();
    }

    private static String textValue(JsonNode node, String what) throws ProtocolException {
        return node == null || node.isNull() ? null : limited(node, MAX_CANDIDATE_FIELD_CHARS, what);
    }
}
