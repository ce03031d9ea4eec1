package dev.webrtcsteps.step3;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.webrtcsteps.step3.PageUser.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.JSHandle;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import dev.webrtcsteps.testing.EachBrowser;
import dev.webrtcsteps.testing.EachBrowserPair;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Files sent peer to peer in step 3's page (files.js), in Chromium, Firefox and between the two: whole and checked
 * while the chat goes on, with bounded backpressure, cancelled from either side, ended clearly when a peer leaves,
 * refused over a limit, and refused when damaged.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class Step3FileTest {

    /** What files.js lets a sender queue on a file's channel at most (MOST_QUEUED there). */
    private static final long MOST_QUEUED = 1024 * 1024;
    private static final int MIB = 1024 * 1024;

    /**
     * Added to each page before its own scripts: the highest {@code bufferedAmount} of any file channel, read right
     * after each send (when it is highest); the files a page offers for saving, by their address; and, on request, a
     * chunk damaged on its way out.
     */
    private static final String FILE_PROBE = """
            (() => {
              const files = window.__files = { mostQueued: 0, sends: 0, blobs: new Map(), damageNext: false };
              const send = RTCDataChannel.prototype.send;
              RTCDataChannel.prototype.send = function (data) {
                if (this.label === 'file' && files.damageNext && ArrayBuffer.isView(data)) {
                  files.damageNext = false;
                  data = Uint8Array.from(data);
                  data[0] ^= 0xff;
                }
                const result = send.call(this, data);
                if (this.label === 'file') {
                  files.sends += 1;
                  files.mostQueued = Math.max(files.mostQueued, this.bufferedAmount);
                }
                return result;
              };
              const createObjectURL = URL.createObjectURL;
              URL.createObjectURL = (blob) => {
                const url = createObjectURL(blob);
                files.blobs.set(url, blob);
                return url;
              };
            })();
            """;

    /** The SHA-256 of a saved file, by Web Crypto, from the Blob behind its Save link. */
    private static final String SAVED_SHA256 = """
            async (url) => {
              const blob = window.__files.blobs.get(url);
              const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
              return [blob.size, [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')];
            }""";

    @RegisterExtension
    static final AppServer app = new AppServer(() -> Step3App.create(new Hub(Settings.DEFAULTS.withPerAddress(1_000, 1_000)),
            new Heartbeat(Settings.DEFAULTS.heartbeat()), OriginCheck.allowing()));

    @RegisterExtension
    final Browsers browsers = new Browsers();

    @TempDir
    static Path folder;
    private static Path aliceFile;
    private static Path bobFile;
    /** A gigabyte of zeros (sparse on disk): long enough to act on a transfer while it runs. */
    private static Path longFile;

    private int rooms;

    @BeforeAll
    static void makeFiles() throws IOException {
        aliceFile = randomFile("from-alice.bin", 25 * MIB, 1);
        bobFile = randomFile("from-bob.bin", 25 * MIB, 2);
        longFile = folder.resolve("long.iso");
        try (RandomAccessFile file = new RandomAccessFile(longFile.toFile(), "rw")) {
            file.setLength(1024L * MIB);
        }
    }

    /**
     * Alice and Bob send each other 25 MiB at once. Alice says something while hers is on its way: Bob reads it
     * before her file is complete. Both files arrive with the SHA-256 they left with, both sides saw the progress,
     * and no sender queued more than MOST_QUEUED on a channel.
     */
    @EachBrowserPair
    void filesArriveWholeBothWaysWhileTheChatGoesOn(BrowserKind aliceBrowser, BrowserKind bobBrowser) throws IOException {
        String room = newRoom();
        PageUser alice = join(aliceBrowser, "Alice", room, "");
        PageUser bob = join(bobBrowser, "Bob", room, "");
        chat(alice, bob, "a file is coming");
        bob.person(alice).locator("button").click();
        for (PageUser user : List.of(alice, bob)) {
            watchProgress(user.page());
        }
        // Alice says something once a tenth of her file is on its way; Bob notes how far the file was when it came.
        alice.page().evaluate("""
                () => {
                  const timer = setInterval(() => {
                    const bar = document.querySelector('.log li.file.mine progress');
                    if (!bar || bar.value < bar.max / 10) return;
                    clearInterval(timer);
                    document.querySelector('#text').value = 'while the file goes';
                    document.querySelector('#send').click();
                  }, 1);
                }""");
        bob.page().evaluate("""
                () => new MutationObserver((changes, observer) => {
                  const said = [...document.querySelectorAll('.log li.theirs')].find((li) => li.textContent.includes('while the file goes'));
                  if (!said) return;
                  observer.disconnect();
                  const file = document.querySelector('.log li.file.theirs');
                  window.__chatCameAt = { state: file.dataset.state, bytes: file.querySelector('progress')?.value };
                }).observe(document.querySelector('#conversations'), { childList: true, subtree: true })""");

        alice.page().locator("#file-input").setInputFiles(aliceFile);
        bob.page().locator("#file-input").setInputFiles(bobFile);

        Locator aliceSent = alice.conversationWith(bob).and(alice.page().locator(".file.mine"));
        Locator bobGot = bob.conversationWith(alice).and(bob.page().locator(".file.theirs"));
        assertThat(bobGot).containsText("from-alice.bin");
        assertThat(bobGot).containsText("25 MiB, application/octet-stream");
        assertThat(bobGot).hasAttribute("data-state", "done", new LocatorAssertions.HasAttributeOptions().setTimeout(90_000));
        assertThat(aliceSent).hasAttribute("data-state", "done");
        assertThat(aliceSent.locator(".status")).hasText("delivered to Bob, checked");
        Locator aliceGot = alice.conversationWith(bob).and(alice.page().locator(".file.theirs"));
        assertThat(aliceGot).hasAttribute("data-state", "done", new LocatorAssertions.HasAttributeOptions().setTimeout(90_000));

        assertSaved(bob, bobGot, aliceFile);
        assertSaved(alice, aliceGot, bobFile);
        Map<?, ?> chatCameAt = (Map<?, ?>) bob.page().evaluate("() => window.__chatCameAt");
        assertEquals("receiving", chatCameAt.get("state"), "Bob read Alice's message before her file was complete: " + chatCameAt);
        for (PageUser user : List.of(alice, bob)) {
            Map<?, ?> files = (Map<?, ?>) user.page().evaluate("() => ({ mostQueued: window.__files.mostQueued, sends: window.__files.sends, "
                    + "progress: window.__progress })");
            long mostQueued = ((Number) files.get("mostQueued")).longValue();
            assertTrue(((Number) files.get("sends")).intValue() >= 25 * 64, user.name() + " sent the file in chunks of 16 KiB: " + files.get("sends"));
            assertTrue(mostQueued > 0 && mostQueued <= MOST_QUEUED, user.name() + " queued at most " + MOST_QUEUED + " bytes: " + mostQueued);
            Map<?, ?> progress = (Map<?, ?>) files.get("progress");
            assertTrue(((Number) progress.get("mine")).intValue() >= 3, user.name() + " saw the sending progress: " + progress);
            assertTrue(((Number) progress.get("theirs")).intValue() >= 3, user.name() + " saw the receiving progress: " + progress);
        }
        chat(bob, alice, "got it, thanks");
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
        assertThat(aliceSends).hasAttribute("data-state", "interrupted");
        assertThat(aliceSends.locator(".status")).containsText("not sent: ");
        assertThat(aliceSends.locator(".status")).containsText("Bob");
        assertThat(aliceSends.locator("progress")).hasCount(0);

        alice.person(carol).locator("button").click();
        alice.page().locator("#file-input").setInputFiles(longFile);
        Locator carolGets = carol.conversationWith(alice).and(carol.page().locator(".file.theirs"));
        assertThat(carolGets.locator(".status")).hasText(Pattern.compile("^[1-9].* of 1 GiB$"));
        alice.page().close();
        // At once, as a page that goes away hangs up; or, for Firefox left by Chromium, which does not hear it, once
        // ICE has found Alice's page gone for 5 s (about 15 s in all).
        assertThat(carolGets).hasAttribute("data-state", "interrupted", new LocatorAssertions.HasAttributeOptions().setTimeout(25_000));
        assertThat(carolGets.locator(".status")).containsText("before the whole file came");
        assertThat(carolGets.locator("progress, .save")).hasCount(0);
    }

    /**
     * Over the limit: a page sends nothing over its own, and refuses what is over its own, and both sides say so.
     * A damaged chunk: the receiver keeps nothing and both say so. A dropped file and an empty one arrive. A name
     * with markup is text.
     */
    @EachBrowser
    void limitsDamageDropsAndNames(BrowserKind browser) throws IOException {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room, "&max-file-mib=3");
        PageUser bob = join(browser, "Bob", room, "&max-file-mib=1");
        chat(alice, bob, "files");
        bob.person(alice).locator("button").click();
        assertThat(alice.page().locator("#file-hint")).hasText("Attach or drop files up to 3 MiB: they go straight to them.");
        Path twoMib = randomFile("two.bin", 2 * MIB, 3);
        Path fourMib = randomFile("four.bin", 4 * MIB, 4);

        alice.page().waitForFileChooser(() -> alice.page().locator("#attach").click()).setFiles(fourMib); // as a user would
        Locator aliceFiles = alice.conversationWith(bob).and(alice.page().locator(".file.mine"));
        assertThat(aliceFiles.last()).hasAttribute("data-state", "refused");
        assertThat(aliceFiles.last().locator(".status")).hasText("not sent: this page sends files up to 3 MiB");

        alice.page().locator("#file-input").setInputFiles(twoMib);
        assertThat(aliceFiles.last().locator(".status")).hasText("not sent: Bob's page takes files up to 1 MiB");
        Locator bobFiles = bob.conversationWith(alice).and(bob.page().locator(".file.theirs"));
        assertThat(bobFiles.last().locator(".status")).hasText("refused: this page takes files up to 1 MiB");

        Path small = randomFile("<img src=x onerror=alert(1)>.txt", 300_000, 5);
        alice.page().evaluate("() => { window.__files.damageNext = true; }");
        alice.page().locator("#file-input").setInputFiles(small);
        assertThat(bobFiles.last().locator(".status")).hasText("not kept: it arrived damaged (its SHA-256 is not the one sent)");
        assertThat(aliceFiles.last().locator(".status")).hasText("arrived damaged at Bob's page, which did not keep it");
        assertThat(bob.page().locator(".save")).hasCount(0);
        assertThat(bobFiles.last().locator(".file-name")).hasText("<img src=x onerror=alert(1)>.txt");

        JSHandle dropped = alice.page().evaluateHandle("""
                () => {
                  const transfer = new DataTransfer();
                  transfer.items.add(new File(['dropped on the conversation'], 'dropped.txt', { type: 'text/plain' }));
                  transfer.items.add(new File([], 'empty.txt'));
                  for (let i = 1; i <= 10; i++) transfer.items.add(new File([new Uint8Array(50_000 + i)], `more-${i}.bin`));
                  return transfer;
                }""");
        alice.page().locator(".conversation").dispatchEvent("dragover", Map.of("dataTransfer", dropped));
        assertThat(alice.page().locator(".conversation")).hasClass(Pattern.compile("dropping"));
        alice.page().locator(".conversation").dispatchEvent("drop", Map.of("dataTransfer", dropped));
        assertThat(bobFiles.filter(new Locator.FilterOptions().setHasText("dropped.txt"))).hasAttribute("data-state", "done");
        assertThat(bobFiles.filter(new Locator.FilterOptions().setHasText("empty.txt"))).hasAttribute("data-state", "done");
        // Twelve files at once: eight go, the others wait their turn, and all arrive.
        assertThat(bobFiles.filter(new Locator.FilterOptions().setHasText("more-")).and(bob.page().locator("[data-state='done']"))).hasCount(10);
        assertThat(aliceFiles.last()).hasAttribute("data-state", "done");
        String url = bobFiles.filter(new Locator.FilterOptions().setHasText("dropped.txt")).locator(".save").getAttribute("href");
        assertEquals("dropped on the conversation",
                bob.page().evaluate("async (url) => await window.__files.blobs.get(url).text()", url));
        assertThat(alice.page().locator(".conversation")).not().hasClass(Pattern.compile("dropping"));
    }

    /**
     * Alice's page, made hostile from the console, opens channels Bob's page never would: another label, a header
     * too long, a first message that is no header, more bytes than the header said, and a ninth file at once. Bob's
     * page closes or refuses each, shows only what it took, and the two chat on.
     */
    @EachBrowser
    void channelsAPageWouldNotOpenAreClosedOrRefused(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room, "");
        PageUser bob = join(browser, "Bob", room, "");
        chat(alice, bob, "watch this");
        alice.page().evaluate("""
                () => {
                  const pc = window.__probe.peerConnections.at(-1);
                  const header = (name, size) => JSON.stringify({ type: 'file', name, size, mime: 'text/plain' });
                  window.__open = (label, first, then = []) => {
                    const channel = pc.createDataChannel(label);
                    channel.addEventListener('open', () => { channel.send(first); then.forEach((data) => channel.send(data)); });
                    channel.addEventListener('message', ({ data }) => { channel.said = data; });
                    return channel;
                  };
                  window.__header = header;
                  window.__hostile = {
                    other: __open('chat-2', 'hello'),
                    longHeader: __open('file', header('x'.repeat(5000), 10)),
                    notAHeader: __open('file', new Uint8Array(10)),
                    tooMuch: __open('file', header('too-much.txt', 10), [new Uint8Array(10), new Uint8Array(1)]),
                    tiny: __open('file', header('tiny-chunks.bin', 100000), [new Uint8Array(1)]),
                    unordered: pc.createDataChannel('file', { ordered: false }),
                    waiting: [...Array(8).keys()].map((i) => __open('file', header(`waiting-${i}\u202Egnp.exe`, 1e8))),
                  };
                }""");
        Locator bobFiles = bob.conversationWith(alice).and(bob.page().locator(".file.theirs"));
        Locator tooMuch = bobFiles.filter(new Locator.FilterOptions().setHasText("too-much.txt"));
        assertThat(tooMuch.locator(".status")).hasText("not kept: Alice's page did not send it in the chunks it should");
        Locator tiny = bobFiles.filter(new Locator.FilterOptions().setHasText("tiny-chunks.bin"));
        assertThat(tiny.locator(".status")).hasText("not kept: Alice's page did not send it in the chunks it should");
        assertThat(bobFiles.filter(new Locator.FilterOptions().setHasText("waiting-"))).hasCount(8);
        // A right-to-left override would show "waiting-0exe.png": it is taken out of names.
        assertThat(bobFiles.locator(".file-name").filter(new Locator.FilterOptions().setHasText("waiting-0"))).hasText("waiting-0gnp.exe");
        alice.page().waitForFunction("() => window.__hostile.tooMuch.said === JSON.stringify({ type: 'damaged' })");
        for (String closed : List.of("other", "longHeader", "notAHeader", "unordered")) {
            alice.page().waitForFunction("(name) => window.__hostile[name].readyState === 'closed'", closed);
        }

        alice.page().evaluate("() => { window.__hostile.ninth = __open('file', __header('ninth.bin', 1)); }");
        alice.page().waitForFunction("() => window.__hostile.ninth.said === JSON.stringify({ type: 'refused', busy: true })");
        assertThat(bobFiles).hasCount(10); // the eight on their way and the two that broke the rules: nothing else shows
        chat(alice, bob, "still here");
        chat(bob, alice, "still here too");
    }

    /** The page's own SHA-256 (sha256.js, fed piece by piece) gives what Web Crypto gives, at every length around a block. */
    @EachBrowser
    void theStreamingSha256IsWebCryptos(BrowserKind browser) {
        Page page = browsers.newPage(browser);
        page.navigate(app.url("/"));
        Object mismatches = page.evaluate("""
                async () => {
                  const { sha256 } = await import('/sha256.js');
                  const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
                  const mismatches = [];
                  for (const length of [...Array(200).keys(), 1000, 4095, 65536, 1048576 + 7]) {
                    const bytes = new Uint8Array(length).map((_, i) => (i * 31 + length) & 0xff);
                    const expected = hex(await crypto.subtle.digest('SHA-256', bytes));
                    const inPieces = sha256();
                    for (let at = 0, step = 1; at < length; at += step, step = (step * 7) % 97 + 1) inPieces.update(bytes.subarray(at, at + step));
                    if (inPieces.hex() !== expected) mismatches.push(`${length} in pieces`);
                    const whole = sha256();
                    whole.update(bytes);
                    if (whole.hex() !== expected) mismatches.push(`${length} whole`);
                  }
                  return mismatches;
                }""");
        assertEquals(List.of(), mismatches);
    }

    /** Counts, in the page, the different values each progress bar showed before its file was complete. */
    private static void watchProgress(Page page) {
        page.evaluate("""
                () => {
                  const seen = { mine: new Set(), theirs: new Set() };
                  window.__progress = { mine: 0, theirs: 0 };
                  new MutationObserver(() => {
                    for (const side of ['mine', 'theirs']) {
                      const bar = document.querySelector(`.log li.file.${side} progress`);
                      if (bar && bar.value > 0 && bar.value < bar.max) seen[side].add(bar.value);
                      window.__progress[side] = seen[side].size;
                    }
                  }).observe(document.querySelector('#conversations'), { subtree: true, attributes: true, characterData: true, childList: true });
                }""");
    }

    /** The file behind the Save link on {@code item} has {@code original}'s size and SHA-256, and the page says so. */
    private static void assertSaved(PageUser user, Locator item, Path original) throws IOException {
        String sha256 = sha256(original);
        assertThat(item).hasAttribute("data-sha256", sha256);
        assertThat(item.locator(".status")).hasText("received, checked: SHA-256 " + sha256.substring(0, 12) + "…");
        List<?> saved = (List<?>) user.page().evaluate(SAVED_SHA256, item.locator(".save").getAttribute("href"));
        assertEquals(Files.size(original), ((Number) saved.get(0)).longValue());
        assertEquals(sha256, saved.get(1), user.name() + " saved what was sent");
        assertThat(item.locator(".save")).hasAttribute("download", original.getFileName().toString());
    }

    private static Path randomFile(String name, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(folder.resolve(name), bytes);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private PageUser join(BrowserKind browser, String name, String room, String more) {
        Page page = browsers.newPage(browser);
        page.context().addInitScript(FILE_PROBE);
        page.context().addInitScript(PageUser.probeScript());
        page.navigate(app.url("/?room=" + PageUser.encode(room) + "&name=" + PageUser.encode(name) + more));
        assertThat(page.locator("#my-id")).hasText(PageUser.AN_ID);
        return new PageUser(page, name, page.locator("#my-id").textContent());
    }

    private String newRoom() {
        return "files-" + (++rooms) + "-" + System.nanoTime();
    }
}
