package dev.webrtcsteps.step3;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.webrtcsteps.step3.PageUser.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files that end before they are whole, in step 3's page (files.js): cancelled from either side, or left by a peer
 * whose page goes away, with Chromium and Firefox each sending to the other as well as to themselves. Whole files
 * are in {@link Step3FileTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Step3FileEndingsTest {

    @RegisterExtension
    static final AppServer app = new AppServer(() -> Step3App.create(new Hub(Settings.DEFAULTS.withPerAddress(1_000, 1_000)),
            new Heartbeat(Settings.DEFAULTS.heartbeat()), OriginCheck.allowing()));

    @RegisterExtension
    final Browsers browsers = new Browsers();

    @TempDir
    static Path folder;
    /** A gigabyte of zeros (sparse on disk): long enough to act on a transfer while it runs. */
    private static Path longFile;

    private int rooms;

    @BeforeAll
    static void makeTheLongFile() throws IOException {
        longFile = folder.resolve("long.iso");
        try (RandomAccessFile file = new RandomAccessFile(longFile.toFile(), "rw")) {
            file.setLength(1024L * 1024 * 1024);
        }
    }

    /** Each selected browser with itself, then Chromium to Firefox and Firefox to Chromium: who sends matters. */
    static Stream<Arguments> eachWay() {
        return BrowserKind.selectedPairs().flatMap(pair -> pair.get()[0] == pair.get()[1] ? Stream.of(pair)
                : Stream.of(pair, Arguments.of(pair.get()[1], pair.get()[0])));
    }

    /**
     * Bob cancels a file on its way to him, then Alice cancels another one: both sides say who did, every file
     * channel closes, and Alice's page sends nothing more.
     */
    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("eachWay")
    void eitherSideCancels(BrowserKind aliceBrowser, BrowserKind bobBrowser) {
        String room = newRoom();
        PageUser alice = join(aliceBrowser, "Alice", room, "");
        PageUser bob = join(bobBrowser, "Bob", room, "");
        chat(alice, bob, "a long one");
        bob.person(alice).locator("button").click();

        alice.page().locator("#file-input").setInputFiles(longFile);
        Locator bobGets = bob.conversationWith(alice).and(bob.page().locator(".file.theirs")).last();
        assertThat(bobGets.locator(".status")).hasText(Pattern.compile("^[1-9].* of 1 GiB$")); // on its way
        bobGets.locator(".cancel").click();
        assertThat(bobGets).hasAttribute("data-state", "cancelled");
        assertThat(bobGets.locator(".status")).hasText("you cancelled it");
        Locator aliceSends = alice.conversationWith(bob).and(alice.page().locator(".file.mine")).last();
        assertThat(aliceSends).hasAttribute("data-state", "cancelled");
        assertThat(aliceSends.locator(".status")).hasText("Bob cancelled it");
        assertThat(aliceSends.locator("progress, .cancel")).hasCount(0);

        alice.page().locator("#file-input").setInputFiles(longFile);
        Locator aliceSendsAgain = alice.conversationWith(bob).and(alice.page().locator(".file.mine")).last();
        assertThat(aliceSendsAgain.locator(".status")).hasText(Pattern.compile("^[1-9].* of 1 GiB$"));
        aliceSendsAgain.locator(".cancel").click();
        assertThat(aliceSendsAgain.locator(".status")).hasText("you cancelled it");
        Locator bobGetsAgain = bob.conversationWith(alice).and(bob.page().locator(".file.theirs")).nth(1);
        assertThat(bobGetsAgain.locator(".status")).hasText("Alice cancelled it");
        assertThat(bob.page().locator(".save")).hasCount(0);

        for (PageUser user : List.of(alice, bob)) { // every file channel closes, on both sides
            user.page().waitForFunction("() => [...window.__probe.channels, ...window.__probe.remoteChannels]"
                    + ".filter((c) => c.label === 'file').every((c) => c.readyState === 'closed')");
        }
        assertEquals(2, ((Number) bob.page().evaluate("() => window.__probe.remoteChannels.length")).intValue());
        Object sends = alice.page().evaluate("() => window.__files.sends");
        chat(bob, alice, "the chat goes on");
        chat(alice, bob, "it does");
        assertEquals(sends, alice.page().evaluate("() => window.__files.sends"), "Alice's page sent nothing more of the files");
    }

    /** A receiver who leaves, then a sender who leaves: the other side says so, and no bar is left standing. */
    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("eachWay")
    void aPeerLeavingMidTransferEndsIt(BrowserKind aliceBrowser, BrowserKind bobBrowser) {
        String room = newRoom();
        PageUser alice = join(aliceBrowser, "Alice", room, "");
        PageUser bob = join(bobBrowser, "Bob", room, "");
        PageUser carol = join(bobBrowser, "Carol", room, "");
        chat(alice, bob, "a long one");
        chat(carol, alice, "one for me too?");
        bob.person(alice).locator("button").click();

        alice.page().locator("#file-input").setInputFiles(longFile);
        Locator bobGets = bob.conversationWith(alice).and(bob.page().locator(".file.theirs"));
        assertThat(bobGets.locator(".status")).hasText(Pattern.compile("^[1-9].* of 1 GiB$"));
        bob.page().close();
        Locator aliceSends = alice.conversationWith(bob).and(alice.page().locator(".file.mine"));
        // Bob's page hangs up as it goes, but that may not reach Alice (once, on a loaded machine, a closing
        // Chromium page's had not 5 s later): then her page ends it once ICE has found Bob's gone for 5 s. Both
        // are under 25 s; the 30 s silence rule is not.
        assertThat(aliceSends).hasAttribute("data-state", "interrupted", new LocatorAssertions.HasAttributeOptions().setTimeout(25_000));
        assertThat(aliceSends.locator(".status")).containsText("not sent: ");
        assertThat(aliceSends.locator(".status")).containsText("Bob");
        assertThat(aliceSends.locator("progress")).hasCount(0);

        alice.person(carol).locator("button").click();
        alice.page().locator("#file-input").setInputFiles(longFile);
        Locator carolGets = carol.conversationWith(alice).and(carol.page().locator(".file.theirs"));
        assertThat(carolGets.locator(".status")).hasText(Pattern.compile("^[1-9].* of 1 GiB$"));
        alice.page().close();
        // As for Bob: at once, or once ICE has found Alice's page gone for 5 s (about 15 s in all).
        assertThat(carolGets).hasAttribute("data-state", "interrupted", new LocatorAssertions.HasAttributeOptions().setTimeout(25_000));
        assertThat(carolGets.locator(".status")).containsText("before the whole file came");
        assertThat(carolGets.locator("progress, .save")).hasCount(0);
    }

    private PageUser join(BrowserKind browser, String name, String room, String more) {
        return Step3FileTest.join(browsers, app, browser, name, room, more);
    }

    private String newRoom() {
        return "endings-" + (++rooms) + "-" + System.nanoTime();
    }
}
