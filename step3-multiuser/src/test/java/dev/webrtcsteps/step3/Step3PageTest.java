package dev.webrtcsteps.step3;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.webrtcsteps.step3.PageUser.chat;
import static dev.webrtcsteps.step3.PageUser.send;
import static dev.webrtcsteps.testing.PageChecks.assertTabIconIsServed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import dev.webrtcsteps.testing.EachBrowser;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 3 in real browsers: several users (one BrowserContext each) in a room of the real server. A probe
 * script in each page counts RTCPeerConnections and offers, and can hold signaling messages or receipts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Step3PageTest {

    /** Reconnecting waits up to 10 s between tries (exponential backoff). */
    private static final LocatorAssertions.HasAttributeOptions LONG_WAIT = new LocatorAssertions.HasAttributeOptions().setTimeout(20_000);
    /** A page that goes away (a closed tab, a reload) keeps its place this long: short here, so tests see it leave. */
    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final LocatorAssertions.HasAttributeOptions GRACE_WAIT = new LocatorAssertions.HasAttributeOptions().setTimeout(15_000);
    private static final LocatorAssertions.HasTextOptions GRACE_TEXT_WAIT = new LocatorAssertions.HasTextOptions().setTimeout(15_000);

    /** The server's hub, to drop a page's connection as a network failure would. */
    private static Hub hub;

    @RegisterExtension
    static final AppServer app = new AppServer(() -> {
        // Every page and client of these tests comes from this machine's one address: lift its join rate.
        hub = new Hub(Settings.DEFAULTS.withPerAddress(1_000, 1_000).withResumeGrace(GRACE));
        return Step3App.create(hub, new Heartbeat(Settings.DEFAULTS.heartbeat()), OriginCheck.allowing());
    });

    @RegisterExtension
    final Browsers browsers = new Browsers();

    private int rooms;

    @EachBrowser
    void threeUsersChatPairwiseInBothDirections(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        PageUser bob = join(browser, "Bob", room);
        PageUser carol = join(browser, "Carol", room);
        assertTabIconIsServed(carol.page());
        for (PageUser user : List.of(alice, bob, carol)) {
            assertThat(user.page().locator("#people li")).hasCount(2);
        }

        for (List<PageUser> pair : List.of(List.of(alice, bob), List.of(bob, carol), List.of(carol, alice))) {
            PageUser caller = pair.get(0);
            PageUser callee = pair.get(1);
            chat(caller, callee, caller.name() + " to " + callee.name());
            chat(callee, caller, callee.name() + " back to " + caller.name());
        }
        for (PageUser user : List.of(alice, bob, carol)) {
            assertEquals(2, user.probe("connections"), user.name() + " needs one connection per other user");
        }
    }

    @EachBrowser
    void theReplyReusesTheConnectionWithoutRenegotiating(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        PageUser bob = join(browser, "Bob", room);

        chat(alice, bob, "hello Bob");
        chat(bob, alice, "hello Alice");
        chat(alice, bob, "how are you?");

        assertOneConnectionEach(alice, bob);
        assertEquals(1, alice.probe("offers"), "Alice called, so she made the only offer");
        assertEquals(0, bob.probe("offers"), "Bob's reply must not renegotiate");
    }

    @EachBrowser
    void twoUsersClickingEachOtherAtOnceEndWithOneConnection(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        PageUser bob = join(browser, "Bob", room);
        // Hold what the server relays, so that both offers are made before either arrives: a real collision.
        alice.page().evaluate("() => { window.__probe.holding = true; }");
        bob.page().evaluate("() => { window.__probe.holding = true; }");

        alice.person(bob).locator("button").click();
        bob.person(alice).locator("button").click();
        waitFor(alice, "window.__probe.offers === 1");
        waitFor(bob, "window.__probe.offers === 1");
        alice.page().evaluate("() => window.__probe.release()");
        bob.page().evaluate("() => window.__probe.release()");

        assertThat(alice.person(bob).locator(".state")).hasText("connected");
        assertThat(bob.person(alice).locator(".state")).hasText("connected");
        chat(alice, bob, "we both called");
        chat(bob, alice, "and it worked");
        assertOneConnectionEach(alice, bob);
    }

    @EachBrowser
    void aLeavingPeerIsMarkedOfflineAndAnUnacknowledgedMessageNotDelivered(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        PageUser bob = join(browser, "Bob", room);
        chat(alice, bob, "first, delivered");
        bob.page().evaluate("() => { window.__probe.dropReceipts = true; }");

        send(alice, "second, never acknowledged");
        assertThat(bob.conversationWith(alice).last()).containsText("Alice:second, never acknowledged");
        Locator unacknowledged = alice.conversationWith(bob).filter(new Locator.FilterOptions().setHasText("second"));
        assertThat(unacknowledged).hasAttribute("data-receipt", "sent");

        bob.page().context().close();

        // A closed tab looks like a reload at first (its page may come back): it leaves after the grace period.
        assertThat(alice.person(bob)).hasAttribute("data-online", "false", GRACE_WAIT);
        assertThat(alice.person(bob).locator(".presence")).hasText("left");
        assertThat(alice.person(bob).locator(".state")).hasText("offline");
        assertThat(unacknowledged).hasAttribute("data-receipt", "not-delivered");
        assertThat(alice.conversationWith(bob).first()).containsText("You:first, delivered");
        assertThat(alice.conversationWith(bob).first()).hasAttribute("data-receipt", "delivered");
        assertThat(alice.conversationWith(bob).last()).hasText("Bob left the room.");
        assertThat(alice.page().locator("#send")).isDisabled();
    }

    /**
     * A name and a message that are HTML stay text wherever the page shows them: in the people list, the
     * conversation's title, the messages, and the note when that person leaves. Nothing runs, and no element
     * the peer wrote exists in the page.
     */
    @EachBrowser
    void messagesAndNamesAreShownAsTextAndRunNothing(BrowserKind browser) {
        String room = newRoom();
        String name = "<img src=x onerror=alert(1)>"; // 28 characters: within the 32 a name may have
        String attack = "<img src=x onerror=\"window.injected = true\">";
        PageUser mallory = join(browser, name, room);
        PageUser bob = join(browser, "Bob", room);
        List<String> dialogs = new ArrayList<>();
        bob.page().onDialog(dialog -> {
            dialogs.add(dialog.message());
            dialog.dismiss();
        });
        assertThat(bob.person(mallory).locator(".name")).hasText(name);

        chat(bob, mallory, "hello");
        chat(mallory, bob, attack);
        assertThat(bob.page().locator("#conversation-title")).hasText("Chat with " + name + " id " + tag(mallory.id()));
        mallory.page().context().close();
        assertThat(bob.page().locator(".log .note")).hasText(name + " left the room.", GRACE_TEXT_WAIT);

        assertThat(bob.page().locator("img")).hasCount(0);
        assertEquals(false, bob.page().evaluate("() => window.injected === true"));
        assertEquals(List.of(), dialogs);
    }

    @EachBrowser
    void unreadMessagesAreCountedInTheOtherConversations(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        PageUser bob = join(browser, "Bob", room);
        PageUser carol = join(browser, "Carol", room);
        chat(alice, carol, "hi Carol");
        chat(alice, bob, "hi Bob, now I look at you");

        carol.person(alice).locator("button").click();
        send(carol, "two");
        send(carol, "three");

        Locator badge = alice.person(carol).locator(".badge");
        assertThat(badge.locator("[aria-hidden]")).hasText("2");
        assertThat(badge.locator(".visually-hidden")).hasText("2 unread messages from Carol");
        assertThat(alice.person(bob).locator(".badge")).isHidden();
        alice.person(carol).locator("button").click();
        assertThat(badge).isHidden();
        assertThat(alice.conversationWith(carol)).hasCount(3);
    }

    @EachBrowser
    void anIceFailureRestartsIceOnTheSameConnectionAndTheChatGoesOn(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        PageUser bob = join(browser, "Bob", room);
        chat(alice, bob, "before the network changed");
        assertEquals(1, alice.probe("offers"));

        alice.page().evaluate("() => window.__probe.failIce()");

        waitFor(alice, "window.__probe.offers === 2"); // restartIce() renegotiates: a new offer, new ICE credentials
        assertThat(alice.person(bob).locator(".state")).hasText("connected");
        chat(alice, bob, "after the ICE restart");
        chat(bob, alice, "still here");
        assertOneConnectionEach(alice, bob);
    }

    @EachBrowser
    void aPageWhoseConnectionDropsResumesWithItsIdAndItsPeersSeeNoLeave(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        PageUser bob = join(browser, "Bob", room);
        chat(alice, bob, "before the drop");

        hub.connectionOf(alice.id()).session().disconnect();

        waitFor(alice, "window.__probe.sockets === 2");
        assertThat(alice.page().locator("#status")).hasAttribute("data-state", "online");
        assertThat(alice.page().locator("#my-id")).hasText(alice.id());
        hub.connectionOf(alice.id()).session().disconnect(); // again: the token is new after each use
        waitFor(alice, "window.__probe.sockets === 3");
        assertThat(alice.page().locator("#status")).hasAttribute("data-state", "online");
        assertThat(alice.page().locator("#my-id")).hasText(alice.id());
        assertEquals(0, alice.probe("tokensInUrls"), "the token travels in the first message, never in the URL");
        assertThat(bob.person(alice)).hasAttribute("data-online", "true");
        assertThat(bob.page().locator(".log .note")).hasCount(0);
        assertEquals(1, bob.probe("sockets"));
        PageUser carol = join(browser, "Carol", room); // the server's presence is intact too
        assertThat(carol.page().locator("#people li")).hasCount(2);
        chat(bob, alice, "after the drop");
        chat(alice, carol, "hello Carol");
    }

    /**
     * signaling.js keeps the signals a page sends while its connection is down, and sends them once it is back
     * with the same id. The helper runs alone here (imported into a page), with a protocol client as the peer:
     * it sends its signal from its reconnecting callback, when the socket is closed for sure.
     */
    @EachBrowser
    void signalsSentWhileTheConnectionIsDownGoOutWhenItResumes(BrowserKind browser) {
        String room = newRoom();
        try (Welcomed bob = SignalingClient.join(app.webSocket("/signal?room=" + PageUser.encode(room) + "&name=Bob"))) {
            Page page = browsers.newPage(browser);
            page.navigate(app.url("/?room=" + PageUser.encode(newRoom())));
            page.evaluate("""
                    async ([room, bobId]) => {
                      const { connectSignaling } = await import('/signaling.js');
                      window.__welcomes = [];
                      let sent = false;
                      const ignore = () => {};
                      const signaling = connectSignaling(`/signal?room=${encodeURIComponent(room)}&name=Alice`, {
                        welcome: ({ id }) => window.__welcomes.push(id),
                        'peer-joined': ignore, 'peer-left': ignore, signal: ignore, error: ignore,
                      }, () => {
                        if (!sent) signaling.signal(bobId, { candidate: null });
                        sent = true;
                      });
                    }""", List.of(room, bob.id()));
            page.waitForFunction("() => window.__welcomes.length === 1");
            String aliceId = (String) page.evaluate("() => window.__welcomes[0]");
            assertEquals(aliceId, bob.client().next("peer-joined").at("/peer/id").asText());

            hub.connectionOf(aliceId).session().disconnect();

            page.waitForFunction("() => window.__welcomes.length === 2");
            assertEquals(aliceId, page.evaluate("() => window.__welcomes[1]"), "back with the same id");
            assertEquals(aliceId, bob.client().next("signal").get("from").asText(), "the signal sent while away");
        }
    }

    @EachBrowser
    void openChatsGoOnWhileTheServerIsDownAndPagesReconnectWhenItIsBack(BrowserKind browser) {
        String room = newRoom();
        chatThroughARestart(join(browser, "Alice", room), join(browser, "Bob", room), browser, room);
    }

    /** The same with a Chromium user and a Firefox user: each proves its new id to the other's browser. */
    @Test
    void chromiumAndFirefoxUsersChatThroughAServerRestart() {
        assumeTrue(BrowserKind.CHROMIUM.isSelected() && BrowserKind.FIREFOX.isSelected(),
                "the interop test needs both browsers (-Dbrowsers=chromium,firefox)");
        String room = newRoom();
        chatThroughARestart(join(BrowserKind.CHROMIUM, "Chromium user", room), join(BrowserKind.FIREFOX, "Firefox user", room),
                BrowserKind.CHROMIUM, room);
    }

    /**
     * The server stops while two pages chat, and starts again: the chat goes on, and each page files the other
     * under its new id (once the other proved it, recovery.js), with one entry per person.
     */
    private void chatThroughARestart(PageUser alice, PageUser bob, BrowserKind carolsBrowser, String room) {
        chat(alice, bob, "before the restart");

        app.stop();
        for (PageUser user : List.of(alice, bob)) {
            assertThat(user.page().locator("#status")).hasAttribute("data-state", "reconnecting");
        }
        chat(alice, bob, "while the server is down");
        chat(bob, alice, "peer to peer, no server needed");

        app.startAgain();
        for (PageUser user : List.of(alice, bob)) {
            assertThat(user.page().locator("#status")).hasAttribute("data-state", "online", LONG_WAIT);
            assertThat(user.page().locator("#my-id")).not().hasText(user.id()); // a new server, new ids
        }
        PageUser aliceNow = again(alice);
        PageUser bobNow = again(bob);
        assertNotEquals(alice.id(), aliceNow.id());
        // One entry per person, under the new id, with the open chat still in it.
        assertThat(aliceNow.page().locator("#people li")).hasCount(1);
        assertThat(aliceNow.person(bobNow)).hasAttribute("data-online", "true");
        assertThat(bobNow.page().locator("#people li")).hasCount(1);
        assertThat(bobNow.person(aliceNow)).hasAttribute("data-online", "true");
        chat(aliceNow, bobNow, "after the restart");
        chat(bobNow, aliceNow, "same connection");
        assertThat(bobNow.conversationWith(aliceNow)).hasCount(5);
        assertOneConnectionEach(alice, bob);
        assertThat(aliceNow.person(bobNow).locator(".tag")).hasText("id " + tag(bobNow.id())); // the new id's tag
        PageUser carol = join(carolsBrowser, "Carol", room);
        assertThat(carol.page().locator("#people li")).hasCount(2);
    }

    /**
     * Mallory, a real page of the app, tells Bob over her chat channel that she is Carol now (as a page does after a
     * server restart), and tries to get a proof for it: she tells Carol that she is Bob, so that Carol sends Bob the
     * fingerprint of her certificate on the connection with Mallory, and she renegotiates with Bob naming that very
     * fingerprint in her SDP. Neither Bob nor Carol believes her: the proof names a certificate that Mallory's DTLS
     * connection does not use. Without the check, Bob would file Mallory under Carol's id and forget Carol.
     */
    @EachBrowser
    void aForgedMovedCannotMakeAPageRefileOrForgetSomeoneElse(BrowserKind browser) {
        String room = newRoom();
        PageUser bob = join(browser, "Bob", room);
        PageUser carol = join(browser, "Carol", room);
        PageUser mallory = join(browser, "Mallory", room);
        chat(bob, carol, "hello Carol");
        chat(mallory, bob, "hello Bob"); // Mallory's first connection and channel: to Bob
        chat(mallory, carol, "hello Carol"); // her second: to Carol

        mallory.page().evaluate("carolId => window.__probe.channels[0].send(JSON.stringify({ type: 'moved', id: carolId }))",
                carol.id());
        chat(mallory, bob, "now I am Carol"); // over the same channel: Bob has read the claim when this arrives
        assertThat(bob.person(carol).locator(".name")).hasText("Carol");
        assertThat(bob.person(mallory).locator(".name")).hasText("Mallory");
        String carolsCertificate = (String) mallory.page().evaluate("""
                async (bobId) => {
                  const [toBob, toCarol] = window.__probe.peerConnections;
                  const carols = toCarol.remoteDescription.sdp.match(/a=fingerprint:[^\\r\\n]*/)[0];
                  const offer = await toBob.createOffer();
                  await toBob.setLocalDescription(offer);
                  const sdp = offer.sdp.replace(/a=fingerprint:[^\\r\\n]*/g, carols);
                  window.__probe.socket.send(JSON.stringify({ type: 'signal', to: bobId, data: { description: { type: 'offer', sdp } } }));
                  return carols;
                }""", bob.id());
        bob.page().waitForFunction("certificate => window.__probe.peerConnections.some("
                + "(pc) => pc.remoteDescription?.sdp.includes(certificate))", carolsCertificate);
        mallory.page().evaluate("bobId => window.__probe.channels[1].send(JSON.stringify({ type: 'moved', id: bobId }))",
                bob.id());
        waitFor(bob, "window.__probe.fingerprints >= 1"); // Carol's proof, for her connection with Mallory
        waitFor(carol, "window.__probe.fingerprints >= 1"); // Bob's, for his connection with Mallory
        for (PageUser victim : List.of(bob, carol)) { // each has checked it against the certificate it sees
            waitFor(victim, "window.__probe.certificateLookups >= 1 && window.__probe.pendingHashes === 0");
        }

        for (PageUser victim : List.of(bob, carol)) {
            assertThat(victim.page().locator("#people li")).hasCount(2);
            assertThat(victim.person(mallory).locator(".name")).hasText("Mallory");
        }
        assertThat(bob.person(carol).locator(".name")).hasText("Carol");
        assertThat(carol.person(bob).locator(".name")).hasText("Bob");
        assertThat(bob.conversationWith(carol)).hasCount(1);
        chat(bob, carol, "are you still you?");
        chat(carol, bob, "yes");
    }

    /** 60 users who join and leave without a word (raw protocol clients) leave no entry in the list. */
    @EachBrowser
    void peopleWhoComeAndGoWithoutAWordLeaveNoEntries(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        for (int i = 0; i < 60; i++) {
            // Waits for the server's answer: a close aborted at once may reach it as a drop, kept for the grace period.
            SignalingClient.join(app.webSocket("/signal?room=" + PageUser.encode(room) + "&name=Flapper")).client().closeAndWait();
        }
        try (Welcomed last = SignalingClient.join(app.webSocket("/signal?room=" + PageUser.encode(room) + "&name=Last"))) {
            // The page handles the server's messages in order: once Last is listed, every flapper came and went.
            assertThat(alice.page().locator("#people li[data-peer-id='" + last.id() + "']")).hasCount(1);
            assertThat(alice.page().locator("#people li")).hasCount(1);
        }
        assertThat(alice.page().locator("#people li")).hasCount(0);
        assertThat(alice.page().locator("#alone")).isVisible();
    }

    /** Two "Bob"s and a Cyrillic "Воb" each show the start of their own id, with an accessible label. */
    @EachBrowser
    void sameAndLookAlikeNamesAreToldApartByTheirIdTags(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        List<Welcomed> bobs = new ArrayList<>();
        try {
            for (String name : List.of("Bob", "Bob", "Воb")) {
                bobs.add(SignalingClient.join(app.webSocket("/signal?room=" + PageUser.encode(room) + "&name=" + PageUser.encode(name))));
            }
            Set<String> tags = new HashSet<>();
            for (Welcomed bob : bobs) {
                Locator item = alice.page().locator("#people li[data-peer-id='" + bob.id() + "']");
                assertThat(item.locator(".tag")).hasText("id " + tag(bob.id()));
                assertThat(item.locator(".tag")).hasAttribute("title", "id " + bob.id());
                tags.add(item.locator(".tag").textContent());
            }
            assertEquals(3, tags.size(), "each Bob has a tag of his own: " + tags);
            Welcomed secondBob = bobs.get(1);
            Locator button = alice.page().getByRole(AriaRole.BUTTON,
                    new Page.GetByRoleOptions().setName("Bob id " + tag(secondBob.id())));
            assertThat(button).hasCount(1);
            button.click();
            assertThat(alice.page().locator("#conversation-title")).hasText("Chat with Bob id " + tag(secondBob.id()));
        } finally {
            bobs.forEach(Welcomed::close);
        }
    }

    @Test
    void chromiumAndFirefoxUsersChatWithEachOther() {
        assumeTrue(BrowserKind.CHROMIUM.isSelected() && BrowserKind.FIREFOX.isSelected(),
                "the interop test needs both browsers (-Dbrowsers=chromium,firefox)");
        String room = newRoom();
        PageUser chromium = join(BrowserKind.CHROMIUM, "Chromium user", room);
        PageUser firefox = join(BrowserKind.FIREFOX, "Firefox user", room);

        chat(chromium, firefox, "hello from Chromium");
        chat(firefox, chromium, "hello from Firefox");
        chat(chromium, firefox, "same connection both ways");
        assertOneConnectionEach(chromium, firefox);
    }

    /** The start of an id, as the page shows it next to a name. */
    private static String tag(String id) {
        return id.substring(0, 4);
    }

    /** The user in the same page, with the id the page shows now. */
    private static PageUser again(PageUser user) {
        return new PageUser(user.page(), user.name(), user.page().locator("#my-id").textContent());
    }

    /** Each test has a room of its own on the shared server. */
    private String newRoom() {
        return "test-" + getClass().getSimpleName() + "-" + (++rooms) + "-" + System.nanoTime();
    }

    private PageUser join(BrowserKind browser, String name, String room) {
        return PageUser.join(browsers, app, browser, name, room);
    }

    /** Each of these users has made exactly one RTCPeerConnection: the pair's one, reused. */
    private static void assertOneConnectionEach(PageUser... users) {
        for (PageUser user : users) {
            assertEquals(1, user.probe("connections"), user.name() + " should have one connection");
        }
    }

    private static void waitFor(PageUser user, String condition) {
        user.page().waitForFunction("() => " + condition);
    }
}
