package dev.webrtcsteps.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition on server state that no message announces (say, a counter back at zero). */
public final class Eventually {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private Eventually() {
    }

    /** Returns as soon as {@code condition} holds; fails after 10 s, naming {@code what} was awaited. */
    public static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Not within " + WAIT.toSeconds() + " s: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
