package dev.webrtcsteps.common;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a signaling server protects itself and its users; every value can be set in the environment.
 *
 * @param heartbeat how often every connection is pinged ({@code HEARTBEAT_SECONDS}, default 15)
 * @param resumeGrace how long a user whose connection dropped may come back and keep its id
 *     ({@code RESUME_GRACE_SECONDS}, default 30)
 * @param allowedOrigins pages of which other origins may connect ({@code ALLOWED_ORIGINS}, comma separated,
 *     or {@code *} for any); the page's own origin always may
 * @param messagesPerSecond steady rate of messages one connection may send ({@code RATE_LIMIT_PER_SECOND},
 *     default 50)
 * @param messageBurst how many messages may come at once ({@code RATE_LIMIT_BURST}, default 200)
 * @param floodLimit after how many refused messages in a row a connection is closed ({@code FLOOD_LIMIT},
 *     default 200)
 */
public record SignalingSettings(Duration heartbeat, Duration resumeGrace, Set<String> allowedOrigins,
        int messagesPerSecond, int messageBurst, int floodLimit) {

    public static final SignalingSettings DEFAULTS = new SignalingSettings(
            Duration.ofSeconds(15), Duration.ofSeconds(30), Set.of(), 50, 200, 200);

    public static SignalingSettings fromEnvironment(Map<String, String> environment) {
        return new SignalingSettings(
                Duration.ofSeconds(number(environment, "HEARTBEAT_SECONDS", DEFAULTS.heartbeat().toSeconds(), 3600)),
                Duration.ofSeconds(number(environment, "RESUME_GRACE_SECONDS", DEFAULTS.resumeGrace().toSeconds(), 3600)),
                origins(environment.getOrDefault("ALLOWED_ORIGINS", "")),
                (int) number(environment, "RATE_LIMIT_PER_SECOND", DEFAULTS.messagesPerSecond(), 100_000),
                (int) number(environment, "RATE_LIMIT_BURST", DEFAULTS.messageBurst(), 100_000),
                (int) number(environment, "FLOOD_LIMIT", DEFAULTS.floodLimit(), 100_000));
    }

    public SignalingSettings withHeartbeat(Duration interval) {
        return new SignalingSettings(interval, resumeGrace, allowedOrigins, messagesPerSecond, messageBurst, floodLimit);
    }

    public SignalingSettings withResumeGrace(Duration grace) {
        return new SignalingSettings(heartbeat, grace, allowedOrigins, messagesPerSecond, messageBurst, floodLimit);
    }

    public SignalingSettings withAllowedOrigins(String... origins) {
        return new SignalingSettings(heartbeat, resumeGrace, Set.of(origins), messagesPerSecond, messageBurst, floodLimit);
    }

    public SignalingSettings withRateLimit(int perSecond, int burst, int floodAfter) {
        return new SignalingSettings(heartbeat, resumeGrace, allowedOrigins, perSecond, burst, floodAfter);
    }

    RateLimit newRateLimit() {
        return new RateLimit(messagesPerSecond, messageBurst, floodLimit);
    }

    private static Set<String> origins(String list) {
        return Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(origin -> !origin.isEmpty())
                .map(origin -> origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static long number(Map<String, String> environment, String name, long fallback, long max) {
        String text = environment.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number from 1 to " + max + ", but it is '" + text + "'.");
    }
}
