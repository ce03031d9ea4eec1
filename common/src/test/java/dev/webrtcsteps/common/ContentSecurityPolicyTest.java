package dev.webrtcsteps.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import dev.webrtcsteps.testing.EachBrowser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The policy StepServer sends, in real browsers: it lets a page connect its WebSocket to its own server, blocks
 * inline script and foreign images, and {@link Browsers} sees every violation (so the steps' page tests, which
 * fail on any, cannot pass because nobody was watching).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContentSecurityPolicyTest {

    @RegisterExtension
    static final AppServer app = new AppServer(() -> StepServer.create("test-page", HostCheck.allowing(), config -> {
        config.routes.wsBeforeUpgrade("/echo", OriginCheck.allowing()::check);
        config.routes.ws("/echo", ws -> ws.onMessage(ctx -> ctx.send(ctx.message())));
    }));

    @RegisterExtension
    final Browsers browsers = new Browsers();

    @EachBrowser
    void connectSrcSelfLetsThePageOpenAWebSocketToItsOwnServer(BrowserKind browser) {
        Page page = browsers.newPage(browser);
        page.navigate(app.url("/"));
        Object echoed = page.evaluate("""
                () => new Promise((resolve) => {
                  const socket = new WebSocket(`ws://${location.host}/echo`);
                  socket.onopen = () => socket.send('over ws://');
                  socket.onmessage = (event) => { resolve(event.data); socket.close(); };
                  socket.onerror = () => resolve('error');
                })""");
        assertEquals("over ws://", echoed);
        assertEquals(List.of(), browsers.takeCspViolations(page));
    }

    @EachBrowser
    void inlineScriptAndForeignImagesAreBlockedAndSeen(BrowserKind browser) {
        Page page = browsers.newPage(browser);
        page.navigate(app.url("/"));
        Object ran = page.evaluate("""
                () => {
                  const script = document.createElement('script');
                  script.textContent = 'window.inlineRan = true;';
                  document.body.append(script);
                  return window.inlineRan === true;
                }""");
        assertEquals(false, ran, "an inline script ran");
        page.evaluate("""
                () => new Promise((resolve) => {
                  document.addEventListener('securitypolicyviolation', () => resolve(), { once: true });
                  const image = new Image();
                  image.src = 'http://198.51.100.1/tracker.png';
                  document.body.append(image);
                })""");
        List<String> seen = browsers.takeCspViolations(page);
        assertTrue(seen.stream().anyMatch(violation -> violation.startsWith("script-src")), seen.toString());
        assertTrue(seen.stream().anyMatch(violation -> violation.startsWith("img-src")), seen.toString());
        page.reload(); // a violation before a reload is still reported after it
        page.evaluate("""
                () => new Promise((resolve) => {
                  document.addEventListener('securitypolicyviolation', () => resolve(), { once: true });
                  document.body.setAttribute('style', 'color: red');
                })""");
        page.reload();
        assertTrue(browsers.takeCspViolations(page).stream().anyMatch(violation -> violation.startsWith("style-src")));
    }
}
