package dev.webrtcsteps.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerAddressTest {

    @Test
    void defaultsToLoopbackOn8080() {
        assertEquals(new ServerAddress("127.0.0.1", 8080), ServerAddress.fromEnvironment(Map.of()));
    }

    @Test
    void everyPortFromZeroTo65535IsAPort() {
        assertEquals(0, ServerAddress.fromEnvironment(Map.of("PORT", "0")).port());
        assertEquals(65535, ServerAddress.fromEnvironment(Map.of("PORT", "65535")).port());
    }

    @Test
    void readsHostAndPort() {
        assertEquals(new ServerAddress("0.0.0.0", 9000),
                ServerAddress.fromEnvironment(Map.of("HOST", "0.0.0.0", "PORT", " 9000 ")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "80x", "-1", "65536", "99999999999"})
    void refusesAPortThatIsNotAPortNumber(String port) {
        var error = assertThrows(IllegalArgumentException.class,
                () -> ServerAddress.fromEnvironment(Map.of("PORT", port)));
        assertEquals("PORT must be a number from 0 to 65535 (0 picks a free port), but it is '" + port + "'.",
                error.getMessage());
    }

    @Test
    void refusesAnEmptyHost() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> ServerAddress.fromEnvironment(Map.of("HOST", " ")));
        assertTrue(error.getMessage().startsWith("HOST is empty"));
    }

    @Test
    void browserUrlNamesAReachableHost() {
        assertEquals("http://127.0.0.1:8080/", new ServerAddress("127.0.0.1", 0).browserUrl(8080));
        assertEquals("http://localhost:8080/", new ServerAddress("0.0.0.0", 8080).browserUrl(8080));
        assertEquals("http://[::1]:8080/", new ServerAddress("::1", 8080).browserUrl(8080));
    }

    @Test
    void onEveryInterfaceTheNetworkAddressesAreWhereOtherDevicesOpenIt() throws Exception {
        List<InetAddress> lan = List.of(InetAddress.getByName("192.168.1.20"), InetAddress.getByName("10.0.0.7"));
        assertEquals(List.of("http://192.168.1.20:8080/", "http://10.0.0.7:8080/"),
                new ServerAddress("0.0.0.0", 0).networkUrls(8080, lan));
        assertEquals(List.of(), new ServerAddress("127.0.0.1", 0).networkUrls(8080, lan),
                "a server on loopback cannot be opened from the network");
    }

    @Test
    void networkAddressesAreThisMachinesOwnAndNeverLoopback() throws Exception {
        for (InetAddress address : ServerAddress.networkAddresses()) {
            assertFalse(address.isLoopbackAddress(), address.toString());
            assertNotNull(NetworkInterface.getByInetAddress(address), address + " is on no interface of this machine");
        }
    }
}
