package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.ProtocolException;
import java.util.Set;

/**
 * What a newcomer asks for in {@code /signal?room=NAME&name=DISPLAY}: a room (default {@code lobby}) and a
 * display name (default {@code Guest-} and four characters of the id). Both are trimmed and checked here,
 * once, so the rest of the server only ever sees acceptable values.
 */
public record JoinRequest(String room, String name) {

    /** The room and name as the client wrote them, not checked yet. */
    public record Unchecked(String room, String name) {
    }

    static final String DEFAULT_ROOM = "lobby";
    static final int MAX_NAME_LENGTH = 32;
    static final int MAX_ROOM_LENGTH = 64;
    private static final int ZERO_WIDTH_JOINER = 0x200D;
    /**
     * Letters and marks that fonts draw as nothing: Hangul fillers, the Braille blank, the combining grapheme
     * joiner, Khmer's inherent vowels. A name of them looks empty in the list, or like a name with spaces.
     */
    private static final Set<Integer> DRAWN_AS_NOTHING = Set.of(0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x17B4, 0x17B5);

    public static JoinRequest of(String room, String name, String newcomerId) throws ProtocolException {
        String checkedRoom = check(room, MAX_ROOM_LENGTH, ErrorCode.BAD_ROOM, "room");
        String checkedName = check(name, MAX_NAME_LENGTH, ErrorCode.BAD_NAME, "name");
        return new JoinRequest(checkedRoom == null ? DEFAULT_ROOM : checkedRoom,
                checkedName == null ? "Guest-" + newcomerId.substring(0, 4) : checkedName);
    }

    /**
     * The trimmed value, or null when none was given (or nothing visible); refuses one that is too long or has
     * control characters.
     */
    private static String check(String value, int maxLength, ErrorCode code, String what) throws ProtocolException {
        String trimmed = value == null ? "" : trim(value);
        if (trimmed.codePoints().allMatch(codePoint -> isBlank(codePoint) || codePoint == ZERO_WIDTH_JOINER)) {
            return null;
        }
        if (trimmed.codePointCount(0, trimmed.length()) > maxLength) {
            throw new ProtocolException(code, "A " + what + " may have at most " + maxLength + " characters.");
        }
        if (trimmed.codePoints().anyMatch(JoinRequest::isInvisible)) {
            throw new ProtocolException(code, "A " + what + " may not contain control or formatting characters.");
        }
        if (trimmed.codePoints().anyMatch(DRAWN_AS_NOTHING::contains)) {
            throw new ProtocolException(code, "A " + what + " may not contain characters that show as blank.");
        }
        return trimmed;
    }

    /** Trims every kind of space, including the no-break spaces that {@link String#strip()} keeps. */
    private static String trim(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isBlank(value.codePointAt(start))) {
            start += Character.charCount(value.codePointAt(start));
        }
        while (end > start && isBlank(value.codePointBefore(end))) {
            end -= Character.charCount(value.codePointBefore(end));
        }
        return value.substring(start, end);
    }

    private static boolean isBlank(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }

    /**
     * Control characters, and formatting ones such as right-to-left overrides that could disguise a name; the
     * zero-width joiner stays allowed, because emoji such as 👩‍💻 are made with it.
     */
    private static boolean isInvisible(int codePoint) {
        if (codePoint == ZERO_WIDTH_JOINER) {
            return false;
        }
        int type = Character.getType(codePoint);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE
                || type == Character.UNASSIGNED || type == Character.PRIVATE_USE;
    }
}
