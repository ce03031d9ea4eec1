package dev.webrtcsteps.step3;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.IceServers;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import dev.webrtcsteps.testing.EachBrowserPair;
import dev.webrtcsteps.testing.LogCapture;
import dev.webrtcsteps.testing.RelayChecks;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import dev.webrtcsteps.testing.TurnServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 3 with a real coturn (docs/turn.md): the server gives each user its own TURN credentials, and with
 * {@code ICE_TRANSPORT_POLICY=relay} two browsers chat only through the relay, in Chromium, Firefox and between
 * the two. With credentials coturn refuses, the pages say there is no route instead of waiting for ever.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Step3RelayTest {

    private static final Pattern AN_ID = Pattern.compile("^[A-Za-z0-9_-]{22}$");
    @RegisterExtension
    @Order(1) // started first: the app's settings name its port
    static final TurnServer turn = new TurnServer();

    private static Hub hub;

    @RegisterExtension
    @Order(2)
    static final AppServer app = new AppServer(() -> {
        hub = new Hub(Settings.DEFAULTS.withPerAddress(1_000, 1_000).withStatsToken(Step3Server.STATS_TOKEN)
                .withIceServers(IceServers.fromEnvironment(turn.settings("relay"))));
        return Step3App.create(hub, new Heartbeat(Settings.DEFAULTS.heartbeat()), OriginCheck.allowing());
    });

    @RegisterExtension
    final Browsers browsers = new Browsers();

    private record User(Page page, String name, String id) {
        Locator person(User other) {
            return page.locator("#people li[data-peer-id='" + other.id + "']");
        }
    }

    @EachBrowserPair
    void twoUsersChatThroughTheTurnRelayAndNothingElse(BrowserKind first, BrowserKind second) {
        String room = "relay-" + first + "-" + second;
        User ann = join(app, first, "Ann", room);
        User bob = join(app, second, "Bob", room);

        chat(ann, bob, "hello through the relay");
        chat(bob, ann, "and back");

        RelayChecks.assertOnlyThroughTheRelay(ann.page(), "Ann");
        RelayChecks.assertOnlyThroughTheRelay(bob.page(), "Bob");
        assertTrue(turn.usersRelayed().containsAll(List.of(ann.id(), bob.id())),
                "coturn logged an allocation for each user's own credentials: " + turn.usersRelayed());
    }

    @EachBrowserPair
    void credentialsTheTurnServerRefusesEndInNoRouteOnBothSidesAndTheServerIsFine(BrowserKind first, BrowserKind second) {
        Map<String, String> wrongSecret = new HashMap<>(turn.settings("relay"));
        wrongSecret.put("TURN_SECRET", "not-the-secret-coturn-has");
        try (AppServer refused = new AppServer(() -> Step3App.create(new Hub(Settings.DEFAULTS.withPerAddress(1_000, 1_000)
                .withIceServers(IceServers.fromEnvironment(wrongSecret))), new Heartbeat(Settings.DEFAULTS.heartbeat()),
                OriginCheck.allowing())).start()) {
            String room = "refused-" + first + "-" + second;
            User ann = join(refused, first, "Ann", room);
            User bob = join(refused, second, "Bob", room);

            ann.person(bob).locator("button").click();
            // Within the page's own bound (30 s) at most; refused credentials leave nothing to try, so it is seconds.
            LocatorAssertions.HasAttributeOptions bounded = new LocatorAssertions.HasAttributeOptions().setTimeout(35_000);
            assertThat(ann.person(bob).locator(".state")).hasAttribute("data-state", "no route", bounded);
            assertThat(ann.page().locator("#conversation-state"))
                    .hasText("could not connect to Bob: no route, even through the relay");
            assertThat(bob.person(ann).locator(".state")).hasAttribute("data-state", "no route", bounded);
            assertThat(ann.page().locator("#send")).isDisabled();
            assertFalse(turn.usersRelayed().contains(ann.id()), "coturn granted nothing to a wrong credential");

            try (Welcomed carol = SignalingClient.join(refused.webSocket("/signal?room=" + room + "&name=Carol"))) {
                assertEquals(2, carol.welcome().get("peers").size(), "the server goes on as before");
            }
        }
    }

    @Test
    void eachWelcomeBringsTheUsersOwnCredentialsAndTheSecretGoesNowhere() throws Exception {
        try (LogCapture log = new LogCapture();
                Welcomed ann = SignalingClient.join(app.webSocket("/signal?room=welcome&name=Ann"))) {
            JsonNode rtc = ann.welcome().get("rtcConfiguration");
            assertEquals("relay", rtc.get("iceTransportPolicy").asText());
            JsonNode server = rtc.at("/iceServers/0");
            assertEquals(turn.url(), server.at("/urls/0").asText());
            assertCredentialFor(ann.id(), server);

            // A page that reconnects gets new credentials with its new welcome: they never run out under an open page.
            ann.client().drop();
            try (SignalingClient back = SignalingClient.resume(app.webSocket("/signal?room=welcome"),
                    ann.welcome().get("resume").asText())) {
                JsonNode again = back.next("welcome");
                assertEquals(ann.id(), again.get("id").asText());
                assertCredentialFor(ann.id(), again.at("/rtcConfiguration/iceServers/0"));
            }
            String everything = log.text() + stats() + hub.settings();
            assertFalse(everything.contains(TurnServer.SECRET), "the TURN secret is in no log line, /stats or settings text");
        }
    }

    /** {@code EXPIRY:ID}, expiring a day from now, with coturn's HMAC of it as the password. */
    private static void assertCredentialFor(String id, JsonNode server) throws Exception {
        String username = server.get("username").asText();
        assertTrue(username.endsWith(":" + id), username);
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        long inADay = Instant.now().plus(IceServers.DEFAULT_CREDENTIAL_TTL).getEpochSecond();
        assertTrue(Math.abs(expiry - inADay) <= 5, "expires " + expiry + ", a day from now is " + inADay);
        Mac hmac = Mac.getInstance("HmacSHA1");
        hmac.init(new SecretKeySpec(TurnServer.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        assertEquals(Base64.getEncoder().encodeToString(hmac.doFinal(username.getBytes(StandardCharsets.UTF_8))),
                server.get("credential").asText());
    }

    private static String stats() throws Exception {
        HttpResponse<String> stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.url("/stats")))
                .header("Authorization", "Bearer " + Step3Server.STATS_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stats.statusCode());
        return stats.body();
    }

    private User join(AppServer server, BrowserKind browser, String name, String room) {
        Page page = browsers.newPage(browser);
        RelayChecks.watch(page);
        page.navigate(server.url("/?room=" + room + "&name=" + name));
        assertThat(page.locator("#my-id")).hasText(AN_ID);
        return new User(page, name, page.locator("#my-id").textContent());
    }

    private static void chat(User from, User to, String text) {
        from.person(to).locator("button").click();
        assertThat(from.page().locator("#send")).isEnabled();
        from.page().locator("#text").fill(text);
        from.page().locator("#send").click();
        assertThat(to.page().locator(".log[data-peer-id='" + from.id() + "'] li").last()).containsText(from.name() + ":" + text);
    }
}
