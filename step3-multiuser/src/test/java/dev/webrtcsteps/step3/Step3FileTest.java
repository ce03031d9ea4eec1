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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files sent peer to peer in step 3's page (files.js), in Chromium, Firefox and between the two: whole and checked
 * while the chat goes on, with bounded backpressure; refused over a limit, and when damaged; what a hostile page
 * opens. How a transfer ends early is in {@link Step3FileEndingsTest}.
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
    static final String FILE_PROBE = """
            (() => {
              const files = window.__files = { mostQueued: 0, sends: 0, blobs: new Map(), damageNext: false, carriers: new Set() };
              const send = RTCDataChannel.prototype.send;
              RTCDataChannel.prototype.send = function (data) {
                if (this.label === 'file' && files.damageNext && ArrayBuffer.isView(data)) {
                  files.damageNext = false;
                  data = Uint8Array.from(data);
                  data[0] ^= 0xff;
                }
                const result = send.call(this, data);
                if (this.label === 'file') {
                  if (ArrayBuffer.isView(data)) files.carriers.add(this); // a channel that carried a file's bytes
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

    private int rooms;

    @BeforeAll
    static void makeFiles() throws IOException {
        aliceFile = randomFile("from-alice.bin", 25 * MIB, 1);
        bobFile = randomFile("from-bob.bin", 25 * MIB, 2);
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
        Locator aliceGot = alice.conversationWith(bob).and(alice.page().locator(".file.theirs"));
        assertThat(bobGot).hasAttribute("data-state", "done", new LocatorAssertions.HasAttributeOptions().setTimeout(90_000));
        assertThat(aliceGot).hasAttribute("data-state", "done", new LocatorAssertions.HasAttributeOptions().setTimeout(90_000));
        // Bob's answer reaches Alice's page behind the rest of his file, which her page reads and hashes first.
        assertThat(aliceSent).hasAttribute("data-state", "done", new LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
        assertThat(aliceSent.locator(".status")).hasText("delivered to Bob, checked");
        assertThat(bob.conversationWith(alice).and(bob.page().locator(".file.mine"))).hasAttribute("data-state", "done",
                new LocatorAssertions.HasAttributeOptions().setTimeout(30_000));

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

        // A file's channel lost on its way (as one was once from Chromium to Firefox, opened right after another had
        // closed: docs/files.md): no answer comes, so Alice's page offers the file again on a new channel.
        bob.page().evaluate("() => { window.__probe.loseNextFileChannel = true; }");
        alice.page().locator("#file-input").setInputFiles(randomFile("sent-again.bin", 100_000, 6));
        Locator sentAgain = bobFiles.filter(new Locator.FilterOptions().setHasText("sent-again.bin"));
        assertThat(sentAgain).hasAttribute("data-state", "done", new LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
        assertThat(sentAgain).hasCount(1);
        assertThat(aliceFiles.last().locator(".status")).hasText("delivered to Bob, checked");
        bob.page().waitForFunction("() => window.__probe.lostChannels.length === 1 && window.__probe.lostChannels[0].readyState === 'closed'");
        // A page too busy to answer before Alice's page has offered the file 3 times: Bob's takes the first offer it
        // sees and closes the others unanswered, Alice's sends the file where it was accepted, and it shows once.
        Object channelsBefore = alice.page().evaluate("() => window.__probe.channels.length");
        bob.page().evaluate("() => { window.__probe.busyOnNextFileChannelMs = 7000; }");
        alice.page().locator("#file-input").setInputFiles(randomFile("answered-late.bin", 100_000, 7));
        Locator answeredLate = bobFiles.filter(new Locator.FilterOptions().setHasText("answered-late.bin"));
        assertThat(answeredLate).hasAttribute("data-state", "done", new LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
        assertThat(answeredLate).hasCount(1);
        assertThat(aliceFiles.last().locator(".status")).hasText("delivered to Bob, checked");
        assertEquals(List.of(true, false, false), alice.page().evaluate(
                "(before) => window.__probe.channels.slice(before).map((offer) => window.__files.carriers.has(offer))", channelsBefore),
                "Alice's page offered it 3 times, and sent it on the first offer, the one Bob's page answered");

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

    /** Run in a page made hostile from the console: __open(label, first, then) opens a channel to its last peer. */
    private static final String HOSTILE_TOOLS = """
            () => {
              const pc = window.__probe.peerConnections.at(-1);
              window.__header = (name, size) => JSON.stringify({ type: 'file', name, size, mime: 'text/plain' });
              window.__open = (label, first, then = []) => {
                const channel = pc.createDataChannel(label);
                channel.addEventListener('open', () => { channel.send(first); then.forEach((data) => channel.send(data)); });
                channel.addEventListener('message', ({ data }) => { channel.said = data; });
                return channel;
              };
            }""";

    /**
     * Alice's page, made hostile from the console, opens channels Bob's page never would: another label, a header
     * too long, a first message that is no header, more bytes than the header said, and a ninth file at once. Bob's
     * page closes or refuses each, shows only what it took, and the two chat on. Then Carol announces files too: one
     * that would take what is coming to Bob's page over twice its limit is refused; and once 30 s pass on Bob's
     * clock without a byte, every file that went quiet ends, which makes room again.
     */
    @EachBrowser
    void channelsAPageWouldNotOpenAreClosedOrRefused(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room, "");
        PageUser bob = join(browser, "Bob", room, "&max-file-mib=1000");
        PageUser carol = join(browser, "Carol", room, "");
        chat(alice, bob, "watch this");
        chat(carol, bob, "me too");
        bob.page().clock().install(); // its time goes on as usual, until the test moves it forward
        alice.page().evaluate(HOSTILE_TOOLS);
        alice.page().evaluate("""
                () => {
                  window.__hostile = {
                    other: __open('chat-2', 'hello'),
                    longHeader: __open('file', __header('x'.repeat(5000), 10)),
                    notAHeader: __open('file', new Uint8Array(10)),
                    tooMuch: __open('file', __header('too-much.txt', 10), [new Uint8Array(10), new Uint8Array(1)]),
                    tiny: __open('file', __header('tiny-chunks.bin', 100000), [new Uint8Array(1)]),
                    unordered: window.__probe.peerConnections.at(-1).createDataChannel('file', { ordered: false }),
                    waiting: [...Array(8).keys()].map((i) => __open('file', __header(`waiting-${i}\u202Egnp.exe`, 1e8))),
                  };
                }""");
        Locator bobFiles = bob.conversationWith(alice).and(bob.page().locator(".file.theirs"));
        Locator tooMuch = bobFiles.filter(new Locator.FilterOptions().setHasText("too-much.txt"));
        assertThat(tooMuch.locator(".status")).hasText("not kept: Alice's page did not send it in the chunks it should");
        Locator tiny = bobFiles.filter(new Locator.FilterOptions().setHasText("tiny-chunks.bin"));
        assertThat(tiny.locator(".status")).hasText("not kept: Alice's page did not send it in the chunks it should");
        Locator waiting = bobFiles.filter(new Locator.FilterOptions().setHasText("waiting-"));
        assertThat(waiting).hasCount(8);
        // A right-to-left override would show "waiting-0exe.png": it is taken out of names.
        assertThat(bobFiles.locator(".file-name").filter(new Locator.FilterOptions().setHasText("waiting-0"))).hasText("waiting-0gnp.exe");
        alice.page().waitForFunction("() => window.__hostile.tooMuch.said === JSON.stringify({ type: 'damaged' })");
        for (String closed : List.of("other", "longHeader", "notAHeader", "unordered")) {
            alice.page().waitForFunction("(name) => window.__hostile[name].readyState === 'closed'", closed);
        }

        alice.page().evaluate("() => { window.__hostile.ninth = __open('file', __header('ninth.bin', 1)); }");
        alice.page().waitForFunction("() => window.__hostile.ninth.said === JSON.stringify({ type: 'refused', busy: true })");
        assertThat(bobFiles).hasCount(10); // the eight on their way and the two that broke the rules: nothing else shows

        // Bob's page takes up to 2 x 1000 MiB coming at once, from everyone: Alice's 8 x 100 MB and one GB of Carol's
        // fit, a second GB does not, though it is only Carol's second file.
        carol.page().evaluate(HOSTILE_TOOLS);
        carol.page().evaluate("() => { window.__first = __open('file', __header('first-gb.bin', 1e9)); }");
        Locator fromCarol = bob.conversationWith(carol).and(bob.page().locator(".file.theirs"));
        assertThat(fromCarol.locator(".status")).hasText("0 B of 954 MiB");
        carol.page().evaluate("() => { window.__second = __open('file', __header('second-gb.bin', 1e9)); }");
        carol.page().waitForFunction("() => window.__second.said === JSON.stringify({ type: 'refused', busy: true })");
        assertThat(fromCarol).hasCount(1);

        bob.page().clock().fastForward(31_000);
        assertThat(waiting.locator(".status").first()).hasText("nothing from Alice for 30 s");
        assertThat(waiting.and(bob.page().locator("[data-state=interrupted]"))).hasCount(8);
        assertThat(fromCarol).hasAttribute("data-state", "interrupted");
        assertThat(fromCarol.locator(".status")).hasText("nothing from Carol for 30 s");
        alice.page().waitForFunction("() => window.__hostile.waiting.every((channel) => channel.readyState === 'closed')");
        carol.page().evaluate("() => { window.__third = __open('file', __header('third-gb.bin', 1e9)); }");
        assertThat(fromCarol.last().locator(".status")).hasText("0 B of 954 MiB"); // there is room again
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
        return join(browsers, app, browser, name, room, more);
    }

    /** A user of step 3's page with the probes of {@link PageUser} and {@link #FILE_PROBE}, with {@code more} in its address. */
    static PageUser join(Browsers browsers, AppServer app, BrowserKind browser, String name, String room, String more) {
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
