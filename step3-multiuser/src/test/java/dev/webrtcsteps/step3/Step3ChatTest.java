package dev.webrtcsteps.step3;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.webrtcsteps.step3.PageUser.chat;
import static dev.webrtcsteps.step3.PageUser.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.AxeChecks;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import dev.webrtcsteps.testing.EachBrowser;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 3 as a chat app, in Chromium and Firefox: a reload keeps who you are and what was said, a duplicated tab does
 * not take your id, a phone shows one conversation with its message box on screen, everything works from the
 * keyboard, and messages say when they were sent and how far they got.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Step3ChatTest {

    @RegisterExtension
    static final AppServer app = new AppServer(() -> Step3App.create(new Hub(Settings.DEFAULTS.withPerAddress(1_000, 1_000)),
            new Heartbeat(Settings.DEFAULTS.heartbeat()), OriginCheck.allowing()));

    @RegisterExtension
    final Browsers browsers = new Browsers();

    private int rooms;

    @EachBrowser
    void aReloadedPageKeepsItsIdItsConversationAndItsChat(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        PageUser bob = join(browser, "Bob", room);
        chat(alice, bob, "before the reload");
        chat(bob, alice, "me too");

        bob.page().reload();

        assertThat(bob.page().locator("#my-id")).hasText(bob.id()); // the same id, within the grace period
        assertThat(bob.conversationWith(alice)).hasCount(2); // the conversation, kept in the tab
        assertThat(bob.conversationWith(alice).first()).containsText("Alice:before the reload");
        assertThat(bob.person(alice).locator(".state")).hasText("connected"); // the chat reconnected by itself
        assertThat(alice.page().locator("#people li")).hasCount(1); // one entry for Bob, online
        assertThat(alice.person(bob).locator(".presence")).hasText("online");
        chat(bob, alice, "after the reload");
        chat(alice, bob, "welcome back");
        assertThat(alice.conversationWith(bob)).hasCount(4);
    }

    @EachBrowser
    void aDuplicatedTabJoinsAsSomeoneNewAndTheOriginalKeepsItsId(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        PageUser bob = join(browser, "Bob", room);
        chat(alice, bob, "hello");

        // A duplicated tab starts with a copy of the original's sessionStorage, and loads the same address.
        Object storage = bob.page().evaluate("() => JSON.stringify(Object.entries(sessionStorage))");
        Page twin = bob.page().context().newPage();
        twin.addInitScript("for (const [key, value] of " + storage + ") sessionStorage.setItem(key, value);");
        twin.navigate(bob.page().url());

        assertThat(twin.locator("#my-id")).hasText(PageUser.AN_ID);
        assertNotEquals(bob.id(), twin.locator("#my-id").textContent(), "the twin is someone new");
        assertThat(alice.page().locator("#people li")).hasCount(2);
        assertThat(bob.page().locator("#my-id")).hasText(bob.id());
        chat(alice, bob, "still you");
    }

    @EachBrowser
    void onAPhoneOneConversationFillsTheScreenWithItsMessageBoxInView(BrowserKind browser) {
        String room = newRoom();
        Page phone = browsers.newPage(browser);
        phone.setViewportSize(360, 740); // the narrowest phone the layout is for
        PageUser alice = PageUser.join(phone, app, "Alice", room);
        PageUser bob = join(browser, "Bob", room);
        phone.bringToFront(); // the page in front has the focus (Firefox gives it to one page at a time)

        assertThat(phone.locator("#people")).isVisible();
        assertThat(phone.locator("#text")).isHidden(); // no conversation yet: the list
        alice.person(bob).locator("button").click();
        assertThat(phone.locator("#people")).isHidden();
        assertThat(phone.locator("#text")).isInViewport();
        assertThat(phone.locator("#text")).isFocused();
        for (int i = 1; i <= 30; i++) { // more than the screen holds
            send(alice, "message " + i);
        }
        assertThat(phone.locator("#text")).isInViewport();
        assertThat(bob.conversationWith(alice)).hasCount(30);

        phone.keyboard().press("Escape");
        assertThat(phone.locator("#people")).isVisible();
        assertThat(alice.person(bob).locator("button")).isFocused();
        alice.person(bob).locator("button").click();
        phone.locator("#back").click();
        assertThat(phone.locator("#people")).isVisible();
    }

    @EachBrowser
    void everythingWorksFromTheKeyboard(BrowserKind browser) {
        String room = newRoom();
        PageUser bob = join(browser, "Bob", room);
        PageUser carol = join(browser, "Carol", room);
        Page page = browsers.newPage(browser);
        page.context().addInitScript(PageUser.probeScript());
        page.navigate(app.url("/"));
        page.bringToFront();

        page.keyboard().press("Tab");
        assertThat(page.locator("#name-input")).isFocused();
        page.keyboard().type("Alice");
        page.keyboard().press("Tab");
        assertThat(page.locator("#room-input")).isFocused();
        page.keyboard().type(room);
        page.keyboard().press("Enter"); // joins
        assertThat(page.locator("#my-name")).hasText("Alice");
        PageUser alice = new PageUser(page, "Alice", page.locator("#my-id").textContent());

        tabTo(page, "Tab", alice.person(bob).locator("button"));
        page.keyboard().press("Enter");
        assertThat(page.locator("#text")).isFocused(); // the conversation opened, ready to type
        assertThat(page.locator("#send")).isEnabled();
        page.keyboard().type("hello Bob, from the keyboard");
        page.keyboard().press("Enter");
        assertThat(bob.conversationWith(alice).last()).containsText("Alice:hello Bob, from the keyboard");

        tabTo(page, "Shift+Tab", alice.person(carol).locator("button")); // back from the message box
        page.keyboard().press("Enter");
        assertThat(page.locator("#text")).isFocused();
        assertThat(page.locator("#send")).isEnabled();
        page.keyboard().type("and hello Carol");
        page.keyboard().press("Enter");
        assertThat(carol.conversationWith(alice).last()).containsText("Alice:and hello Carol");
        assertThat(alice.conversationWith(carol)).hasCount(1);
        assertThat(alice.conversationWith(bob)).hasCount(1);
    }

    @EachBrowser
    void messagesShowWhoWhenAndHowFarTheyGotAndTypingShows(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        PageUser bob = join(browser, "Bob", room);
        assertThat(alice.page().locator("#empty")).isVisible(); // nobody picked: no message box yet
        assertThat(alice.page().locator("#text")).isHidden();

        chat(alice, bob, "are you there?");
        Locator mine = alice.conversationWith(bob).last();
        assertThat(mine).hasAttribute("data-receipt", "delivered"); // Bob has not opened it yet
        assertThat(mine.locator(".receipt")).hasText("delivered");
        assertThat(mine).hasClass("mine");
        assertThat(mine.locator("time")).hasAttribute("datetime", Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT"));
        assertThat(bob.conversationWith(alice).last()).hasClass("theirs");
        assertThat(bob.person(alice).locator(".badge .visually-hidden")).hasText("1 unread message from Alice");

        bob.person(alice).locator("button").click(); // Bob reads it
        assertThat(mine).hasAttribute("data-receipt", "read");
        assertThat(mine.locator(".receipt")).hasText("read");

        bob.page().locator("#text").pressSequentially("typ");
        assertThat(alice.page().locator("#typing")).isVisible();
        assertThat(alice.page().locator("#typing")).hasText("Bob is typing…");
        assertThat(alice.page().locator("#typing")).isHidden(new LocatorAssertions.IsHiddenOptions().setTimeout(10_000)); // gone a few seconds after the last sign of typing
    }

    @EachBrowser
    void anOverlongMessageFromAPeerIsCutAndSaysSoAndNamesCountAsTheServerCounts(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        PageUser bob = join(browser, "Bob", room);
        chat(alice, bob, "hi");

        // A page that does not keep to the limit: 200,000 characters in one message.
        alice.page().evaluate("() => window.__probe.channels[0].send(JSON.stringify({ type: 'chat', number: 99, "
                + "text: 'x'.repeat(200000) }))");
        Locator cut = bob.conversationWith(alice).last();
        assertThat(cut.locator(".cut")).hasText("(cut: 196000 more characters were not shown)");
        assertEquals(4000, ((Number) cut.locator(".text").evaluate("text => [...text.textContent].length")).intValue());

        // 40 emoji: the server allows 32 characters in a name, and so does the name box (not 16, as UTF-16 would).
        alice.page().locator("#name-input").fill("😀".repeat(40));
        assertEquals(32, ((Number) alice.page().locator("#name-input")
                .evaluate("input => [...input.value].length")).intValue());
    }

    @EachBrowser
    void aRefusedPageSaysWhyAndShowsNoRoom(BrowserKind browser) {
        Page page = browsers.newPage(browser);
        page.navigate(app.url("/?room=" + newRoom() + "&name=" + "n".repeat(40))); // over 32 characters: refused

        assertThat(page.locator("#status")).hasAttribute("data-state", "refused");
        assertThat(page.locator("#error")).containsText("bad-name");
        assertThat(page.locator(".you")).isHidden();
        assertThat(page.locator("#alone")).isHidden();
        assertThat(page.locator("#name-input")).isVisible(); // to try another name
    }

    @EachBrowser
    void axeFindsNothingAloneChattingRefusedOrOnAPhone(BrowserKind browser) {
        String room = newRoom();
        PageUser alice = join(browser, "Alice", room);
        AxeChecks.assertNoViolations(alice.page(), "step 3, alone in a room");
        PageUser bob = join(browser, "Bob", room);
        chat(alice, bob, "hello");
        chat(bob, alice, "hello back");
        alice.page().locator("#text").pressSequentially("typ"); // Bob sees "typing"
        assertThat(bob.page().locator("#typing")).isVisible();
        AxeChecks.assertNoViolations(alice.page(), "step 3, chatting");
        AxeChecks.assertNoViolations(bob.page(), "step 3, chatting, the other side");

        Page phone = browsers.newPage(browser);
        phone.setViewportSize(390, 844);
        PageUser carol = PageUser.join(phone, app, "Carol", room);
        AxeChecks.assertNoViolations(phone, "step 3, a phone, the list of people");
        carol.person(alice).locator("button").click();
        send(carol, "from a phone");
        AxeChecks.assertNoViolations(phone, "step 3, a phone, a conversation");

        Page refused = browsers.newPage(browser);
        refused.navigate(app.url("/?room=" + room + "&name=" + "n".repeat(40)));
        assertThat(refused.locator("#status")).hasAttribute("data-state", "refused");
        AxeChecks.assertNoViolations(refused, "step 3, refused");
    }

    /** Presses {@code key} (Tab or Shift+Tab) until {@code target} has the focus; fails after 15 presses. */
    private static void tabTo(Page page, String key, Locator target) {
        for (int i = 0; i < 15; i++) {
            if ((Boolean) target.evaluate("element => element === document.activeElement")) {
                return;
            }
            page.keyboard().press(key);
        }
        throw new AssertionError("Could not reach " + target + " with " + key);
    }

    private String newRoom() {
        return "chat-" + (++rooms) + "-" + System.nanoTime();
    }

    private PageUser join(BrowserKind browser, String name, String room) {
        return PageUser.join(browsers, app, browser, name, room);
    }
}
