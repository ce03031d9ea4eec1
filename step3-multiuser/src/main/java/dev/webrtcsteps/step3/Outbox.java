package dev.webrtcsteps.step3;

import java.util.ArrayDeque;

/**
 * Messages waiting for one user, bounded in bytes: what a slow or absent reader may cost the server.
 *
 * <p>Two bounds. Signals from other users may fill only {@link #MAX_SIGNAL_BYTES}; beyond it they are refused
 * (their sender gets {@code peer-busy}), so however much others send, a member reading at any steady rate is
 * never cut off because of them. Everything, the server's own messages included, may fill {@link #MAX_BYTES};
 * beyond that the reader is not reading at all. A text counts 2 bytes a character: the most a Java string
 * takes. Not thread-safe: its owner guards it.
 */
final class Outbox {

    /** All that may wait for one user: 1 MiB. */
    static final long MAX_BYTES = 1024 * 1024;
    /** What signals from others may fill of it: 256 KiB, dozens of offers (a real one is 0.5 to 10 KiB). */
    static final long MAX_SIGNAL_BYTES = 256 * 1024;

    private final ArrayDeque<String> texts = new ArrayDeque<>();
    private long bytes;

    /** Adds a message of the server's own (a welcome, presence, an error); false if it does not fit. */
    boolean add(String text) {
        return addWithin(text, MAX_BYTES);
    }

    /** Adds a signal from another user; false if signals fill their share already. */
    boolean addSignal(String text) {
        return addWithin(text, MAX_SIGNAL_BYTES);
    }

    private boolean addWithin(String text, long limit) {
        long size = bytesOf(text);
        if (bytes + size > limit) {
            return false;
        }
        texts.add(text);
        bytes += size;
        return true;
    }

    /** The oldest message, taken out; null if none waits. */
    String poll() {
        String text = texts.poll();
        if (text != null) {
            bytes -= bytesOf(text);
        }
        return text;
    }

    void clear() {
        texts.clear();
        bytes = 0;
    }

    long bytes() {
        return bytes;
    }

    static long bytesOf(String text) {
        return 2L * text.length();
    }
}
