package dev.webrtcsteps.step2;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.webrtcsteps.testing.PageChecks.assertTabIconIsServed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Page;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.AxeChecks;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import dev.webrtcsteps.testing.EachBrowser;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Step 2 in real browsers: each user is its own BrowserContext, all talking to the real server. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Step2PageTest {

    private static final Pattern AN_ID = Pattern.compile("^[A-Za-z0-9_-]{22}$");

    @RegisterExtension
    final AppServer app = new AppServer(Step2App::create);

    @RegisterExtension
    final Browsers browsers = new Browsers();

    @EachBrowser
    void twoUsersArePairedAndChatBothWays(BrowserKind browser) {
        Page first = openUser(browser);
        assertThat(first.locator("#status")).hasAttribute("data-state", "waiting");
        assertThat(first.locator("#send")).isDisabled();
        assertTabIconIsServed(first);
        AxeChecks.assertNoViolations(first, "step 2, waiting");

        Page second = openUser(browser);

        assertChatBothWays(first, second);
        AxeChecks.assertNoViolations(first, "step 2, chatting (the first user)");
        AxeChecks.assertNoViolations(second, "step 2, chatting (the second user)");
    }

    @EachBrowser
    void atPhoneWidthThePairChatsAndAxeFindsNothing(BrowserKind browser) {
        Page first = browsers.newPage(browser);
        first.setViewportSize(390, 844);
        first.navigate(app.url("/"));
        assertThat(first.locator("#status")).hasAttribute("data-state", "waiting");
        AxeChecks.assertNoViolations(first, "step 2 at 390x844, waiting");

        assertChatBothWays(first, openUser(browser));
        AxeChecks.assertNoViolations(first, "step 2 at 390x844, chatting");
    }

    @EachBrowser
    void whenThePeerLeavesTheNextNewcomerIsPaired(BrowserKind browser) {
        Page first = openUser(browser);
        Page second = openUser(browser);
        assertConnected(first);
        assertConnected(second);

        second.context().close();

        assertThat(first.locator("#status")).hasAttribute("data-state", "peer-left");
        assertThat(first.locator("#connection")).hasText("closed");
        assertThat(first.locator("#send")).isDisabled();

        Page third = openUser(browser);
        assertChatBothWays(first, third);
    }

    @EachBrowser
    void aThirdUserSeesRoomFullAndThePairChatsOn(BrowserKind browser) {
        Page first = openUser(browser);
        Page second = openUser(browser);
        assertConnected(first);
        assertConnected(second);

        Page third = browsers.newPage(browser);
        third.navigate(app.url("/"));

        assertThat(third.locator("#status")).hasAttribute("data-state", "room-full");
        assertThat(third.locator("#send")).isDisabled();
        AxeChecks.assertNoViolations(third, "step 2, refused (room full)");
        assertChatBothWays(first, second);
    }

    @EachBrowser
    void peerTextIsShownAsTextAndRunsNothing(BrowserKind browser) {
        Page first = openUser(browser);
        Page second = openUser(browser);
        assertConnected(first);
        assertConnected(second);

        String attack = "<img src=x onerror=\"window.injected = true\">";
        send(first, attack);

        assertThat(second.locator("#log li").last()).hasText("Peer:" + attack);
        assertThat(second.locator("#log img")).hasCount(0);
        assertEquals(false, second.evaluate("() => window.injected === true"));
    }

    @EachBrowser
    void whenTheServerStopsTheChatGoesOnPeerToPeer(BrowserKind browser) {
        Page first = openUser(browser);
        Page second = openUser(browser);
        assertChatBothWays(first, second);

        app.stop();

        assertThat(first.locator("#status")).hasAttribute("data-state", "server-gone");
        assertThat(second.locator("#status")).hasAttribute("data-state", "server-gone");
        send(first, "while the server is down");
        assertThat(second.locator("#log li").last()).hasText("Peer:while the server is down");
        send(second, "still here");
        assertThat(first.locator("#log li").last()).hasText("Peer:still here");
    }

    @Test
    void chromiumAndFirefoxChatWithEachOther() {
        assumeTrue(BrowserKind.CHROMIUM.isSelected() && BrowserKind.FIREFOX.isSelected(),
                "the interop test needs both browsers (-Dbrowsers=chromium,firefox)");
        Page chromium = openUser(BrowserKind.CHROMIUM);
        Page firefox = openUser(BrowserKind.FIREFOX);

        assertChatBothWays(chromium, firefox);
    }

    private Page openUser(BrowserKind browser) {
        Page page = browsers.newPage(browser);
        page.navigate(app.url("/"));
        assertThat(page.locator("#my-id")).hasText(AN_ID);
        return page;
    }

    private static void assertChatBothWays(Page one, Page other) {
        assertConnected(one);
        assertConnected(other);
        send(one, "hello from one");
        assertThat(other.locator("#log li").last()).hasText("Peer:hello from one");
        send(other, "hello back");
        assertThat(one.locator("#log li").last()).hasText("Peer:hello back");
        assertThat(one.locator("#log li")).hasCount(2);
        assertThat(other.locator("#log li")).hasCount(2);
    }

    private static void assertConnected(Page page) {
        assertThat(page.locator("#status")).hasAttribute("data-state", "connected");
        assertThat(page.locator("#send")).isEnabled();
    }

    private static void send(Page page, String text) {
        page.locator("#text").fill(text);
        page.locator("#send").click();
        assertThat(page.locator("#log li").last()).hasText("You:" + text);
    }
}
