package dev.webrtcsteps.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.webrtcsteps.testing.BrowserKind;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser scenario's file transfers, tiny: step 3's real page in the selected browsers sends 256 KiB each way
 * between every two of them, and each browser's raw data channel gives its reference, so that the benchmark's
 * figures (docs/files.md#how-fast) keep coming from the page as it is.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BrowserScenarioSmokeTest {

    @TempDir
    Path logs;

    @Test
    void everyPairSendsAFileAndEveryBrowserGivesItsReference() throws Exception {
        List<BrowserKind> browsers = BrowserKind.selected().toList();
        Results.BrowserResults results = BrowserSetup.measure(0, 1, 256 * 1024, browsers, logs);

        assertEquals(browsers.size(), results.references().size());
        for (Results.ChannelReference reference : results.references()) {
            assertNull(reference.failure(), reference::toString);
            assertTrue(reference.median() > 0, reference::toString);
        }
        assertEquals(browsers.size() * browsers.size(), results.transfers().size(), "each browser with itself, and each way between two");
        for (Results.FileTransfer transfer : results.transfers()) {
            assertNull(transfer.failure(), transfer::toString);
            assertTrue(transfer.median() > 0 && transfer.ratioToReference() > 0, transfer::toString);
        }
    }
}
