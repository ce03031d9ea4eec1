package dev.webrtcsteps.step3;

import java.util.function.LongSupplier;

/**
 * How many messages one connection may send: a token bucket that holds {@code burst} messages and refills
 * at {@code perSecond}. A browser sends a handful of messages per connection it sets up, in short bursts
 * (an offer or answer and its ICE candidates), far below the defaults.
 */
final class RateLimit {

    /** What {@link #admit} says about one message. */
    enum Verdict { ALLOWED, REFUSED, FLOODING }

    private final double perSecond;
    private final int burst;
    private final int floodAfter;
    private final LongSupplier clock;
    private double tokens;
    private long refilledAt;
    private int refusedInARow;

    /**
     * @param floodAfter how many messages in a row may be refused before the sender counts as flooding
     */
    RateLimit(double perSecond, int burst, int floodAfter) {
        this(perSecond, burst, floodAfter, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime()} counts them */
    RateLimit(double perSecond, int burst, int floodAfter, LongSupplier clock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.floodAfter = floodAfter;
        this.clock = clock;
        this.tokens = burst;
        this.refilledAt = clock.getAsLong();
    }

    synchronized Verdict admit() {
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            refusedInARow = 0;
            return Verdict.ALLOWED;
        }
        refusedInARow++;
        return refusedInARow > floodAfter ? Verdict.FLOODING : Verdict.REFUSED;
    }
}
