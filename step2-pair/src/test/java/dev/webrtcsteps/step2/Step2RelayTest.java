package dev.webrtcsteps.step2;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.IceServers;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import dev.webrtcsteps.testing.EachBrowserPair;
import dev.webrtcsteps.testing.RelayChecks;
import dev.webrtcsteps.testing.TurnServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Step 2 with a real coturn and ICE_TRANSPORT_POLICY=relay: the pair chats through the relay, or says it cannot. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Step2RelayTest {

    private static final Pattern AN_ID = Pattern.compile("^[A-Za-z0-9_-]{22}$");

    @RegisterExtension
    @Order(1) // started first: the app's settings name its port
    static final TurnServer turn = new TurnServer();

    @RegisterExtension
    @Order(2)
    final AppServer app = new AppServer(() -> serverWith(turn.settings("relay")));

    @RegisterExtension
    final Browsers browsers = new Browsers();

    @EachBrowserPair
    void thePairChatsThroughTheTurnRelayAndNothingElse(BrowserKind first, BrowserKind second) {
        Page one = openUser(app, first);
        Page other = openUser(app, second);

        assertThat(one.locator("#status")).hasAttribute("data-state", "connected");
        one.locator("#text").fill("through the relay");
        one.locator("#send").click();
        assertThat(other.locator("#log li").last()).hasText("Peer:through the relay");
        RelayChecks.assertOnlyThroughTheRelay(one, "the first user");
        RelayChecks.assertOnlyThroughTheRelay(other, "the second user");
    }

    @EachBrowserPair
    void credentialsTheTurnServerRefusesEndInNoRoute(BrowserKind first, BrowserKind second) {
        Map<String, String> wrongSecret = new HashMap<>(turn.settings("relay"));
        wrongSecret.put("TURN_SECRET", "not-the-secret-coturn-has");
        try (AppServer refused = new AppServer(() -> serverWith(wrongSecret)).start()) {
            Page one = openUser(refused, first);
            Page other = openUser(refused, second);

            LocatorAssertions.HasAttributeOptions bounded = new LocatorAssertions.HasAttributeOptions().setTimeout(35_000);
            assertThat(one.locator("#status")).hasAttribute("data-state", "no-route", bounded);
            assertThat(other.locator("#status")).hasAttribute("data-state", "no-route", bounded);
            String otherId = other.locator("#my-id").textContent();
            assertThat(one.locator("#status")).hasText("could not connect to " + otherId + ": no route, even through the relay");
            assertThat(one.locator("#send")).isDisabled();
        }
    }

    private static io.javalin.Javalin serverWith(Map<String, String> settings) {
        return Step2App.create(new Heartbeat(Duration.ofSeconds(15)), OriginCheck.allowing(), IceServers.fromEnvironment(settings));
    }

    private Page openUser(AppServer server, BrowserKind browser) {
        Page page = browsers.newPage(browser);
        RelayChecks.watch(page);
        page.navigate(server.url("/"));
        assertThat(page.locator("#my-id")).hasText(AN_ID);
        return page;
    }
}
