package dev.webrtcsteps.step3;

import static dev.webrtcsteps.step3.RateLimit.Verdict.ALLOWED;
import static dev.webrtcsteps.step3.RateLimit.Verdict.FLOODING;
import static dev.webrtcsteps.step3.RateLimit.Verdict.REFUSED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.webrtcsteps.step3.RateLimit.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The token bucket on a clock the test turns by hand. */
class RateLimitTest {

    private long now = 1_000_000_000L;

    private RateLimit limit(double perSecond, int burst, int floodAfter) {
        return new RateLimit(perSecond, burst, floodAfter, () -> now);
    }

    private static List<Verdict> admit(RateLimit limit, int times) {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            verdicts.add(limit.admit());
        }
        return verdicts;
    }

    @Test
    void aBurstIsAllowedThenEachMessageIsRefusedThenTheSenderFloods() {
        RateLimit limit = limit(10, 3, 2);
        List<Verdict> expected = new ArrayList<>(Collections.nCopies(3, ALLOWED));
        expected.addAll(List.of(REFUSED, REFUSED, FLOODING, FLOODING));
        assertEquals(expected, admit(limit, 7));
    }

    @Test
    void tokensComeBackAtTheRateAndAnAllowedMessageEndsTheRunOfRefusals() {
        RateLimit limit = limit(10, 2, 2);
        assertEquals(List.of(ALLOWED, ALLOWED, REFUSED, REFUSED), admit(limit, 4));
        now += TimeUnit.MILLISECONDS.toNanos(100); // one token at 10 a second
        assertEquals(List.of(ALLOWED, REFUSED, REFUSED, FLOODING), admit(limit, 4));
        now += TimeUnit.MILLISECONDS.toNanos(99); // not quite a token
        assertEquals(FLOODING, limit.admit());
    }

    @Test
    void aQuietSenderSavesUpAtMostTheBurst() {
        RateLimit limit = limit(10, 3, 100);
        admit(limit, 3);
        now += TimeUnit.HOURS.toNanos(1);
        assertEquals(List.of(ALLOWED, ALLOWED, ALLOWED, REFUSED), admit(limit, 4));
    }

    @Test
    void partTokensAddUp() {
        RateLimit limit = limit(2, 1, 100);
        assertEquals(List.of(ALLOWED, REFUSED), admit(limit, 2));
        now += TimeUnit.MILLISECONDS.toNanos(250);
        assertEquals(REFUSED, limit.admit());
        now += TimeUnit.MILLISECONDS.toNanos(250); // half a token, twice
        assertEquals(ALLOWED, limit.admit());
    }
}
