package dev.webrtcsteps.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.webrtcsteps.common.protocol.Protocol;
import dev.webrtcsteps.common.protocol.RtcConfiguration;
import dev.webrtcsteps.common.protocol.RtcConfiguration.IceServer;
import dev.webrtcsteps.common.protocol.ServerMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IceServersTest {

    private static final String SECRET = "north-wind-secret-42";
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);

    @Test
    void theCredentialIsTheTurnRestApisHmacOfTheUsername() {
        // The vector was computed apart from this code, with
        // echo -n 1700086400:alice | openssl dgst -sha1 -hmac north-wind-secret-42 -binary | base64
        IceServers ice = IceServers.fromEnvironment(Map.of("TURN_URLS", "turn:127.0.0.1:3478", "TURN_SECRET", SECRET));
        IceServer turn = ice.forUser("alice", NOW).iceServers().get(0);
        assertEquals("1700086400:alice", turn.username()); // expires a day from now
        assertEquals("OqQUy3+moA01hOywOrj/DEWW0KA=", turn.credential());
        assertEquals(List.of("turn:127.0.0.1:3478"), turn.urls());
    }

    @Test
    void nothingSetMeansNoConfigurationAtAll() {
        assertNull(IceServers.fromEnvironment(Map.of()).forUser("alice", NOW));
        assertNull(IceServers.NONE.forUser("alice", NOW));
    }

    @Test
    void stunComesFirstWithoutCredentialsThenTurnWithThePolicy() {
        IceServers ice = IceServers.fromEnvironment(Map.of("STUN_URLS", "stun:a.example:3478, stun:b.example:3478",
                "TURN_URLS", "turn:t.example:3478?transport=udp,turns:t.example:443?transport=tcp", "TURN_SECRET", SECRET,
                "TURN_CREDENTIAL_TTL_SECONDS", "600", "ICE_TRANSPORT_POLICY", "relay"));
        RtcConfiguration rtc = ice.forUser("bob", NOW);
        assertEquals(new IceServer(List.of("stun:a.example:3478", "stun:b.example:3478"), null, null), rtc.iceServers().get(0));
        assertEquals(List.of("turn:t.example:3478?transport=udp", "turns:t.example:443?transport=tcp"), rtc.iceServers().get(1).urls());
        assertEquals("1700000600:bob", rtc.iceServers().get(1).username());
        assertEquals("relay", rtc.iceTransportPolicy());
    }

    @Test
    void eachUserAndEachMomentGetsItsOwnCredential() {
        IceServers ice = IceServers.fromEnvironment(Map.of("TURN_URLS", "turn:t.example", "TURN_SECRET", SECRET));
        String ann = ice.forUser("ann", NOW).iceServers().get(0).credential();
        assertFalse(ann.equals(ice.forUser("bob", NOW).iceServers().get(0).credential()));
        assertFalse(ann.equals(ice.forUser("ann", NOW.plusSeconds(1)).iceServers().get(0).credential()));
    }

    @Test
    void theSecretIsInNoWelcomeAndNoLogLine() {
        IceServers ice = IceServers.fromEnvironment(Map.of("TURN_URLS", "turn:t.example", "TURN_SECRET", SECRET));
        String welcome = Protocol.encode(new ServerMessage.Welcome("ann", List.of(), ice.forUser("ann", NOW)));
        assertTrue(welcome.contains("\"rtcConfiguration\":{\"iceServers\":[{\"urls\":[\"turn:t.example\"],\"username\":"), welcome);
        assertFalse(welcome.contains(SECRET), welcome);
        assertFalse(ice.toString().contains(SECRET), ice.toString());
    }

    @Test
    void withoutAMomentTheCredentialIsForNow() {
        IceServers ice = IceServers.fromEnvironment(Map.of("TURN_URLS", "turn:t.example", "TURN_SECRET", SECRET));
        String username = ice.forUser("ann").iceServers().get(0).username();
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        long inADay = Instant.now().plus(IceServers.DEFAULT_CREDENTIAL_TTL).getEpochSecond();
        assertTrue(Math.abs(expiry - inADay) <= 5, username);
    }

    @Test
    void aSecretOfSixteenCharactersIsEnoughAndFifteenIsNot() {
        IceServers.fromEnvironment(Map.of("TURN_URLS", "turn:t.example", "TURN_SECRET", "x".repeat(16)));
        assertThrows(IllegalArgumentException.class,
                () -> IceServers.fromEnvironment(Map.of("TURN_URLS", "turn:t.example", "TURN_SECRET", "x".repeat(15))));
    }

    @Test
    void theSettingsTextSaysWhetherASecretIsSetAndNotWhichOne() {
        assertEquals("IceServers[stun=[stun:s.example], turn=[turn:t.example], secret=(set), credentialTtl=PT24H, "
                + "transportPolicy=all]", IceServers.fromEnvironment(Map.of("STUN_URLS", "stun:s.example",
                "TURN_URLS", "turn:t.example", "TURN_SECRET", SECRET)).toString());
        assertEquals("IceServers[stun=[], turn=[], secret=none, credentialTtl=PT24H, transportPolicy=all]",
                IceServers.NONE.toString());
    }

    @Test
    void withoutServersTheWelcomeHasNoConfiguration() {
        assertEquals("{\"type\":\"welcome\",\"id\":\"ann\",\"peers\":[]}",
                Protocol.encode(new ServerMessage.Welcome("ann", List.of(), IceServers.NONE.forUser("ann", NOW))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "TURN_URLS=turn:t.example; TURN_SECRET",
        "TURN_SECRET=" + SECRET + "; TURN_URLS",
        "TURN_URLS=http://t.example,TURN_SECRET=" + SECRET + "; TURN_URLS",
        "STUN_URLS=turn:t.example; STUN_URLS",
        "STUN_URLS=stun:a b; STUN_URLS",
        "ICE_TRANSPORT_POLICY=relay; ICE_TRANSPORT_POLICY=relay needs a TURN server",
        "ICE_TRANSPORT_POLICY=none; ICE_TRANSPORT_POLICY must be",
        "TURN_URLS=turn:t.example,TURN_SECRET=short; TURN_SECRET must have",
        "TURN_URLS=turn:t.example,TURN_SECRET=" + SECRET + ",TURN_CREDENTIAL_TTL_SECONDS=0; TURN_CREDENTIAL_TTL_SECONDS"})
    void settingsThatCannotWorkStopTheServerWithOneLineThatNamesTheSetting(String settings, String named) {
        Map<String, String> environment = new java.util.HashMap<>();
        for (String setting : settings.split(",(?=[A-Z_]+=)")) {
            environment.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        var refused = assertThrows(IllegalArgumentException.class, () -> IceServers.fromEnvironment(environment));
        assertTrue(refused.getMessage().contains(named), refused.getMessage());
        assertFalse(refused.getMessage().contains(SECRET), refused.getMessage());
    }
}
