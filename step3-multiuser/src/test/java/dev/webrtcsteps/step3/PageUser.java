package dev.webrtcsteps.step3;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A user of step 3's page in a real browser, for the page tests: the page, the name it chose and the id the server
 * gave it. A probe script in each page ({@code page-probe.js}) counts its connections and offers, and can hold
 * signals or swallow receipts.
 */
record PageUser(Page page, String name, String id) {

    static final Pattern AN_ID = Pattern.compile("^[A-Za-z0-9_-]{22}$");

    /** Opens step 3's page as a new user (a BrowserContext of its own) who joins {@code room} as {@code name}. */
    static PageUser join(Browsers browsers, AppServer app, BrowserKind browser, String name, String room) {
        Page page = browsers.newPage(browser);
        return join(page, app, name, room);
    }

    /** The same, in a page made already (say, at a phone's size). */
    static PageUser join(Page page, AppServer app, String name, String room) {
        page.context().addInitScript(probeScript());
        page.navigate(app.url("/?room=" + encode(room) + "&name=" + encode(name)));
        assertThat(page.locator("#my-id")).hasText(AN_ID);
        assertThat(page.locator("#my-name")).hasText(name);
        return new PageUser(page, name, page.locator("#my-id").textContent());
    }

    Locator person(PageUser other) {
        return page.locator("#people li[data-peer-id='" + other.id + "']");
    }

    /** The messages of this user's conversation with {@code other}, and notes such as "left the room". */
    Locator conversationWith(PageUser other) {
        return page.locator(".log[data-peer-id='" + other.id + "'] li");
    }

    int probe(String counter) {
        return ((Number) page.evaluate("() => window.__probe." + counter)).intValue();
    }

    /** {@code from} opens the conversation with {@code to} and sends; {@code to} gets it, {@code from} the receipt. */
    static void chat(PageUser from, PageUser to, String text) {
        from.person(to).locator("button").click();
        send(from, text);
        assertThat(to.conversationWith(from).last()).containsText(from.name() + ":" + text);
        assertThat(from.conversationWith(to).last()).hasAttribute("data-receipt", Pattern.compile("delivered|read"));
    }

    /** Sends in the open conversation, once it can. */
    static void send(PageUser from, String text) {
        assertThat(from.page().locator("#send")).isEnabled();
        from.page().locator("#text").fill(text);
        from.page().locator("#send").click();
        assertThat(from.page().locator(".log:not([hidden]) li").last()).containsText("You:" + text);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static Path probeScript() {
        try {
            return Path.of(PageUser.class.getResource("/page-probe.js").toURI());
        } catch (URISyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
