package dev.webrtcsteps.common.protocol;

import static dev.webrtcsteps.common.protocol.ErrorCode.BAD_JSON;
import static dev.webrtcsteps.common.protocol.ErrorCode.BAD_MESSAGE;
import static dev.webrtcsteps.common.protocol.ErrorCode.TOO_LARGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webrtcsteps.common.protocol.ClientMessage.ResumeRequest;
import dev.webrtcsteps.common.protocol.ClientMessage.SignalRequest;
import dev.webrtcsteps.common.protocol.ServerMessage.PeerJoined;
import dev.webrtcsteps.common.protocol.ServerMessage.PeerLeft;
import dev.webrtcsteps.common.protocol.ServerMessage.Signal;
import dev.webrtcsteps.common.protocol.ServerMessage.Welcome;
import dev.webrtcsteps.common.protocol.SignalData.Candidate;
import dev.webrtcsteps.common.protocol.SignalData.Description;
import dev.webrtcsteps.common.protocol.SignalData.Fingerprint;
import dev.webrtcsteps.common.protocol.SignalData.IceCandidate;
import dev.webrtcsteps.common.protocol.SignalData.SessionDescription;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Unit tests of {@link Protocol#encode} and {@link Protocol#decode}.
 *
 * <p>To keep the JSON readable, most expected and input texts are written with single quotes, which
 * {@link #json} turns into double quotes. None of these texts needs a real apostrophe.
 */
class ProtocolTest {

    private static final ObjectMapper READER = new ObjectMapper();

    private static final String SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n";
    private static final String SHA_256 = "sha-256 05:CC:76:2B:72:49:A1:68:69:B5:02:DA:85:2E:FC:C3:2A:84:1C:1A:A7:E1:0B:C3:E2:74:5D:6E:BE:72:A6:E3";
    private static final String CANDIDATE_TEXT =
            "candidate:842163049 1 udp 1677729535 192.0.2.7 46154 typ srflx raddr 0.0.0.0 rport 0 generation 0";

    /** {@code json("{'a':'b'}")} is {@code {"a":"b"}}. */
    private static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /** A client's signal to peer "b" carrying {@code data} (single-quoted JSON). */
    private static String signalTo(String data) {
        return json("{'type':'signal','to':'b','data':" + data + "}");
    }

    private static ProtocolException decodeFailure(String frame) {
        return assertThrows(ProtocolException.class, () -> Protocol.decode(frame),
                () -> "Expected a ProtocolException for " + abbreviate(frame));
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " characters)";
    }

    /** A sentence for a person: not blank, no stray spaces, begins like a sentence and ends with a full stop. */
    private static void assertSentence(String message) {
        assertTrue(message != null && !message.isBlank(), "The error message is empty");
        assertEquals(message.strip(), message, "The error message has leading or trailing whitespace");
        char first = message.charAt(0);
        assertTrue(Character.isUpperCase(first) || first == '"',
                () -> "The error message does not begin like a sentence: " + message);
        assertTrue(message.endsWith("."), () -> "The error message does not end with a full stop: " + message);
    }

    /** What the server would send back for {@code refused}: exactly type, code and message, as valid JSON. */
    private static void assertEncodesAsErrorMessage(ProtocolException refused) {
        String encoded = Protocol.encode(refused.toMessage());
        JsonNode error;
        try {
            error = READER.readTree(encoded);
        } catch (JsonProcessingException e) {
            throw new AssertionError("The error message is not valid JSON: " + encoded, e);
        }
        assertTrue(error.isObject(), encoded);
        assertEquals(Set.of("type", "code", "message"), fieldNames(error), encoded);
        assertEquals("error", error.get("type").textValue(), encoded);
        assertEquals(refused.code().wireName(), error.get("code").textValue(), encoded);
        assertEquals(refused.getMessage(), error.get("message").textValue(), encoded);
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Nested
    class Encode {

        @Test
        void welcomeListsTheNewcomersIdThePeersAlreadyThereAndTheResumeToken() {
            assertEquals(json("{'type':'welcome','id':'abc','name':'Bo','room':'lobby','peers':[{'id':'p1'}],'resume':'r1'}"),
                    Protocol.encode(new Welcome("abc", "Bo", "lobby", List.of(new PeerInfo("p1", null)), "r1", null)));
        }

        @Test
        void stepTwosWelcomeHasNoNameNoRoomAndNoResumeToken() {
            assertEquals(json("{'type':'welcome','id':'abc','peers':[{'id':'p1'}]}"),
                    Protocol.encode(new Welcome("abc", List.of(new PeerInfo("p1", null)), null)));
        }

        @Test
        void welcomeToAnEmptyRoomHasAnEmptyPeerList() {
            assertEquals(json("{'type':'welcome','id':'abc','peers':[]}"),
                    Protocol.encode(new Welcome("abc", List.of(), null)));
        }

        @Test
        void welcomeKeepsThePeersInOrderAndNamesOnlyThoseWithAName() {
            assertEquals(json("{'type':'welcome','id':'abc','peers':[{'id':'p1'},{'id':'p2','name':'Ann'}]}"),
                    Protocol.encode(new Welcome("abc", List.of(new PeerInfo("p1", null), new PeerInfo("p2", "Ann")), null)));
        }

        @Test
        void peerJoinedWithANameIncludesTheName() {
            assertEquals(json("{'type':'peer-joined','peer':{'id':'p2','name':'Ann'}}"),
                    Protocol.encode(new PeerJoined(new PeerInfo("p2", "Ann"))));
        }

        @Test
        void peerJoinedWithoutANameLeavesTheNameOut() {
            assertEquals(json("{'type':'peer-joined','peer':{'id':'p2'}}"),
                    Protocol.encode(new PeerJoined(new PeerInfo("p2", null))));
        }

        @Test
        void peerLeftNamesThePeer() {
            assertEquals(json("{'type':'peer-left','id':'p2'}"), Protocol.encode(new PeerLeft("p2")));
        }

        @Test
        void signalWithAnOffer() {
            assertEquals(json("{'type':'signal','from':'a','data':{'description':{'type':'offer','sdp':'v=0\\r\\n'}}}"),
                    Protocol.encode(new Signal("a", new Description(new SessionDescription("offer", "v=0\r\n")))));
        }

        @Test
        void signalWithAnAnswer() {
            assertEquals(json("{'type':'signal','from':'a','data':{'description':{'type':'answer','sdp':'v=0'}}}"),
                    Protocol.encode(new Signal("a", new Description(new SessionDescription("answer", "v=0")))));
        }

        @Test
        void signalWithARollbackWithoutSdpSendsANullSdp() {
            assertEquals(json("{'type':'signal','from':'a','data':{'description':{'type':'rollback'}}}"),
                    Protocol.encode(new Signal("a", new Description(new SessionDescription("rollback", null)))));
        }

        @Test
        void signalWithACandidateSendsAllFourFields() {
            assertEquals(json("{'type':'signal','from':'a','data':{'candidate':{'candidate':'candidate:1 1 udp 1 192.0.2.7 1 typ host',"
                            + "'sdpMid':'0','sdpMLineIndex':0,'usernameFragment':'uf'}}}"),
                    Protocol.encode(new Signal("a", new Candidate(
                            new IceCandidate("candidate:1 1 udp 1 192.0.2.7 1 typ host", "0", 0, "uf")))));
        }

        @Test
        void signalWithACandidateWhoseOptionalFieldsAreMissingSendsThemAsNull() {
            assertEquals(json("{'type':'signal','from':'a','data':{'candidate':"
                            + "{'candidate':'c','sdpMid':null,'sdpMLineIndex':null,'usernameFragment':null}}}"),
                    Protocol.encode(new Signal("a", new Candidate(new IceCandidate("c", null, null, null)))));
        }

        @Test
        void signalWithTheEndOfCandidatesSendsANullCandidate() {
            assertEquals(json("{'type':'signal','from':'a','data':{'candidate':null}}"),
                    Protocol.encode(new Signal("a", new Candidate(null))));
        }

        @Test
        void errorHasItsWireCodeAndMessage() {
            assertEquals(json("{'type':'error','code':'bad-json','message':'That was not valid JSON.'}"),
                    Protocol.encode(new ServerMessage.Error(BAD_JSON, "That was not valid JSON.")));
        }

        @ParameterizedTest
        @EnumSource(ErrorCode.class)
        void everyErrorCodeIsWrittenWithItsWireName(ErrorCode code) {
            assertEquals("{\"type\":\"error\",\"code\":\"" + code.wireName() + "\",\"message\":\"Sorry.\"}",
                    Protocol.encode(new ServerMessage.Error(code, "Sorry.")));
        }

        @Test
        void errorCodesHaveTheirDocumentedWireNames() {
            assertEquals(List.of("bad-json", "bad-message", "unknown-peer", "too-large", "room-full", "server-full", "bad-name", "bad-room", "rate-limited", "peer-busy", "unavailable"),
                    Stream.of(ErrorCode.values()).map(ErrorCode::wireName).toList());
        }

        @Test
        void escapesQuotesBackslashesAndControlCharactersInStrings() {
            assertEquals("{\"type\":\"error\",\"code\":\"bad-message\",\"message\":\"Say \\\"hi\\\" \\\\ \\n\\t\\u0001 été.\"}",
                    Protocol.encode(new ServerMessage.Error(BAD_MESSAGE, "Say \"hi\" \\ \n\t\u0001 été.")));
        }
    }

    @Nested
    class DecodeValidSignals {

        @Test
        void offer() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Description(new SessionDescription("offer", SDP))),
                    Protocol.decode(signalTo("{'description':{'type':'offer','sdp':" + READER.valueToTree(SDP) + "}}")));
        }

        @Test
        void answer() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Description(new SessionDescription("answer", "v=0"))),
                    Protocol.decode(signalTo("{'description':{'type':'answer','sdp':'v=0'}}")));
        }

        @Test
        void offerWithAnEmptySdpIsStillAnOffer() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Description(new SessionDescription("offer", ""))),
                    Protocol.decode(signalTo("{'description':{'type':'offer','sdp':''}}")));
        }

        @Test
        void rollbackWithoutSdp() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Description(new SessionDescription("rollback", null))),
                    Protocol.decode(signalTo("{'description':{'type':'rollback'}}")));
        }

        @Test
        void rollbackWithANullSdp() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Description(new SessionDescription("rollback", null))),
                    Protocol.decode(signalTo("{'description':{'type':'rollback','sdp':null}}")));
        }

        @Test
        void rollbackWithAnSdp() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Description(new SessionDescription("rollback", ""))),
                    Protocol.decode(signalTo("{'description':{'type':'rollback','sdp':''}}")));
        }

        @Test
        void candidateWithAllFourFields() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Candidate(new IceCandidate(CANDIDATE_TEXT, "0", 0, "EsAw"))),
                    Protocol.decode(signalTo("{'candidate':{'candidate':'" + CANDIDATE_TEXT + "',"
                            + "'sdpMid':'0','sdpMLineIndex':0,'usernameFragment':'EsAw'}}")));
        }

        @Test
        void candidateWithNullSdpMidAndSdpMLineIndexAndUsernameFragment() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Candidate(new IceCandidate(CANDIDATE_TEXT, null, null, null))),
                    Protocol.decode(signalTo("{'candidate':{'candidate':'" + CANDIDATE_TEXT + "',"
                            + "'sdpMid':null,'sdpMLineIndex':null,'usernameFragment':null}}")));
        }

        @Test
        void candidateWithOnlyItsText() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Candidate(new IceCandidate(CANDIDATE_TEXT, null, null, null))),
                    Protocol.decode(signalTo("{'candidate':{'candidate':'" + CANDIDATE_TEXT + "'}}")));
        }

        @Test
        void candidateWithAnEmptyTextAsSomeBrowsersSendAtTheEndOfCandidates() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Candidate(new IceCandidate("", "0", 0, "EsAw"))),
                    Protocol.decode(signalTo("{'candidate':{'candidate':'','sdpMid':'0','sdpMLineIndex':0,'usernameFragment':'EsAw'}}")));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 7, 65535})
        void candidateSdpMLineIndexFromZeroTo65535(int index) throws ProtocolException {
            assertEquals(new SignalRequest("b", new Candidate(new IceCandidate("c", null, index, null))),
                    Protocol.decode(signalTo("{'candidate':{'candidate':'c','sdpMLineIndex':" + index + "}}")));
        }

        @Test
        void nullCandidateMeansNoMoreCandidates() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Candidate(null)), Protocol.decode(signalTo("{'candidate':null}")));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            SHA_256,
            "sha-1 0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:f9:00:11:22:33",
            "sha-512 00",
            "abcdefghijklmn-1 FF",
        })
        void fingerprint(String fingerprint) throws ProtocolException {
            assertEquals(new SignalRequest("b", new Fingerprint(fingerprint)),
                    Protocol.decode(signalTo("{'fingerprint':'" + fingerprint + "'}")));
        }

        @Test
        void fingerprintOf64BytePairs() throws ProtocolException {
            String fingerprint = "sha-512 " + String.join(":", Collections.nCopies(64, "AB"));
            assertEquals(new SignalRequest("b", new Fingerprint(fingerprint)),
                    Protocol.decode(signalTo("{'fingerprint':'" + fingerprint + "'}")));
        }

        @Test
        void forgedFromAndOtherExtraTopLevelFieldsLeaveNoTrace() throws ProtocolException {
            ClientMessage decoded = Protocol.decode(json("{'type':'signal','from':'mallory','to':'b',"
                    + "'data':{'candidate':null},'admin':true,'extra':{'deep':[1,2,{'x':null}]}}"));

            assertEquals(new SignalRequest("b", new Candidate(null)), decoded);
            SignalRequest request = (SignalRequest) decoded;
            assertEquals(json("{'type':'signal','from':'a','data':{'candidate':null}}"),
                    Protocol.encode(new Signal("a", request.data())));
        }

        @Test
        void fieldOrderDoesNotMatter() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Description(new SessionDescription("answer", "v=0"))),
                    Protocol.decode(json("{'data':{'description':{'sdp':'v=0','type':'answer'}},'to':'b','type':'signal'}")));
        }

        @Test
        void whitespaceAroundAndInsideTheJsonIsFine() throws ProtocolException {
            assertEquals(new SignalRequest("b", new Candidate(null)),
                    Protocol.decode(" \n\t{ 'type' : 'signal' ,\r\n 'to' : 'b' , 'data' : { 'candidate' : null } }\n ".replace('\'', '"')));
        }

        @Test
        void escapesAndNonAsciiTextAreDecoded() throws ProtocolException {
            String frame = "{\"type\":\"signal\",\"to\":\"p\\u00e9€r-😀\","
                    + "\"data\":{\"description\":{\"type\":\"offer\",\"sdp\":\"a\\\"b\\\\c\\r\\n\\/\\u00E9\"}}}";

            assertEquals(new SignalRequest("pé€r-😀", new Description(new SessionDescription("offer", "a\"b\\c\r\n/é"))),
                    Protocol.decode(frame));
        }

        @Test
        void aFrameOfExactlyTheLargestSizeIsAccepted() throws ProtocolException {
            String signal = signalTo("{'description':{'type':'offer','sdp':'v=0'}}");
            String frame = signal.substring(0, signal.length() - 1)
                    + " ".repeat(Protocol.MAX_MESSAGE_CHARS - signal.length()) + "}";
            assertEquals(Protocol.MAX_MESSAGE_CHARS, frame.length());

            assertEquals(new SignalRequest("b", new Description(new SessionDescription("offer", "v=0"))),
                    Protocol.decode(frame));
        }

        @Test
        void fieldsOfExactlyTheirLargestSizesAreAccepted() throws ProtocolException {
            String sdp = "x".repeat(Protocol.MAX_SDP_CHARS);
            String text = "c".repeat(Protocol.MAX_CANDIDATE_CHARS);
            String field = "f".repeat(Protocol.MAX_CANDIDATE_FIELD_CHARS);
            String to = "b".repeat(Protocol.MAX_ID_CHARS);

            assertEquals(new SignalRequest("b", new Description(new SessionDescription("offer", sdp))),
                    Protocol.decode(signalTo("{'description':{'type':'offer','sdp':'" + sdp + "'}}")));
            assertEquals(new SignalRequest("b", new Candidate(new IceCandidate(text, field, 0, field))),
                    Protocol.decode(signalTo("{'candidate':{'candidate':'" + text + "','sdpMid':'" + field
                            + "','sdpMLineIndex':0,'usernameFragment':'" + field + "'}}")));
            assertEquals(new SignalRequest(to, new Candidate(null)),
                    Protocol.decode(json("{'type':'signal','to':'" + to + "','data':{'candidate':null}}")));
        }

        @Test
        void aFieldOverItsLimitSaysWhichFieldHowLongItMayBeAndHowLongItWas() {
            ProtocolException refused = decodeFailure(
                    signalTo("{'description':{'type':'offer','sdp':'" + "x".repeat(Protocol.MAX_SDP_CHARS + 1) + "'}}"));

            assertEquals(BAD_MESSAGE, refused.code());
            assertEquals("A description's sdp may have at most " + Protocol.MAX_SDP_CHARS + " characters; this one had "
                    + (Protocol.MAX_SDP_CHARS + 1) + ".", refused.getMessage());
        }

        @Test
        void resume() throws ProtocolException {
            assertEquals(new ResumeRequest("tok3n"), Protocol.decode(json("{'type':'resume','token':'tok3n'}")));
        }

        /** What a relay does: decode a client's data, send it on in a signal; the data comes out as it went in. */
        @ParameterizedTest
        @ValueSource(strings = {
            "{'description':{'type':'offer','sdp':'v=0\\r\\n'}}",
            "{'description':{'type':'answer','sdp':'v=0\\r\\n'}}",
            "{'description':{'type':'rollback'}}",
            "{'candidate':{'candidate':'c','sdpMid':'0','sdpMLineIndex':0,'usernameFragment':'u'}}",
            "{'candidate':{'candidate':'c','sdpMid':null,'sdpMLineIndex':null,'usernameFragment':null}}",
            "{'candidate':null}",
            "{'fingerprint':'" + SHA_256 + "'}",
        })
        void decodedDataIsRelayedUnchanged(String data) throws ProtocolException {
            SignalRequest request = (SignalRequest) Protocol.decode(signalTo(data));

            assertEquals(json("{'type':'signal','from':'a','data':" + data + "}"),
                    Protocol.encode(new Signal("a", request.data())));
        }
    }

    @Nested
    class DecodeErrors {

        static Stream<Arguments> refusedFrames() {
            String cand = "{'candidate':{'candidate':'c',";
            return Stream.of(
                    // Not JSON at all.
                    argumentSet("plain text", "nope", BAD_JSON),
                    argumentSet("an unquoted word", "signal", BAD_JSON),
                    argumentSet("a lone closing brace", "}", BAD_JSON),
                    argumentSet("single-quoted JSON", "{'type':'signal','to':'b','data':{'candidate':null}}", BAD_JSON),
                    argumentSet("unquoted field names", "{type:\"signal\",to:\"b\",data:{candidate:null}}", BAD_JSON),
                    argumentSet("a trailing comma", signalTo("{'candidate':null,}"), BAD_JSON),
                    argumentSet("a comment", "/* hi */" + signalTo("{'candidate':null}"), BAD_JSON),
                    argumentSet("NaN", signalTo("{'candidate':{'candidate':'c','sdpMLineIndex':NaN}}"), BAD_JSON),
                    argumentSet("a number with a leading zero", signalTo("{'candidate':{'candidate':'c','sdpMLineIndex':01}}"), BAD_JSON),
                    argumentSet("a raw control character in a string",
                            signalTo("{'description':{'type':'offer','sdp':'v=0\u0001'}}"), BAD_JSON),
                    argumentSet("a raw line break in a string",
                            signalTo("{'description':{'type':'offer','sdp':'v=0\n'}}"), BAD_JSON),
                    argumentSet("an invalid escape", signalTo("{'description':{'type':'offer','sdp':'\\x41'}}"), BAD_JSON),
                    argumentSet("a byte order mark", "\uFEFF" + signalTo("{'candidate':null}"), BAD_JSON),

                    // Truncated JSON.
                    argumentSet("only an opening brace", "{", BAD_JSON),
                    argumentSet("cut after a field name", json("{'type':"), BAD_JSON),
                    argumentSet("cut inside a string", json("{'type':'sig"), BAD_JSON),
                    argumentSet("missing the last brace", json("{'type':'signal','to':'b','data':{'candidate':null}"), BAD_JSON),
                    argumentSet("an unclosed array", "[", BAD_JSON),

                    // Duplicate keys, anywhere.
                    argumentSet("duplicate type", json("{'type':'signal','type':'signal','to':'b','data':{'candidate':null}}"), BAD_JSON),
                    argumentSet("duplicate to", json("{'type':'signal','to':'b','to':'c','data':{'candidate':null}}"), BAD_JSON),
                    argumentSet("duplicate data", json("{'type':'signal','to':'b','data':{'candidate':null},'data':{'candidate':null}}"), BAD_JSON),
                    argumentSet("duplicate forged from", json("{'type':'signal','from':'x','from':'y','to':'b','data':{'candidate':null}}"), BAD_JSON),
                    argumentSet("duplicate candidate in data", signalTo("{'candidate':null,'candidate':null}"), BAD_JSON),
                    argumentSet("duplicate sdp in description", signalTo("{'description':{'type':'offer','sdp':'a','sdp':'b'}}"), BAD_JSON),
                    argumentSet("duplicate sdpMid in candidate", signalTo(cand + "'sdpMid':'0','sdpMid':'1'}}"), BAD_JSON),

                    // JSON, but not an object.
                    argumentSet("an empty array", "[]", BAD_MESSAGE),
                    argumentSet("an array holding a message", "[" + signalTo("{'candidate':null}") + "]", BAD_MESSAGE),
                    argumentSet("a number", "5", BAD_MESSAGE),
                    argumentSet("a fraction", "1.5", BAD_MESSAGE),
                    argumentSet("a string", "\"signal\"", BAD_MESSAGE),
                    argumentSet("null", "null", BAD_MESSAGE),
                    argumentSet("true", "true", BAD_MESSAGE),
                    argumentSet("false", "false", BAD_MESSAGE),

                    // The type.
                    argumentSet("an empty object", "{}", BAD_MESSAGE),
                    argumentSet("no type", json("{'to':'b','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("null type", json("{'type':null,'to':'b','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("number type", json("{'type':5,'to':'b','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("boolean type", json("{'type':true,'to':'b','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("array type", json("{'type':['signal'],'to':'b','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("object type", json("{'type':{'signal':1},'to':'b','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("empty type", json("{'type':'','to':'b','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("unknown type", json("{'type':'hello','to':'b','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("type in capitals", json("{'type':'Signal','to':'b','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("type with a space", json("{'type':'signal ','to':'b','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("a server type: welcome", json("{'type':'welcome','id':'b','peers':[]}"), BAD_MESSAGE),
                    argumentSet("a server type: error", json("{'type':'error','code':'bad-json','message':'x'}"), BAD_MESSAGE),

                    // The addressee.
                    argumentSet("no to", json("{'type':'signal','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("null to", json("{'type':'signal','to':null,'data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("empty to", json("{'type':'signal','to':'','data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("number to", json("{'type':'signal','to':5,'data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("array to", json("{'type':'signal','to':['b'],'data':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("object to", json("{'type':'signal','to':{'id':'b'},'data':{'candidate':null}}"), BAD_MESSAGE),

                    // The data.
                    argumentSet("no data", json("{'type':'signal','to':'b'}"), BAD_MESSAGE),
                    argumentSet("null data", signalTo("null"), BAD_MESSAGE),
                    argumentSet("string data", signalTo("'offer'"), BAD_MESSAGE),
                    argumentSet("number data", signalTo("5"), BAD_MESSAGE),
                    argumentSet("array data", signalTo("[{'candidate':null}]"), BAD_MESSAGE),
                    argumentSet("empty data", signalTo("{}"), BAD_MESSAGE),
                    argumentSet("both description and candidate",
                            signalTo("{'description':{'type':'rollback'},'candidate':null}"), BAD_MESSAGE),
                    argumentSet("an unknown key in data", signalTo("{'sdp':'v=0'}"), BAD_MESSAGE),
                    argumentSet("candidates instead of candidate", signalTo("{'candidates':null}"), BAD_MESSAGE),
                    argumentSet("an extra key next to candidate", signalTo("{'candidate':null,'from':'mallory'}"), BAD_MESSAGE),

                    // The fingerprint.
                    argumentSet("null fingerprint", signalTo("{'fingerprint':null}"), BAD_MESSAGE),
                    argumentSet("number fingerprint", signalTo("{'fingerprint':5}"), BAD_MESSAGE),
                    argumentSet("object fingerprint", signalTo("{'fingerprint':{'algorithm':'sha-256','value':'AB'}}"), BAD_MESSAGE),
                    argumentSet("array fingerprint", signalTo("{'fingerprint':['" + SHA_256 + "']}"), BAD_MESSAGE),
                    argumentSet("empty fingerprint", signalTo("{'fingerprint':''}"), BAD_MESSAGE),
                    argumentSet("fingerprint without a hash name", signalTo("{'fingerprint':' AB:CD'}"), BAD_MESSAGE),
                    argumentSet("fingerprint without bytes", signalTo("{'fingerprint':'sha-256 '}"), BAD_MESSAGE),
                    argumentSet("fingerprint without the space", signalTo("{'fingerprint':'sha-256AB:CD'}"), BAD_MESSAGE),
                    argumentSet("fingerprint with two spaces", signalTo("{'fingerprint':'sha-256  AB:CD'}"), BAD_MESSAGE),
                    argumentSet("fingerprint with a tab", signalTo("{'fingerprint':'sha-256\\tAB:CD'}"), BAD_MESSAGE),
                    argumentSet("fingerprint hash name in capitals", signalTo("{'fingerprint':'SHA-256 AB:CD'}"), BAD_MESSAGE),
                    argumentSet("fingerprint hash name of 17 characters", signalTo("{'fingerprint':'abcdefghijklmnopq AB'}"), BAD_MESSAGE),
                    argumentSet("fingerprint hash name with a dot", signalTo("{'fingerprint':'sha.256 AB'}"), BAD_MESSAGE),
                    argumentSet("fingerprint of 65 byte pairs", signalTo("{'fingerprint':'sha-512 " + "AB:".repeat(64) + "AB'}"), BAD_MESSAGE),
                    argumentSet("fingerprint with a single hex digit", signalTo("{'fingerprint':'sha-256 AB:C'}"), BAD_MESSAGE),
                    argumentSet("fingerprint with three hex digits", signalTo("{'fingerprint':'sha-256 ABC:DE'}"), BAD_MESSAGE),
                    argumentSet("fingerprint with a non-hex digit", signalTo("{'fingerprint':'sha-256 AB:CG'}"), BAD_MESSAGE),
                    argumentSet("fingerprint with a trailing colon", signalTo("{'fingerprint':'sha-256 AB:CD:'}"), BAD_MESSAGE),
                    argumentSet("fingerprint with a trailing space", signalTo("{'fingerprint':'sha-256 AB:CD '}"), BAD_MESSAGE),
                    argumentSet("fingerprint with a trailing line break", signalTo("{'fingerprint':'sha-256 AB:CD\\n'}"), BAD_MESSAGE),
                    argumentSet("fingerprint with dashes between bytes", signalTo("{'fingerprint':'sha-256 AB-CD'}"), BAD_MESSAGE),
                    argumentSet("fingerprint with full-width digits", signalTo("{'fingerprint':'sha-256 \uFF11\uFF12'}"), BAD_MESSAGE),
                    argumentSet("fingerprint next to a candidate", signalTo("{'fingerprint':'" + SHA_256 + "','candidate':null}"), BAD_MESSAGE),

                    // The description.
                    argumentSet("null description", signalTo("{'description':null}"), BAD_MESSAGE),
                    argumentSet("string description", signalTo("{'description':'offer'}"), BAD_MESSAGE),
                    argumentSet("array description", signalTo("{'description':['offer','v=0']}"), BAD_MESSAGE),
                    argumentSet("empty description", signalTo("{'description':{}}"), BAD_MESSAGE),
                    argumentSet("description without type", signalTo("{'description':{'sdp':'v=0'}}"), BAD_MESSAGE),
                    argumentSet("description with null type", signalTo("{'description':{'type':null,'sdp':'v=0'}}"), BAD_MESSAGE),
                    argumentSet("description type pranswer", signalTo("{'description':{'type':'pranswer','sdp':'v=0'}}"), BAD_MESSAGE),
                    argumentSet("description type OFFER", signalTo("{'description':{'type':'OFFER','sdp':'v=0'}}"), BAD_MESSAGE),
                    argumentSet("description type empty", signalTo("{'description':{'type':'','sdp':'v=0'}}"), BAD_MESSAGE),
                    argumentSet("description type 5", signalTo("{'description':{'type':5,'sdp':'v=0'}}"), BAD_MESSAGE),
                    argumentSet("offer without sdp", signalTo("{'description':{'type':'offer'}}"), BAD_MESSAGE),
                    argumentSet("offer with null sdp", signalTo("{'description':{'type':'offer','sdp':null}}"), BAD_MESSAGE),
                    argumentSet("answer without sdp", signalTo("{'description':{'type':'answer'}}"), BAD_MESSAGE),
                    argumentSet("sdp a number", signalTo("{'description':{'type':'offer','sdp':5}}"), BAD_MESSAGE),
                    argumentSet("sdp an array", signalTo("{'description':{'type':'offer','sdp':['v=0']}}"), BAD_MESSAGE),
                    argumentSet("sdp an object", signalTo("{'description':{'type':'offer','sdp':{}}}"), BAD_MESSAGE),
                    argumentSet("rollback with a non-string sdp", signalTo("{'description':{'type':'rollback','sdp':false}}"), BAD_MESSAGE),
                    argumentSet("description with an extra field",
                            signalTo("{'description':{'type':'offer','sdp':'v=0','from':'mallory'}}"), BAD_MESSAGE),
                    argumentSet("rollback with an extra field", signalTo("{'description':{'type':'rollback','x':null}}"), BAD_MESSAGE),

                    // The candidate.
                    argumentSet("string candidate", signalTo("{'candidate':'" + CANDIDATE_TEXT + "'}"), BAD_MESSAGE),
                    argumentSet("number candidate", signalTo("{'candidate':5}"), BAD_MESSAGE),
                    argumentSet("array candidate", signalTo("{'candidate':['c']}"), BAD_MESSAGE),
                    argumentSet("empty candidate object", signalTo("{'candidate':{}}"), BAD_MESSAGE),
                    argumentSet("candidate without its text", signalTo("{'candidate':{'sdpMid':'0','sdpMLineIndex':0}}"), BAD_MESSAGE),
                    argumentSet("candidate text null", signalTo("{'candidate':{'candidate':null}}"), BAD_MESSAGE),
                    argumentSet("candidate text a number", signalTo("{'candidate':{'candidate':5}}"), BAD_MESSAGE),
                    argumentSet("candidate text an object", signalTo("{'candidate':{'candidate':{}}}"), BAD_MESSAGE),
                    argumentSet("candidate with an extra field", signalTo(cand + "'sdpMid':'0','foo':1}}"), BAD_MESSAGE),
                    argumentSet("candidate with a null extra field", signalTo(cand + "'relayProtocol':null}}"), BAD_MESSAGE),
                    argumentSet("sdpMid a number", signalTo(cand + "'sdpMid':0}}"), BAD_MESSAGE),
                    argumentSet("sdpMid an array", signalTo(cand + "'sdpMid':['0']}}"), BAD_MESSAGE),
                    argumentSet("usernameFragment a number", signalTo(cand + "'usernameFragment':5}}"), BAD_MESSAGE),
                    argumentSet("usernameFragment a boolean", signalTo(cand + "'usernameFragment':true}}"), BAD_MESSAGE),
                    argumentSet("sdpMLineIndex negative", signalTo(cand + "'sdpMLineIndex':-1}}"), BAD_MESSAGE),
                    argumentSet("sdpMLineIndex 65536", signalTo(cand + "'sdpMLineIndex':65536}}"), BAD_MESSAGE),
                    argumentSet("sdpMLineIndex 70000", signalTo(cand + "'sdpMLineIndex':70000}}"), BAD_MESSAGE),
                    argumentSet("sdpMLineIndex beyond a long", signalTo(cand + "'sdpMLineIndex':99999999999999999999}}"), BAD_MESSAGE),
                    argumentSet("sdpMLineIndex 1.5", signalTo(cand + "'sdpMLineIndex':1.5}}"), BAD_MESSAGE),
                    argumentSet("sdpMLineIndex 1.0", signalTo(cand + "'sdpMLineIndex':1.0}}"), BAD_MESSAGE),
                    argumentSet("sdpMLineIndex 1e2", signalTo(cand + "'sdpMLineIndex':1e2}}"), BAD_MESSAGE),
                    argumentSet("sdpMLineIndex the string 0", signalTo(cand + "'sdpMLineIndex':'0'}}"), BAD_MESSAGE),
                    argumentSet("sdpMLineIndex a boolean", signalTo(cand + "'sdpMLineIndex':false}}"), BAD_MESSAGE),
                    argumentSet("sdpMLineIndex an array", signalTo(cand + "'sdpMLineIndex':[0]}}"), BAD_MESSAGE),

                    // Fields longer than any browser sends.
                    argumentSet("an sdp one character too long", signalTo("{'description':{'type':'answer','sdp':'"
                            + "x".repeat(Protocol.MAX_SDP_CHARS + 1) + "'}}"), BAD_MESSAGE),
                    argumentSet("a candidate one character too long",
                            signalTo(cand.replace("'c'", "'" + "c".repeat(Protocol.MAX_CANDIDATE_CHARS + 1) + "'") + "'sdpMid':'0'}}"), BAD_MESSAGE),
                    argumentSet("an sdpMid one character too long",
                            signalTo(cand + "'sdpMid':'" + "0".repeat(Protocol.MAX_CANDIDATE_FIELD_CHARS + 1) + "'}}"), BAD_MESSAGE),
                    argumentSet("a usernameFragment one character too long",
                            signalTo(cand + "'usernameFragment':'" + "u".repeat(Protocol.MAX_CANDIDATE_FIELD_CHARS + 1) + "'}}"), BAD_MESSAGE),
                    argumentSet("a to one character too long", json("{'type':'signal','to':'"
                            + "b".repeat(Protocol.MAX_ID_CHARS + 1) + "','data':{'candidate':null}}"), BAD_MESSAGE),

                    // Resume.
                    argumentSet("resume without a token", json("{'type':'resume'}"), BAD_MESSAGE),
                    argumentSet("resume with a null token", json("{'type':'resume','token':null}"), BAD_MESSAGE),
                    argumentSet("resume with an empty token", json("{'type':'resume','token':''}"), BAD_MESSAGE),
                    argumentSet("resume with a number token", json("{'type':'resume','token':5}"), BAD_MESSAGE),
                    argumentSet("resume with a token too long",
                            json("{'type':'resume','token':'" + "t".repeat(Protocol.MAX_ID_CHARS + 1) + "'}"), BAD_MESSAGE),
                    argumentSet("resume with an extra field", json("{'type':'resume','token':'t','id':'x'}"), BAD_MESSAGE),

                    // Too large, whatever the content.
                    argumentSet("a valid signal one character too long", validSignalOfLength(Protocol.MAX_MESSAGE_CHARS + 1), TOO_LARGE),
                    argumentSet("garbage one character too long", "x".repeat(Protocol.MAX_MESSAGE_CHARS + 1), TOO_LARGE),
                    argumentSet("a megabyte of spaces", " ".repeat(1024 * 1024), TOO_LARGE));
        }

        /** A valid offer padded (in its sdp) to exactly {@code length} characters. */
        private static String validSignalOfLength(int length) {
            String before = json("{'type':'signal','to':'b','data':{'description':{'type':'offer','sdp':'");
            String after = json("'}}}");
            return before + "x".repeat(length - before.length() - after.length()) + after;
        }

        @ParameterizedTest
        @MethodSource("refusedFrames")
        void refusesWithTheRightCode(String frame, ErrorCode expected) {
            assertEquals(expected, decodeFailure(frame).code());
        }

        @ParameterizedTest
        @MethodSource("refusedFrames")
        void explainsTheRefusalInASentence(String frame, ErrorCode ignored) {
            assertSentence(decodeFailure(frame).getMessage());
        }

        @ParameterizedTest
        @MethodSource("refusedFrames")
        void theRefusalEncodesAsAnErrorMessage(String frame, ErrorCode ignored) {
            assertEncodesAsErrorMessage(decodeFailure(frame));
        }

        @Test
        void everyProperPrefixOfAValidSignalIsBadJson() {
            String frame = signalTo("{'candidate':{'candidate':'c','sdpMid':'0','sdpMLineIndex':0,'usernameFragment':'u'}}");
            for (int length = 1; length < frame.length(); length++) {
                String prefix = frame.substring(0, length);
                ProtocolException refused = decodeFailure(prefix);
                assertEquals(BAD_JSON, refused.code(), () -> "For the prefix " + prefix);
                assertSentence(refused.getMessage());
            }
        }

        @Test
        void tooLargeSaysHowLargeAFrameMayBeAndHowLargeThisOneWas() {
            int length = Protocol.MAX_MESSAGE_CHARS + 1;
            String message = decodeFailure(validSignalOfLength(length)).getMessage();
            assertTrue(message.contains(String.valueOf(Protocol.MAX_MESSAGE_CHARS)), message);
            assertTrue(message.contains(String.valueOf(length)), message);
        }

        @Test
        void aBadFingerprintSaysWhatAFingerprintLooksLike() {
            String message = decodeFailure(signalTo("{'fingerprint':'sha-256 XY'}")).getMessage();
            assertTrue(message.contains("\"fingerprint\"") && message.contains("sha-256"), message);
        }

        @Test
        void unknownDataNamesAllThreeKinds() {
            String message = decodeFailure(signalTo("{'sdp':'v=0'}")).getMessage();
            assertTrue(message.contains("\"description\"") && message.contains("\"candidate\"")
                    && message.contains("\"fingerprint\""), message);
        }

        @Test
        void offerWithoutSdpSaysTheSdpIsMissing() {
            String message = decodeFailure(signalTo("{'description':{'type':'offer'}}")).getMessage();
            assertTrue(message.contains("\"sdp\""), message);
        }

        /** An empty frame is not JSON; it must be refused as one or the other, and not crash. */
        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\n\t\r "})
        void emptyFramesAreRefused(String frame) {
            ProtocolException refused = decodeFailure(frame);
            assertTrue(EnumSet.of(BAD_JSON, BAD_MESSAGE).contains(refused.code()), refused.code()::toString);
            assertSentence(refused.getMessage());
            assertEncodesAsErrorMessage(refused);
        }

        static Stream<Arguments> deeplyNestedFrames() {
            List<Arguments> frames = new ArrayList<>();
            for (int depth : new int[] {999, 1000, 1001, 5000, 30_000}) {
                String arrays = "[".repeat(depth) + "]".repeat(depth);
                frames.add(argumentSet(depth + " nested arrays as the candidate", signalTo("{'candidate':" + arrays + "}"), depth));
                frames.add(argumentSet(depth + " nested arrays as the whole frame", arrays, depth));
                frames.add(argumentSet(depth + " unclosed arrays", "[".repeat(depth), depth));
            }
            for (int depth : new int[] {999, 1000, 1001, 5000, 10_000}) {
                String objects = json("{'a':").repeat(depth) + "1" + "}".repeat(depth);
                if (depth > 1000) { // Shallower nesting in an ignored field is valid JSON, so the frame is accepted.
                    frames.add(argumentSet(depth + " nested objects as an extra field",
                            json("{'type':'signal','to':'b','data':{'candidate':null},'x':") + objects + "}", depth));
                }
                frames.add(argumentSet(depth + " nested objects as the description", signalTo("{'description':" + objects + "}"), depth));
            }
            return frames.stream();
        }

        /** Jackson limits nesting (to 1000 levels by default); whatever the limit, it must never crash decode. */
        @ParameterizedTest
        @MethodSource("deeplyNestedFrames")
        void deeplyNestedJsonIsRefusedWithoutCrashing(String frame, int depth) {
            assertTrue(frame.length() <= Protocol.MAX_MESSAGE_CHARS, "The test frame must not be refused only for its size");
            ProtocolException refused = decodeFailure(frame);
            assertTrue(EnumSet.of(BAD_JSON, BAD_MESSAGE).contains(refused.code()),
                    () -> "Depth " + depth + " gave " + refused.code());
            assertSentence(refused.getMessage());
            assertEncodesAsErrorMessage(refused);
        }

        @Test
        void deeplyNestedJsonInAnIgnoredFieldIsStillRefused() {
            String frame = json("{'type':'signal','to':'b','data':{'candidate':null},'x':") + "[".repeat(5000) + "]".repeat(5000) + "}";
            assertEquals(BAD_JSON, decodeFailure(frame).code());
        }

        /** One frame is one message: whatever follows it (say, a second message) makes the frame bad-json. */
        @ParameterizedTest
        @ValueSource(strings = {" x", "}", "]", "{}", " // comment", ",", " null", "{'type':'signal','to':'c','data':{'candidate':null}}"})
        void textAfterTheMessageIsBadJson(String trailer) {
            String frame = signalTo("{'candidate':null}") + json(trailer);
            assertEquals(BAD_JSON, decodeFailure(frame).code());
        }
    }

    @Test
    void randomIdsAre22UrlSafeCharactersAndNeverRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = PeerInfo.randomId();
            assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
            ids.add(id);
        }
        assertEquals(1_000, ids.size());
    }

    @Nested
    class ErrorMessages {

        @ParameterizedTest
        @EnumSource(ErrorCode.class)
        void everyCodeWithAnAwkwardMessageEncodesAsValidJson(ErrorCode code) {
            ProtocolException refused = new ProtocolException(code,
                    "Quotes \" and \\ backslashes, {braces}, </script>, \u0000\u001f control, \u2028 separators, é 😀.");
            assertEncodesAsErrorMessage(refused);
        }

        /** docs/protocol.md promises 65,536 characters: the number itself, not whatever the constant says. */
        @Test
        void theDocumentedLimitIs65536CharactersAndTheMessageSaysBothNumbers() {
            // 65,536 characters are read (they are no JSON); one more is too large, unread.
            assertEquals(BAD_JSON, assertThrows(ProtocolException.class, () -> Protocol.decode("x".repeat(65_536))).code());
            ProtocolException tooLarge = assertThrows(ProtocolException.class, () -> Protocol.decode("x".repeat(65_537)));
            assertEquals(TOO_LARGE, tooLarge.code());
            assertEquals("Messages may be at most 65536 characters; this one had 65537.", tooLarge.getMessage());
        }

        /** docs/protocol.md promises that a bad-json error says at which character the problem is, counted from 1. */
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "{\"type\":}           | 9",
            "{\"a\":1,,}           | 8",
            "]                     | 1",
            "{\"to\":\"b\"}}     | 11",
        })
        void badJsonSaysAtWhichCharacterTheProblemIs(String frame, int character) {
            ProtocolException refused = assertThrows(ProtocolException.class, () -> Protocol.decode(frame.strip()));
            assertEquals(BAD_JSON, refused.code());
            assertEquals("That was not valid JSON: the problem is at character " + character + ".", refused.getMessage());
        }

        @Test
        void toMessageKeepsTheCodeAndTheSentence() {
            ProtocolException refused = new ProtocolException(TOO_LARGE, "Too big.");
            assertEquals(new ServerMessage.Error(TOO_LARGE, "Too big."), refused.toMessage());
            assertEquals(TOO_LARGE, refused.code());
        }
    }
}
