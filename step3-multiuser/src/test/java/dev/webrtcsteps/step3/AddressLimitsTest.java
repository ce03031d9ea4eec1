package dev.webrtcsteps.step3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which address a connection counts under, and how the per-address limits count (docs/reliability.md). */
class AddressLimitsTest {

    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toNanos(1));
    private final AddressLimits limits = new AddressLimits(2, 1, List.of("10.0.0.0/8", "127.0.0.1"), now::get);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // the TCP peer, what X-Forwarded-For says (empty: no header), where the connection counts
        "198.51.100.7 |                              | 198.51.100.7",
        "198.51.100.7 | 203.0.113.1                  | 198.51.100.7",       // not a proxy: its header is its own words
        "127.0.0.1    | 203.0.113.1                  | 203.0.113.1",
        "127.0.0.1    | 192.0.2.66, 203.0.113.1      | 203.0.113.1",        // the left entry came from the client
        "127.0.0.1    | 203.0.113.1, 10.1.2.3        | 203.0.113.1",        // past a chain of trusted proxies
        "127.0.0.1    | 10.9.9.9, 10.1.2.3           | 10.9.9.9",           // all trusted: the first hop
        "127.0.0.1    | evil.example                 | 127.0.0.1",          // a name is never looked up
        "127.0.0.1    | 203.0.113.1, 999.1.1.1       | 127.0.0.1",          // not an address: never looked up either
        "127.0.0.1    | 203.0.113.1:4711             | 203.0.113.1",        // some proxies write the client's port
        "127.0.0.1    | [2001:db8:1:2::9]:443        | 2001:db8:1:2:0:0:0:0/64",
        "127.0.0.1    |                              | 127.0.0.1",
        "2001:db8:1:2:aaaa::1 |                      | 2001:db8:1:2:0:0:0:0/64",
        "127.0.0.1    | 2001:db8:1:2:bbbb::9         | 2001:db8:1:2:0:0:0:0/64",
    })
    void aConnectionCountsUnderItsClientsAddress(String peer, String forwardedFor, String expected) {
        assertEquals(expected, limits.addressOf(peer, forwardedFor == null ? List.of() : List.of(forwardedFor)));
    }

    @Test
    void twoAddressesInOneIpv6NetworkCountAsOne() {
        String first = limits.addressOf("2001:db8::1", List.of());
        String second = limits.addressOf("2001:db8::ffff:2", List.of());
        assertEquals(first, second);
    }

    @Test
    void textThatOnlyLooksLikeAnAddressIsNone() {
        for (String text : List.of("999.1.1.1", "256.1.1.1", "1.2.3.4.5", "evil.example", "[::1", "", "::zz")) {
            assertNull(AddressLimits.literal(text), text);
        }
        assertEquals("255.255.255.255", AddressLimits.literal("255.255.255.255").getHostAddress());
        assertEquals("192.0.2.1", AddressLimits.literal("192.0.2.1:4711").getHostAddress());
    }

    @Test
    void idleAddressesAreLeftAloneWhileFewAreKnown() {
        AddressLimits roomy = new AddressLimits(1_000, 1_000, List.of(), now::get);
        assertTrue(admit(roomy, "a"));
        roomy.release("a");
        now.addAndGet(TimeUnit.SECONDS.toNanos(6));
        assertTrue(admit(roomy, "b"));
        assertEquals(2, roomy.size(), "no sweep for two addresses");
    }

    @Test
    void openConnectionsAreCountedAndReleased() {
        AddressLimits roomy = new AddressLimits(2, 1_000, List.of(), now::get);
        assertTrue(admit(roomy, "a"));
        assertTrue(admit(roomy, "a"));
        assertTrue(roomy.refusal("a").startsWith("Your address has 2 connections open here already"));
        assertTrue(admit(roomy, "b"), "another address has its own count");
        roomy.release("a");
        assertTrue(admit(roomy, "a"));
    }

    @Test
    void twoUpgradedAtOnceCannotBothTakeTheLastPlace() {
        AddressLimits roomy = new AddressLimits(2, 1_000, List.of(), now::get);
        assertTrue(admit(roomy, "a"));
        assertNull(roomy.refusal("a"));
        assertNull(roomy.refusal("a"));
        assertTrue(roomy.opened("a"));
        assertFalse(roomy.opened("a"), "the second one is over the limit: its caller closes it");
    }

    @Test
    void joinsComeInBurstsOfFiveSecondsWorthThenAtTheRate() {
        AddressLimits roomy = new AddressLimits(1_000, 2, List.of(), now::get);
        for (int i = 0; i < 10; i++) {
            assertTrue(admit(roomy, "a"), "join " + i + " of the burst");
        }
        assertTrue(roomy.refusal("a").startsWith("Too many new connections from your address: at most 2 a second."));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertTrue(admit(roomy, "a"), "half a second later: one more");
        assertNotNull(roomy.refusal("a"));
    }

    /** What the server does for a new connection: asks, and counts it once it has opened. */
    private static boolean admit(AddressLimits limits, String address) {
        return limits.refusal(address) == null && limits.opened(address);
    }

    @Test
    void anAddressWithNothingOpenIsForgottenOnceItsBudgetIsFullAgainButNotBefore() {
        AddressLimits roomy = new AddressLimits(1_000, 1_000, List.of(), now::get);
        for (int i = 0; i < 1_024; i++) {
            assertTrue(admit(roomy, "client-" + i));
            roomy.release("client-" + i);
        }
        assertTrue(admit(roomy, "one more"));
        assertEquals(1_025, roomy.size(), "within five seconds: every address is remembered");
        now.addAndGet(TimeUnit.SECONDS.toNanos(6));
        for (int i = 0; i < 1_024; i++) {
            assertTrue(admit(roomy, "later-" + i));
        }
        assertEquals(1_024 + 1, roomy.size(), "the idle ones were forgotten; 'one more' is still open");
    }
}
