package dev.webrtcsteps.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pair's reference, without browsers: the slower of its two, whichever end that is. */
class BrowserSetupTest {

    private static final List<Results.ChannelReference> REFERENCES = List.of(reference("chromium", 12.0),
            reference("firefox", 10.0), reference("webkit", null));

    @Test
    void aPairIsHeldAgainstItsSlowerBrowser() {
        for (Results.FileTransfer pair : List.of(transfer("chromium", "firefox", 6.5),
                transfer("firefox", "chromium", 6.5))) {
            Results.FileTransfer held = BrowserSetup.heldAgainst(pair, REFERENCES);
            assertEquals("firefox", held.referenceBrowser());
            assertEquals(0.65, held.ratioToReference());
        }
        Results.FileTransfer same = BrowserSetup.heldAgainst(transfer("chromium", "chromium", 7.2), REFERENCES);
        assertEquals("chromium", same.referenceBrowser());
        assertEquals(0.6, same.ratioToReference());
    }

    @Test
    void noRatioWithoutBothReferencesOrAMedian() {
        Results.FileTransfer unmeasured = BrowserSetup.heldAgainst(transfer("chromium", "webkit", 5.0), REFERENCES);
        assertNull(unmeasured.referenceBrowser());
        assertNull(unmeasured.ratioToReference());

        Results.FileTransfer failed = BrowserSetup.heldAgainst(transfer("firefox", "chromium", null), REFERENCES);
        assertEquals("firefox", failed.referenceBrowser());
        assertNull(failed.ratioToReference());
    }

    private static Results.ChannelReference reference(String browser, Double median) {
        return new Results.ChannelReference(browser, 1024, median == null ? 0 : 1, median, median,
                median == null ? List.of() : List.of(median), median == null ? "not launched" : null);
    }

    private static Results.FileTransfer transfer(String sender, String receiver, Double median) {
        return new Results.FileTransfer(sender, receiver, 1024, median == null ? 0 : 1, median, median,
                median == null ? List.of() : List.of(median), median == null ? "run 1 of 1 failed" : null, null, null);
    }
}
