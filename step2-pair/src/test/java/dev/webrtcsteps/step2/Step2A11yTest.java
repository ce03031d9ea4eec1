package dev.webrtcsteps.step2;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.AxeChecks;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import dev.webrtcsteps.testing.EachBrowser;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Step 2's page gives axe-core nothing to report: waiting, chatting, refused, and at phone width. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Step2A11yTest {

    private static final Pattern AN_ID = Pattern.compile("^[A-Za-z0-9_-]{22}$");

    @RegisterExtension
    final AppServer app = new AppServer(Step2App::create);

    @RegisterExtension
    final Browsers browsers = new Browsers();

    @EachBrowser
    void waitingForAPeer(BrowserKind browser) {
        Page first = openUser(browser);
        assertThat(first.locator("#status")).hasAttribute("data-state", "waiting");

        AxeChecks.assertNoViolations(first, "step 2, waiting");
    }

    @EachBrowser
    void chattingAndRefusingAThirdUser(BrowserKind browser) {
        Page first = openUser(browser);
        Page second = openUser(browser);
        chat(first, second);

        AxeChecks.assertNoViolations(first, "step 2, chatting (the first user)");
        AxeChecks.assertNoViolations(second, "step 2, chatting (the second user)");

        Page third = browsers.newPage(browser);
        third.navigate(app.url("/"));
        assertThat(third.locator("#status")).hasAttribute("data-state", "room-full");

        AxeChecks.assertNoViolations(third, "step 2, refused (room full)");
    }

    @EachBrowser
    void atPhoneWidth(BrowserKind browser) {
        Page first = browsers.newPage(browser);
        first.setViewportSize(390, 844);
        first.navigate(app.url("/"));
        assertThat(first.locator("#status")).hasAttribute("data-state", "waiting");

        AxeChecks.assertNoViolations(first, "step 2 at 390x844, waiting");

        chat(first, openUser(browser));

        AxeChecks.assertNoViolations(first, "step 2 at 390x844, chatting");
    }

    private Page openUser(BrowserKind browser) {
        Page page = browsers.newPage(browser);
        page.navigate(app.url("/"));
        assertThat(page.locator("#my-id")).hasText(AN_ID);
        return page;
    }

    private static void chat(Page one, Page other) {
        assertThat(one.locator("#status")).hasAttribute("data-state", "connected");
        assertThat(other.locator("#status")).hasAttribute("data-state", "connected");
        send(one, "hello from one");
        assertThat(other.locator("#log li").last()).hasText("Peer:hello from one");
        send(other, "hello back");
        assertThat(one.locator("#log li").last()).hasText("Peer:hello back");
    }

    private static void send(Page page, String text) {
        page.locator("#text").fill(text);
        page.locator("#send").click();
        assertThat(page.locator("#log li").last()).hasText("You:" + text);
    }
}
