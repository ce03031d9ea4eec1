package dev.webrtcsteps.docs;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import com.microsoft.playwright.options.ScreenshotAnimations;
import dev.webrtcsteps.step1.Step1App;
import dev.webrtcsteps.step2.Step2App;
import dev.webrtcsteps.step3.Step3App;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Makes the screenshots the docs show, {@code docs/images/*.png}, from the real pages: each step's real app on a
 * free port, real Chromium, and users who do what a reader would (fixed names, a fixed room, fixed messages;
 * only the ids the server hands out differ from one run to the next). Remake them after changing a page:
 * <pre>mvn -Pscreenshots -pl docs -am verify</pre>
 * The build's tests do not run this class (its name is not a test's name); the profile runs only this class.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class Screenshots {

    static final Path IMAGES = Path.of("images");
    static final int DESKTOP_WIDTH = 1280;
    static final int DESKTOP_HEIGHT = 800;
    static final int PHONE_WIDTH = 390;
    static final int PHONE_HEIGHT = 844;
    private static final Pattern AN_ID = Pattern.compile("^[A-Za-z0-9_-]{22}$");

    @RegisterExtension
    final Browsers browsers = new Browsers();

    /** Step 1 after Start, with a message each way and both descriptions shown. */
    @Test
    void step1() {
        try (AppServer app = new AppServer(Step1App::create).start()) {
            Page page = desktopPage();
            page.navigate(app.url("/"));
            page.locator("#start").click();
            assertThat(page.locator("#send-a")).isEnabled();
            assertThat(page.locator("#send-b")).isEnabled();
            page.locator("#text-a").fill("Hello from Peer A");
            page.locator("#send-a").click();
            assertThat(page.locator("#log-b li")).hasCount(1);
            page.locator("#text-b").fill("Hi A! This came over the data channel.");
            page.locator("#send-b").click();
            assertThat(page.locator("#log-a li")).hasCount(2);
            assertThat(page.locator("#answer-sdp")).containsText("v=0");
            save(page, "step1-desktop.png");
        }
    }

    /** Step 2: two users the server paired, who chatted; the first one's page. */
    @Test
    void step2() {
        try (AppServer app = new AppServer(Step2App::create).start()) {
            Page first = desktopPage();
            first.navigate(app.url("/"));
            assertThat(first.locator("#status")).hasAttribute("data-state", "waiting");
            Page second = desktopPage();
            second.navigate(app.url("/"));
            for (Page page : new Page[] {first, second}) {
                assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
                assertThat(page.locator("#my-id")).hasText(AN_ID);
            }
            step2Send(first, "Hello! Is this peer to peer?");
            assertThat(second.locator("#log li")).hasCount(1);
            step2Send(second, "Yes: the server only introduced us.");
            assertThat(first.locator("#log li")).hasCount(2);
            save(first, "step2-desktop.png");
        }
    }

    /**
     * Step 3: Ann, Bob and Cleo in one room. Ann (at desktop size) and Bob (at a phone's size) chat; Cleo writes to
     * Ann, who has not read it yet. Ann's page, and Bob's with the conversation open.
     */
    @Test
    void step3() {
        try (AppServer app = new AppServer(Step3App::create).start()) {
            Page ann = step3Join(app, desktopPage(), "Ann");
            Page bob = step3Join(app, phonePage(), "Bob");
            Page cleo = step3Join(app, desktopPage(), "Cleo");
            for (Page page : new Page[] {ann, bob, cleo}) {
                assertThat(page.locator("#people li")).hasCount(2);
            }
            String annId = ann.locator("#my-id").textContent();
            String bobId = bob.locator("#my-id").textContent();
            String cleoId = cleo.locator("#my-id").textContent();

            step3Open(ann, bobId);
            step3Send(ann, bob, annId, "Hi Bob! Are you coming to the demo?", 1);
            step3Open(bob, annId);
            step3Send(bob, ann, bobId, "Yes, I'll be there in ten minutes.", 2);
            step3Send(ann, bob, annId, "Great, I'll save you a seat.", 3);
            step3Send(bob, ann, bobId, "Thanks!", 4);
            step3Open(cleo, annId);
            step3Send(cleo, ann, cleoId, "Ann, could you send me the slides?", 1);
            for (Page page : new Page[] {ann, bob, cleo}) {
                // Every message of ours has its receipt (if the page shows receipts this way).
                assertThat(page.locator(".log li[data-receipt='sent']")).hasCount(0);
            }
            save(ann, "step3-desktop.png");
            save(bob, "step3-phone.png");
        }
    }

    /**
     * Files: Cleo asks Ann for the slides, Ann drops them on the conversation, and Cleo's page has them, checked.
     * Cleo's page.
     */
    @Test
    void files() {
        try (AppServer app = new AppServer(Step3App::create).start()) {
            Page ann = step3Join(app, desktopPage(), "Ann");
            Page cleo = step3Join(app, desktopPage(), "Cleo");
            String annId = ann.locator("#my-id").textContent();
            String cleoId = cleo.locator("#my-id").textContent();
            step3Open(cleo, annId);
            step3Send(cleo, ann, cleoId, "Ann, could you send me the slides?", 1);
            step3Open(ann, cleoId);
            step3Send(ann, cleo, annId, "Here they are.", 2);
            // Three and a half megabytes of a made-up PDF, made in the page as a user's file would be.
            ann.locator("#file-input").setInputFiles(new FilePayload("demo-slides.pdf", "application/pdf",
                    new byte[3_500_000]));
            Locator received = cleo.locator(".log[data-peer-id='" + annId + "'] li.file");
            assertThat(received).hasAttribute("data-state", "done");
            assertThat(ann.locator(".log[data-peer-id='" + cleoId + "'] li.file")).hasAttribute("data-state", "done");
            step3Send(cleo, ann, cleoId, "Got them, thanks!", 4); // two messages each way, and the file
            save(cleo, "files-desktop.png");
        }
    }

    private Page desktopPage() {
        Page page = browsers.newPage(BrowserKind.CHROMIUM);
        page.setViewportSize(DESKTOP_WIDTH, DESKTOP_HEIGHT);
        return page;
    }

    private Page phonePage() {
        Page page = browsers.newPage(BrowserKind.CHROMIUM);
        page.setViewportSize(PHONE_WIDTH, PHONE_HEIGHT);
        return page;
    }

    private static void step2Send(Page page, String text) {
        page.locator("#text").fill(text);
        page.locator("#send").click();
        assertThat(page.locator("#log li").last()).hasText("You:" + text);
    }

    private static Page step3Join(AppServer app, Page page, String name) {
        page.navigate(app.url("/?room=demo&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)));
        assertThat(page.locator("#my-id")).hasText(AN_ID);
        assertThat(page.locator("#my-name")).hasText(name);
        return page;
    }

    /** Opens the conversation with the person {@code id} in {@code page}'s list. */
    private static void step3Open(Page page, String id) {
        page.locator("#people li[data-peer-id='" + id + "'] button").click();
        assertThat(page.locator("#send")).isEnabled();
    }

    /** Sends in the open conversation; the receiver's conversation with the sender then holds {@code count}. */
    private static void step3Send(Page from, Page to, String fromId, String text, int count) {
        from.locator("#text").fill(text);
        from.locator("#send").click();
        assertThat(to.locator(".log[data-peer-id='" + fromId + "'] li")).hasCount(count);
    }

    private static void save(Page page, String name) {
        Path file = IMAGES.resolve(name);
        try {
            Files.createDirectories(IMAGES);
            page.mouse().move(0, 0); // no hover look on the button clicked last
            // Not a full-page shot: what one screen shows, at the size the docs name.
            page.screenshot(new Page.ScreenshotOptions().setPath(file).setAnimations(ScreenshotAnimations.DISABLED));
            long size = Files.size(file);
            System.out.println("Wrote " + file.toAbsolutePath() + " (" + size / 1024 + " KB)");
            assertTrue(size < 200 * 1024, file + " is " + size / 1024 + " KB: too big to commit");
        } catch (IOException failed) {
            throw new AssertionError("Could not write " + file.toAbsolutePath(), failed);
        }
    }
}
