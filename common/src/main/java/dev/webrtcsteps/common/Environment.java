package dev.webrtcsteps.common;

import java.util.Map;

/** Settings from environment variables; a bad value stops the server with one line that says how to fix it. */
public final class Environment {

    private Environment() {
    }

    /**
     * The whole number in {@code name}, from 1 to {@code max}, or {@code fallback} when it is not set.
     *
     * @throws IllegalArgumentException when it is set to anything else; {@link StepServer#run} prints the message
     */
    public static int number(Map<String, String> environment, String name, int fallback, int max) {
        String text = environment.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new IllegalArgumentException(name + " must be a whole number from 1 to " + max + ", but it is '" + text + "'.");
    }
}
