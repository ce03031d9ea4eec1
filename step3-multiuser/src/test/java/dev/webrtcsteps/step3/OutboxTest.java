package dev.webrtcsteps.step3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The two byte budgets of what waits for one user. */
class OutboxTest {

    private static final String KIB = "x".repeat(512); // 1 KiB: 2 bytes a character

    @Test
    void signalsFillTheirShareAndNoMore() {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 256; i++) {
            assertTrue(outbox.addSignal(KIB), "signal " + i);
        }
        assertFalse(outbox.addSignal("y"), "one character more does not fit");
        assertEquals(Outbox.MAX_SIGNAL_BYTES, outbox.bytes());
        assertTrue(outbox.add(KIB), "the server's own messages still fit");
    }

    @Test
    void theServersOwnMessagesDoNotTakeTheSignalsShare() {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 512; i++) {
            assertTrue(outbox.add(KIB));
        }
        for (int i = 0; i < 256; i++) {
            assertTrue(outbox.addSignal(KIB), "signal " + i);
        }
        assertFalse(outbox.addSignal(KIB));
        outbox.poll(); // a message of the server's own: no room for a signal
        assertFalse(outbox.addSignal(KIB));
    }

    @Test
    void everythingTogetherFillsTheWholeBudgetAndNoMore() {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 1024; i++) {
            assertTrue(outbox.add(KIB), "message " + i);
        }
        assertFalse(outbox.add("y"));
        assertFalse(outbox.addSignal("y"));
        outbox.poll();
        assertTrue(outbox.add(KIB), "what was taken out makes room");
        assertEquals(Outbox.MAX_BYTES, outbox.bytes());
    }

    @Test
    void whatIsTakenOutMakesRoomInOrder() {
        Outbox outbox = new Outbox();
        for (int i = 0; i < 256; i++) {
            outbox.addSignal(i + KIB.substring(String.valueOf(i).length()));
        }
        assertTrue(outbox.poll().startsWith("0"));
        assertTrue(outbox.addSignal(KIB));
        assertTrue(outbox.poll().startsWith("1"));
        outbox.clear();
        assertEquals(0, outbox.bytes());
        assertNull(outbox.poll());
    }
}
