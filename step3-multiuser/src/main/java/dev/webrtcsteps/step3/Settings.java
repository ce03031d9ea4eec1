package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.Environment;
import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.IceServers;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * Step 3's limits and timings, each from an environment variable (docs/reliability.md has the table).
 *
 * @param maxRoomSize users per room ({@code MAX_ROOM_SIZE}, default 100)
 * @param maxUsers users on the server ({@code MAX_USERS}, default 19,000: under the 20,000 open files a process
 *     may have on a typical Linux machine)
 * @param heartbeat how often every connection is pinged ({@code HEARTBEAT_SECONDS}, default 15)
 * @param resumeGrace how long a user whose connection dropped may come back and keep its id
 *     ({@code RESUME_GRACE_SECONDS}, default 30)
 * @param messagesPerSecond steady rate of messages one connection may send ({@code RATE_LIMIT_PER_SECOND}, 50)
 * @param messageBurst how many messages may come at once ({@code RATE_LIMIT_BURST}, default 200)
 * @param floodLimit after how many refused messages in a row a connection is closed ({@code FLOOD_LIMIT}, 200)
 * @param perAddress limits per client address ({@code MAX_CONNECTIONS_PER_ADDRESS}, default 200,
 *     {@code JOINS_PER_SECOND_PER_ADDRESS}, default 10, {@code TRUSTED_PROXIES}, default none)
 * @param statsToken what a request for {@code /stats} must send as {@code Authorization: Bearer TOKEN}
 *     ({@code STATS_TOKEN}, at least 16 characters); without one, {@code /stats} is off
 * @param iceServers the STUN and TURN servers each welcome gives, with the user's own TURN credentials
 *     ({@code STUN_URLS}, {@code TURN_URLS}, {@code TURN_SECRET}, {@code TURN_CREDENTIAL_TTL_SECONDS},
 *     {@code ICE_TRANSPORT_POLICY}; docs/turn.md); default none
 */
public record Settings(int maxRoomSize, int maxUsers, Duration heartbeat, Duration resumeGrace, int messagesPerSecond,
        int messageBurst, int floodLimit, PerAddress perAddress, String statsToken, IceServers iceServers) {

    /** See {@link AddressLimits}. */
    record PerAddress(int maxConnections, int joinsPerSecond, List<String> trustedProxies) {
        AddressLimits newLimits() {
            return new AddressLimits(maxConnections, joinsPerSecond, trustedProxies);
        }
    }

    public static final Settings DEFAULTS = new Settings(100, 19_000, Duration.ofSeconds(15), Duration.ofSeconds(30), 50, 200, 200,
            new PerAddress(200, 10, List.of()), null, IceServers.NONE);

    public static Settings fromEnvironment(Map<String, String> environment) {
        return new Settings(
                Environment.number(environment, "MAX_ROOM_SIZE", DEFAULTS.maxRoomSize, 1_000_000),
                Environment.number(environment, "MAX_USERS", DEFAULTS.maxUsers, 1_000_000),
                Heartbeat.intervalFromEnvironment(environment),
                Duration.ofSeconds(Environment.number(environment, "RESUME_GRACE_SECONDS",
                        (int) DEFAULTS.resumeGrace.toSeconds(), 3600)),
                Environment.number(environment, "RATE_LIMIT_PER_SECOND", DEFAULTS.messagesPerSecond, 100_000),
                Environment.number(environment, "RATE_LIMIT_BURST", DEFAULTS.messageBurst, 100_000),
                Environment.number(environment, "FLOOD_LIMIT", DEFAULTS.floodLimit, 100_000),
                new PerAddress(
                        Environment.number(environment, "MAX_CONNECTIONS_PER_ADDRESS", DEFAULTS.perAddress.maxConnections, 1_000_000),
                        Environment.number(environment, "JOINS_PER_SECOND_PER_ADDRESS", DEFAULTS.perAddress.joinsPerSecond, 100_000),
                        trustedProxies(environment.getOrDefault("TRUSTED_PROXIES", ""))),
                statsToken(environment.get("STATS_TOKEN")),
                IceServers.fromEnvironment(environment));
    }

    private static List<String> trustedProxies(String setting) {
        List<String> proxies = Arrays.stream(setting.split(",")).map(String::trim).filter(proxy -> !proxy.isEmpty()).toList();
        for (String proxy : proxies) {
            try {
                new InetAddressSet().add(proxy);
            } catch (RuntimeException notAnAddress) {
                throw new IllegalArgumentException("TRUSTED_PROXIES must list IP addresses or ranges such as 10.0.0.0/8, "
                        + "separated by commas, but '" + proxy + "' is not one.");
            }
        }
        return proxies;
    }

    private static String statsToken(String setting) {
        if (setting == null || setting.isBlank()) {
            return null;
        }
        if (setting.trim().length() < 16) {
            throw new IllegalArgumentException("STATS_TOKEN must have at least 16 characters, so that it cannot be guessed.");
        }
        return setting.trim();
    }

    public Settings withLimits(int roomSize, int users) {
        return new Settings(roomSize, users, heartbeat, resumeGrace, messagesPerSecond, messageBurst, floodLimit, perAddress,
                statsToken, iceServers);
    }

    public Settings withHeartbeat(Duration interval) {
        return new Settings(maxRoomSize, maxUsers, interval, resumeGrace, messagesPerSecond, messageBurst, floodLimit, perAddress,
                statsToken, iceServers);
    }

    public Settings withResumeGrace(Duration grace) {
        return new Settings(maxRoomSize, maxUsers, heartbeat, grace, messagesPerSecond, messageBurst, floodLimit, perAddress,
                statsToken, iceServers);
    }

    public Settings withRateLimit(int perSecond, int burst, int floodAfter) {
        return new Settings(maxRoomSize, maxUsers, heartbeat, resumeGrace, perSecond, burst, floodAfter, perAddress, statsToken,
                iceServers);
    }

    public Settings withPerAddress(int maxConnections, int joinsPerSecond, String... trustedProxies) {
        return new Settings(maxRoomSize, maxUsers, heartbeat, resumeGrace, messagesPerSecond, messageBurst, floodLimit,
                new PerAddress(maxConnections, joinsPerSecond, List.of(trustedProxies)), statsToken, iceServers);
    }

    public Settings withStatsToken(String token) {
        return new Settings(maxRoomSize, maxUsers, heartbeat, resumeGrace, messagesPerSecond, messageBurst, floodLimit, perAddress,
                token, iceServers);
    }

    public Settings withIceServers(IceServers servers) {
        return new Settings(maxRoomSize, maxUsers, heartbeat, resumeGrace, messagesPerSecond, messageBurst, floodLimit, perAddress,
                statsToken, servers);
    }

    RateLimit newRateLimit() {
        return new RateLimit(messagesPerSecond, messageBurst, floodLimit);
    }
}
