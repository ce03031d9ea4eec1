package dev.webrtcsteps.step2;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.webrtcsteps.testing.PageChecks.assertTabIconIsServed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.webrtcsteps.common.SignalingEndpoint;
import dev.webrtcsteps.common.SignalingSettings;
import dev.webrtcsteps.testing.AppServer;
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
    /** Reconnecting waits up to 10 s between tries (exponential backoff). */
    private static final LocatorAssertions.HasTextOptions LONG_WAIT = new LocatorAssertions.HasTextOptions().setTimeout(20_000);

    /** Counts the signaling WebSockets a page opens, to see it reconnect. */
    private static final String COUNT_SOCKETS = "(() => { const Native = window.WebSocket; window.__sockets = 0;"
            + " window.WebSocket = class extends Native { constructor(...args) { super(...args); window.__sockets += 1; } }; })()";

    /** The server's signaling endpoint, to drop a page's connection as a network failure would. */
    private SignalingEndpoint signaling;

    @RegisterExtension
    final AppServer app = new AppServer(() -> {
        signaling = new SignalingEndpoint(new Pair(), SignalingSettings.DEFAULTS);
        return Step2App.create(signaling);
    });

    @RegisterExtension
    final Browsers browsers = new Browsers();

    @EachBrowser
    void twoUsersArePairedAndChatBothWays(BrowserKind browser) {
        Page first = openUser(browser);
        assertThat(first.locator("#status")).hasAttribute("data-state", "waiting");
        assertThat(first.locator("#send")).isDisabled();
        assertTabIconIsServed(first);

        Page second = openUser(browser);

        assertChatBothWays(first, second);
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
        assertThat(third.locator("#error")).containsText("room-full");
        assertThat(third.locator("#send")).isDisabled();
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
    void aPageWhoseConnectionDropsComesBackWithItsIdAndThePairStays(BrowserKind browser) {
        Page first = openUser(browser);
        Page second = openUser(browser);
        assertChatBothWays(first, second);
        String firstId = first.locator("#my-id").textContent();

        signaling.dropConnection(firstId);

        first.waitForFunction("() => window.__sockets === 2");
        assertConnected(first);
        assertThat(first.locator("#my-id")).hasText(firstId);
        assertThat(second.locator("#status")).hasText("connected to " + firstId);
        assertEquals(1, second.evaluate("() => window.__sockets"));
        send(second, "still paired");
        assertThat(first.locator("#log li").last()).hasText("Peer:still paired");
    }

    @EachBrowser
    void whileTheServerRestartsTheChatGoesOnAndThenThePairMeetsAgain(BrowserKind browser) {
        Page first = openUser(browser);
        Page second = openUser(browser);
        assertChatBothWays(first, second);
        String firstId = first.locator("#my-id").textContent();
        String secondId = second.locator("#my-id").textContent();

        app.stop();
        assertThat(first.locator("#status")).hasAttribute("data-state", "reconnecting");
        assertThat(second.locator("#status")).hasAttribute("data-state", "reconnecting");
        send(first, "while the server is down");
        assertThat(second.locator("#log li").last()).hasText("Peer:while the server is down");

        app.startAgain();
        assertThat(first.locator("#my-id")).not().hasText(firstId, LONG_WAIT);
        assertThat(second.locator("#my-id")).not().hasText(secondId, LONG_WAIT);
        // Paired again, under the new ids.
        assertThat(first.locator("#status")).hasText("connected to " + second.locator("#my-id").textContent());
        assertThat(second.locator("#status")).hasText("connected to " + first.locator("#my-id").textContent());
        send(second, "after the restart");
        assertThat(first.locator("#log li").last()).hasText("Peer:after the restart");
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
        page.context().addInitScript(COUNT_SOCKETS);
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
