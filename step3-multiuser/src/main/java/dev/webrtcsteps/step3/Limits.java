package dev.webrtcsteps.step3;

import java.util.Map;

/**
 * How many users step 3 holds: per room ({@code MAX_ROOM_SIZE}) and in all ({@code MAX_USERS}), from the
 * environment. The default total stays under the 20,000 open files a process may have on a typical Linux box.
 */
record Limits(int maxRoomSize, int maxUsers) {

    static final Limits DEFAULT = new Limits(100, 19_000);

    Limits {
        if (maxRoomSize < 1 || maxUsers < 1) {
            throw new IllegalArgumentException("Limits must be at least 1: " + maxRoomSize + ", " + maxUsers);
        }
    }

    /** Reads the limits; a bad value is an {@link IllegalArgumentException} that says how to fix it. */
    static Limits fromEnvironment(Map<String, String> environment) {
        return new Limits(positive(environment, "MAX_ROOM_SIZE", DEFAULT.maxRoomSize()),
                positive(environment, "MAX_USERS", DEFAULT.maxUsers()));
    }

    private static int positive(Map<String, String> environment, String name, int fallback) {
        String text = environment.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least 1, but it is '" + text + "'.");
    }
}
