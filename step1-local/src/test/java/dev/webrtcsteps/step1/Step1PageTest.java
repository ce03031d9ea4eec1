package dev.webrtcsteps.step1;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.webrtcsteps.testing.PageChecks.assertTabIconIsServed;

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

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Step1PageTest {

    @RegisterExtension
    static final AppServer app = new AppServer(Step1App::create);

    @RegisterExtension
    final Browsers browsers = new Browsers();

    @EachBrowser
    void startConnectsBothPeersAndShowsOfferAndAnswer(BrowserKind browser) {
        Page page = openStep1(browser);
        assertThat(page.locator("#send-a")).isDisabled();
        assertTabIconIsServed(page);
        AxeChecks.assertNoViolations(page, "step 1, before Start");

        page.locator("#start").click();

        assertConnected(page);
        assertThat(page.locator("#offer-sdp")).containsText("v=0");
        assertThat(page.locator("#offer-sdp")).containsText("m=application");
        assertThat(page.locator("#answer-sdp")).containsText("v=0");
        assertThat(page.locator("#answer-sdp")).containsText("a=setup:active");
        assertThat(page.locator("#error")).isEmpty();
    }

    @EachBrowser
    void textTravelsFromAToBAndFromBToA(BrowserKind browser) {
        Page page = openStep1(browser);
        page.locator("#start").click();
        assertConnected(page);

        page.locator("#text-a").fill("hello from A");
        page.locator("#send-a").click();
        assertThat(page.locator("#log-b li")).hasText("A:hello from A");

        page.locator("#text-b").fill("hello from B");
        page.locator("#send-b").click();
        assertThat(page.locator("#log-a li").last()).hasText("B:hello from B");
        assertThat(page.locator("#log-a li")).hasCount(2);
        AxeChecks.assertNoViolations(page, "step 1, chatting, the SDP shown");
    }

    @EachBrowser
    void atPhoneWidthTheChatWorksAndAxeFindsNothing(BrowserKind browser) {
        Page page = openStep1(browser);
        page.setViewportSize(390, 844);
        page.locator("#start").click();
        page.locator("#text-a").fill("hello from A");
        page.locator("#send-a").click();
        assertThat(page.locator("#log-b li")).hasText("A:hello from A");
        AxeChecks.assertNoViolations(page, "step 1 at 390x844, chatting");
    }

    @EachBrowser
    void stopResetsThePageAndStartWorksAgain(BrowserKind browser) {
        Page page = openStep1(browser);
        page.locator("#start").click();
        assertConnected(page);
        page.locator("#text-a").fill("first round");
        page.locator("#send-a").click();
        assertThat(page.locator("#log-b li")).hasCount(1);

        page.locator("#stop").click();

        assertThat(page.locator("#state-a")).hasText("closed");
        assertThat(page.locator("#state-b")).hasText("closed");
        assertThat(page.locator("#send-a")).isDisabled();
        assertThat(page.locator("#send-b")).isDisabled();
        assertThat(page.locator("#offer-sdp")).isEmpty();
        assertThat(page.locator("#log-b li")).hasCount(0);
        assertThat(page.locator("#start")).isEnabled();

        page.locator("#start").click();
        assertConnected(page);
        page.locator("#text-b").fill("second round");
        page.locator("#send-b").click();
        assertThat(page.locator("#log-a li")).hasText("B:second round");
    }

    @EachBrowser
    void peerTextIsShownAsTextNotHtml(BrowserKind browser) {
        Page page = openStep1(browser);
        page.locator("#start").click();
        assertConnected(page);

        page.locator("#text-a").fill("<b id=injected>bold</b>");
        page.locator("#send-a").click();

        assertThat(page.locator("#log-b li")).hasText("A:<b id=injected>bold</b>");
        assertThat(page.locator("#injected")).hasCount(0);
    }

    private Page openStep1(BrowserKind browser) {
        Page page = browsers.newPage(browser);
        page.navigate(app.url("/"));
        assertThat(page).hasTitle(Pattern.compile("Step 1"));
        return page;
    }

    private static void assertConnected(Page page) {
        assertThat(page.locator("#state-a")).hasText("connected");
        assertThat(page.locator("#state-b")).hasText("connected");
        assertThat(page.locator("#send-a")).isEnabled();
        assertThat(page.locator("#send-b")).isEnabled();
    }
}
