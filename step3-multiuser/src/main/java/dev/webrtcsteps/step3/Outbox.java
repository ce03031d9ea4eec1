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

    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private long bytes;
    private long signalBytes;

    private record Waiting(String text, boolean signal) {
    }

    /** Adds a message of the server's own (a welcome, presence, an error); false if it does not fit. */
    boolean add(String text) {
        return add(text, false);
    }

    /** Adds a signal from another user; false if signals fill their share already, or everything does. */
    boolean addSignal(String text) {
        return add(text, true);
    }

    private boolean add(String text, boolean signal) {
        long size = bytesOf(text);
        if (bytes + size > MAX_BYTES || signal && signalBytes + size > MAX_SIGNAL_BYTES) {
            return false;
        }
        waiting.add(new Waiting(text, signal));
        bytes += size;
        signalBytes += signal ? size : 0;
        return true;
    }

    /** The oldest message, taken out; null if none waits. */
    String poll() {
        Waiting next = waiting.poll();
        if (next == null) {
            return null;
        }
        bytes -= bytesOf(next.text());
        signalBytes -= next.signal() ? bytesOf(next.text()) : 0;
        return next.text();
    }

    void clear() {
        waiting.clear();
        bytes = 0;
        signalBytes = 0;
    }

    long bytes() {
        return bytes;
    }

    static long bytesOf(String text) {
        return 2L * text.length();
    }
}
