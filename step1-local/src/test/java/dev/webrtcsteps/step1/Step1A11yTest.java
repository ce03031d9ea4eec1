package dev.webrtcsteps.step1;

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

/** Step 1's page gives axe-core nothing to report, before Start and while the two peers chat. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Step1A11yTest {

    @RegisterExtension
    static final AppServer app = new AppServer(Step1App::create);

    @RegisterExtension
    final Browsers browsers = new Browsers();

    @EachBrowser
    void beforeStart(BrowserKind browser) {
        Page page = openStep1(browser);
        assertThat(page.locator("#start")).isEnabled();

        AxeChecks.assertNoViolations(page, "step 1, before Start");
    }

    @EachBrowser
    void chattingWithTheSdpShown(BrowserKind browser) {
        Page page = openStep1(browser);
        page.locator("#start").click();
        assertThat(page.locator("#send-a")).isEnabled();
        assertThat(page.locator("#send-b")).isEnabled();
        page.locator("#text-a").fill("hello from A");
        page.locator("#send-a").click();
        assertThat(page.locator("#log-b li")).hasText("A:hello from A");
        page.locator("#text-b").fill("hello from B");
        page.locator("#send-b").click();
        assertThat(page.locator("#log-a li").last()).hasText("B:hello from B");
        assertThat(page.locator("#answer-sdp")).containsText("v=0");

        AxeChecks.assertNoViolations(page, "step 1, chatting");
    }

    @EachBrowser
    void chattingAtPhoneWidth(BrowserKind browser) {
        Page page = openStep1(browser);
        page.setViewportSize(390, 844);
        page.locator("#start").click();
        page.locator("#text-a").fill("hello from A");
        page.locator("#send-a").click();
        assertThat(page.locator("#log-b li")).hasText("A:hello from A");

        AxeChecks.assertNoViolations(page, "step 1 at 390x844, chatting");
    }

    private Page openStep1(BrowserKind browser) {
        Page page = browsers.newPage(browser);
        page.navigate(app.url("/"));
        assertThat(page).hasTitle(Pattern.compile("Step 1"));
        return page;
    }
}
