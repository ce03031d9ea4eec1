package dev.webrtcsteps.step4;

/**
 * A message on a room's channel: a change to its membership, numbered ({@code joined}, {@code left},
 * {@code moved}: the Lua scripts publish them); or, on a node's channel, a {@code signal} for one of its users.
 * Fields are separated by tabs, which no id, node or name contains; a name is last, and a signal's frame.
 */
record RoomEvent(Kind kind, long seq, String id, String node, String text) {

    enum Kind { JOINED, LEFT, MOVED, SIGNAL }

    /** A signal: {@code text} is the frame to hand to the member {@code id} as it is. */
    static String signal(String to, String frame) {
        return "signal\t" + to + "\t" + frame;
    }

    /** The event, or null if it is not one (nothing else publishes there, but a bad message must not break a server). */
    static RoomEvent parse(String message) {
        String[] fields = message.split("\t", 5);
        try {
            return switch (fields[0]) {
                case "signal" -> {
                    String[] signal = message.split("\t", 3);
                    yield new RoomEvent(Kind.SIGNAL, 0, signal[1], null, signal[2]);
                }
                case "joined" -> new RoomEvent(Kind.JOINED, Long.parseLong(fields[1]), fields[2], fields[3], fields[4]);
                case "left" -> new RoomEvent(Kind.LEFT, Long.parseLong(fields[1]), fields[2], null, null);
                case "moved" -> new RoomEvent(Kind.MOVED, Long.parseLong(fields[1]), fields[2], fields[3], null);
                default -> null;
            };
        } catch (RuntimeException malformed) {
            return null;
        }
    }
}
