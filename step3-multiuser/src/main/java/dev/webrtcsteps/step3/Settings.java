package dev.webrtcsteps.step3;

import dev.webrtcsteps.common.Environment;
import dev.webrtcsteps.common.Heartbeat;
import java.time.Duration;
import java.util.Map;

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
 */
record Settings(int maxRoomSize, int maxUsers, Duration heartbeat, Duration resumeGrace, int messagesPerSecond,
        int messageBurst, int floodLimit) {

    static final Settings DEFAULTS = new Settings(100, 19_000, Duration.ofSeconds(15), Duration.ofSeconds(30), 50, 200, 200);

    static Settings fromEnvironment(Map<String, String> environment) {
        return new Settings(
                Environment.number(environment, "MAX_ROOM_SIZE", DEFAULTS.maxRoomSize, 1_000_000),
                Environment.number(environment, "MAX_USERS", DEFAULTS.maxUsers, 1_000_000),
                Heartbeat.intervalFromEnvironment(environment),
                Duration.ofSeconds(Environment.number(environment, "RESUME_GRACE_SECONDS",
                        (int) DEFAULTS.resumeGrace.toSeconds(), 3600)),
                Environment.number(environment, "RATE_LIMIT_PER_SECOND", DEFAULTS.messagesPerSecond, 100_000),
                Environment.number(environment, "RATE_LIMIT_BURST", DEFAULTS.messageBurst, 100_000),
                Environment.number(environment, "FLOOD_LIMIT", DEFAULTS.floodLimit, 100_000));
    }

    Settings withLimits(int roomSize, int users) {
        return new Settings(roomSize, users, heartbeat, resumeGrace, messagesPerSecond, messageBurst, floodLimit);
    }

    Settings withHeartbeat(Duration interval) {
        return new Settings(maxRoomSize, maxUsers, interval, resumeGrace, messagesPerSecond, messageBurst, floodLimit);
    }

    Settings withResumeGrace(Duration grace) {
        return new Settings(maxRoomSize, maxUsers, heartbeat, grace, messagesPerSecond, messageBurst, floodLimit);
    }

    Settings withRateLimit(int perSecond, int burst, int floodAfter) {
        return new Settings(maxRoomSize, maxUsers, heartbeat, resumeGrace, perSecond, burst, floodAfter);
    }

    RateLimit newRateLimit() {
        return new RateLimit(messagesPerSecond, messageBurst, floodLimit);
    }
}
