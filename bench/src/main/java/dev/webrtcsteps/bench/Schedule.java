package dev.webrtcsteps.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop schedule: event {@code i} is due at {@code start + i / perSecond}, however long earlier events
 * took. Latency is counted from when an event was due, so a slow generator cannot hide a slow server.
 */
record Schedule(long start, double perSecond) {

    static Schedule startingNow(double perSecond) {
        return new Schedule(System.nanoTime(), perSecond);
    }

    /** Waits until event {@code i} is due; returns when it was due, in {@link System#nanoTime()} time. */
    long awaitDue(long i) {
        long due = start + (long) (i * 1e9 / perSecond);
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        return due;
    }
}
