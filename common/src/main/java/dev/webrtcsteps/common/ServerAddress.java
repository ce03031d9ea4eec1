package dev.webrtcsteps.common;

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

    /** The address a person types into a browser; 0.0.0.0 means every interface, so show this machine's name. */
    public String browserUrl(int actualPort) {
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        if (shown.contains(":")) {
            shown = "[" + shown + "]";
        }
        return "http://" + shown + ":" + actualPort + "/";
    }
}
