package dev.webrtcsteps.step3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.webrtcsteps.common.protocol.ErrorCode;
import dev.webrtcsteps.common.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The room and name of a join, checked once, on arrival (docs/protocol.md, "Step 3 additions"). */
class JoinRequestTest {

    private static final String ID = "abcdEFGHijklMNOPqrstUV";

    @Test
    void nothingGivenIsTheLobbyAndAGuestNameFromTheId() throws ProtocolException {
        assertEquals(new JoinRequest("lobby", "Guest-abcd"), JoinRequest.of(null, null, ID));
        assertEquals(new JoinRequest("lobby", "Guest-abcd"), JoinRequest.of("", " \u00a0\u2003 ", ID));
        assertEquals(new JoinRequest("lobby", "Guest-abcd"), JoinRequest.of("\u200d", "\u3000", ID));
    }

    @Test
    void everyKindOfSpaceIsTrimmedAndInnerSpacesStay() throws ProtocolException {
        assertEquals(new JoinRequest("team a", "Ann Lee"), JoinRequest.of("\t team a \u00a0", "\u2003Ann Lee\u202f", ID));
    }

    @Test
    void lengthsAreCountedInCodePointsUpToTheLimit() throws ProtocolException {
        String emoji = "\uD83D\uDE00";
        assertEquals(emoji.repeat(32), JoinRequest.of(null, emoji.repeat(32), ID).name());
        assertEquals("r".repeat(64), JoinRequest.of("r".repeat(64), null, ID).room());
        assertRefused(ErrorCode.BAD_NAME, "A name may have at most 32 characters.", null, emoji.repeat(33));
        assertRefused(ErrorCode.BAD_ROOM, "A room may have at most 64 characters.", "r".repeat(65), null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\u0007b", "a\nb", "a\u202eb", "a\u200bb", "a\u2028b", "a\uE000b", "a\uD800b", "a\u0378b"})
    void controlFormattingAndUnassignedCharactersAreRefused(String text) {
        assertRefused(ErrorCode.BAD_NAME, "A name may not contain control or formatting characters.", null, text);
        assertRefused(ErrorCode.BAD_ROOM, "A room may not contain control or formatting characters.", text, null);
    }

    /** A name that would look empty in the list, or like another with spaces in it. */
    @ParameterizedTest
    @ValueSource(strings = {"\u3164", "\u3164\u3164", "\u115F", "\u1160", "\uFFA0", "\u2800", "Bob\u2800", "A\u034FB", "\u17B4", "\u17B5x"})
    void charactersThatShowAsBlankAreRefused(String text) {
        assertRefused(ErrorCode.BAD_NAME, "A name may not contain characters that show as blank.", null, text);
        assertRefused(ErrorCode.BAD_ROOM, "A room may not contain characters that show as blank.", text, null);
    }

    @Test
    void theZeroWidthJoinerInsideEmojiIsAllowed() throws ProtocolException {
        String coder = "\uD83D\uDC69\u200D\uD83D\uDCBB";
        assertEquals(coder, JoinRequest.of(null, coder, ID).name());
    }

    private static void assertRefused(ErrorCode code, String message, String room, String name) {
        ProtocolException refused = assertThrows(ProtocolException.class, () -> JoinRequest.of(room, name, ID));
        assertEquals(code, refused.code());
        assertEquals(message, refused.getMessage());
    }
}
