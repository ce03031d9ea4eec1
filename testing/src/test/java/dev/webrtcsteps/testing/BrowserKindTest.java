package dev.webrtcsteps.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BrowserKindTest {

    @Test
    void parsesTheSelection() {
        assertEquals(List.of(BrowserKind.CHROMIUM, BrowserKind.FIREFOX), BrowserKind.parse("chromium,firefox"));
        assertEquals(List.of(BrowserKind.FIREFOX), BrowserKind.parse(" Firefox "));
        assertEquals(List.of(BrowserKind.CHROMIUM), BrowserKind.parse("chromium,chromium"));
    }

    @Test
    void anUnknownOrEmptySelectionIsAnError() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrowserKind.parse("safari"))
                .getMessage().contains("Unknown browser 'safari'"));
        assertThrows(IllegalArgumentException.class, () -> BrowserKind.parse(" , "));
    }

    @Test
    void aMissingBrowserFailsWithHowToInstallIt() {
        var missing = assertThrows(IllegalStateException.class,
                () -> BrowserKind.FIREFOX.systemExecutable("/nowhere/firefox-esr"));
        assertTrue(missing.getMessage().contains("apt-get install -y firefox-esr"), missing.getMessage());
        assertTrue(missing.getMessage().contains("FIREFOX_PATH"), missing.getMessage());
    }
}
