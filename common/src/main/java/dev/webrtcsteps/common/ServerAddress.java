package dev.webrtcsteps.common;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Map;

/**
 * Where a step listens: {@code HOST} and {@code PORT} from the environment.
 *
 * <p>The defaults keep a tutorial server private to this machine (127.0.0.1) on the original's port (8080);
 * {@code HOST=0.0.0.0} opens it to other devices on the LAN.
 */
public record ServerAddress(String host, int port) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    /** Reads HOST and PORT; a bad value is an {@link IllegalArgumentException} whose message says how to fix it. */
    public static ServerAddress fromEnvironment(Map<String, String> environment) {
        String host = environment.getOrDefault("HOST", DEFAULT_HOST).trim();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("HOST is empty: set it to an address such as 127.0.0.1 or 0.0.0.0, or unset it.");
        }
        String portText = environment.get("PORT");
        if (portText == null || portText.isBlank()) {
            return new ServerAddress(host, DEFAULT_PORT);
        }
        int port;
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException(badPort(portText));
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(badPort(portText));
        }
        return new ServerAddress(host, port);
    }

    private static String badPort(String portText) {
        return "PORT must be a number from 0 to 65535 (0 picks a free port), but it is '" + portText + "'.";
    }

    /** True when the server listens on every interface, so other devices on the network may open it. */
    private boolean everyInterface() {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    /** The address a person types into a browser on this machine; for every interface, that is localhost. */
    public String browserUrl(int actualPort) {
        return url(everyInterface() ? "localhost" : host, actualPort);
    }

    /**
     * What a phone or another computer on the same network would open: one URL per address of this machine
     * on a network interface that is up, when the server listens on every interface; none otherwise.
     */
    public List<String> networkUrls(int actualPort, List<InetAddress> networkAddresses) {
        if (!everyInterface()) {
            return List.of();
        }
        return networkAddresses.stream().map(address -> url(address.getHostAddress(), actualPort)).toList();
    }

    /**
     * This machine's IPv4 addresses that other devices on its networks can reach: on interfaces that are up,
     * not loopback, not a point-to-point link (a VPN), and not a container bridge.
     */
    public static List<InetAddress> networkAddresses() {
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(ServerAddress::reachableFromTheNetwork)
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(address -> address instanceof Inet4Address && !address.isLinkLocalAddress())
                    .toList();
        } catch (SocketException unreadable) {
            return List.of();
        }
    }

    private static boolean reachableFromTheNetwork(NetworkInterface network) {
        try {
            String name = network.getName();
            return network.isUp() && !network.isLoopback() && !network.isPointToPoint() && !network.isVirtual()
                    && !name.startsWith("docker") && !name.startsWith("br-") && !name.startsWith("veth")
                    && !name.startsWith("virbr");
        } catch (SocketException unreadable) {
            return false;
        }
    }

    private static String url(String host, int port) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/";
    }
}
