package dev.webrtcsteps.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Tracing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Pages in real browsers for a test: {@code @RegisterExtension final Browsers browsers = new Browsers();}
 * then {@code browsers.newPage(kind)}. Each page gets its own BrowserContext, i.e. its own user.
 *
 * <p>Playwright and each browser are started once per test JVM (Firefox takes seconds to start). After a
 * failed test, a screenshot and the console of every page it opened are kept under
 * {@code target/browser-failures/}, plus a Playwright trace for Chromium.
 *
 * <p>Every page watches for Content Security Policy violations (the servers send a strict policy): a test in
 * which any page saw one fails after it, saying what was blocked. A test that provokes one on purpose takes it
 * with {@link #takeCspViolations(Page)}.
 */
public final class Browsers implements BeforeEachCallback, AfterEachCallback {

    /**
     * Runs in every document before its own scripts: records each {@code securitypolicyviolation}, in
     * sessionStorage too, so that what a page saw before it reloaded or navigated is still there.
     */
    private static final String CSP_WATCH = """
            (() => {
              const key = 'webrtc-steps-csp-violations';
              let seen = [];
              try { seen = JSON.parse(sessionStorage.getItem(key) || '[]'); } catch (unavailable) { /* no storage */ }
              window.__cspViolations = seen;
              document.addEventListener('securitypolicyviolation', (event) => {
                seen.push(event.violatedDirective + ' blocked ' + (event.blockedURI || '(inline)') + ' in '
                    + event.sourceFile + ':' + event.lineNumber);
                try { sessionStorage.setItem(key, JSON.stringify(seen)); } catch (unavailable) { /* no storage */ }
              });
            })();
            """;

    private final List<OpenPage> pages = new ArrayList<>();

    /** A new user: a fresh BrowserContext with one page. */
    public Page newPage(BrowserKind kind) {
        Browser browser = Launched.get(kind);
        BrowserContext context = browser.newContext();
        boolean traced = kind == BrowserKind.CHROMIUM;
        if (traced) {
            // DOM snapshots at each action; no screencast, whose frames cost CPU all along (a failure keeps a screenshot).
            context.tracing().start(new Tracing.StartOptions().setSnapshots(true));
        }
        context.addInitScript(CSP_WATCH);
        Page page = context.newPage();
        OpenPage open = new OpenPage(kind, context, page, traced, Collections.synchronizedList(new ArrayList<>()));
        page.onConsoleMessage(message -> open.console().add(message.type() + ": " + message.text()));
        page.onPageError(error -> open.console().add("uncaught: " + error));
        pages.add(open);
        return page;
    }

    /** Everything the page wrote to its console so far, e.g. to explain a failed assertion. */
    public List<String> console(Page page) {
        return pages.stream().filter(open -> open.page() == page).findFirst()
                .map(open -> List.copyOf(open.console())).orElse(List.of());
    }

    /**
     * The Content Security Policy violations the page saw so far, and forgets them.
     *
     * @throws AssertionError if the page is not watched (then no violation could be seen)
     */
    public List<String> takeCspViolations(Page page) {
        Object seen = page.evaluate("""
                () => {
                  if (!Array.isArray(window.__cspViolations)) return null;
                  const seen = window.__cspViolations.splice(0);
                  try { sessionStorage.removeItem('webrtc-steps-csp-violations'); } catch (unavailable) { /* none */ }
                  return seen;
                }""");
        if (!(seen instanceof List<?> list)) {
            throw new AssertionError("The page " + page.url() + " does not watch for CSP violations: the init script did not run");
        }
        return list.stream().map(String::valueOf).toList();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        pages.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        List<String> violations = new ArrayList<>();
        AssertionError unwatched = null;
        for (OpenPage open : failed ? List.<OpenPage>of() : pages) {
            if (!open.page().isClosed() && !open.page().url().equals("about:blank")) {
                try {
                    takeCspViolations(open.page()).forEach(seen -> violations.add(open.kind() + " " + open.page().url() + ": " + seen));
                } catch (AssertionError notWatched) {
                    unwatched = notWatched;
                }
            }
        }
        Path folder = Path.of("target", "browser-failures", context.getRequiredTestClass().getSimpleName(),
                context.getDisplayName().replaceAll("[^A-Za-z0-9._-]+", "_") + "-" + context.getUniqueId().hashCode());
        for (int i = 0; i < pages.size(); i++) {
            OpenPage open = pages.get(i);
            if (failed) {
                keepEvidence(open, folder, "page" + (i + 1) + "-" + open.kind());
            }
            open.context().close();
        }
        pages.clear();
        if (unwatched != null) {
            throw unwatched;
        }
        if (!violations.isEmpty()) {
            throw new AssertionError("The Content Security Policy blocked something: " + violations);
        }
    }

    private static void keepEvidence(OpenPage open, Path folder, String name) {
        try {
            Files.createDirectories(folder);
            Files.write(folder.resolve(name + "-console.txt"), List.copyOf(open.console()));
            if (!open.page().isClosed()) {
                open.page().screenshot(new Page.ScreenshotOptions().setPath(folder.resolve(name + ".png")).setFullPage(true));
            }
            if (open.traced()) {
                open.context().tracing().stop(new Tracing.StopOptions().setPath(folder.resolve(name + "-trace.zip")));
            }
        } catch (IOException | RuntimeException evidenceFailed) {
            // Evidence is best effort: the test's own failure is what matters.
            System.err.println("Could not keep browser evidence in " + folder + ": " + evidenceFailed);
        }
    }

    private record OpenPage(BrowserKind kind, BrowserContext context, Page page, boolean traced, List<String> console) {
    }

    /** One Playwright and one browser of each kind per JVM, closed when the JVM exits. */
    private static final class Launched {
        private static Playwright playwright;
        private static final Map<BrowserKind, Browser> BROWSERS = new EnumMap<>(BrowserKind.class);

        static synchronized Browser get(BrowserKind kind) {
            if (playwright == null) {
                playwright = Playwright.create(new Playwright.CreateOptions()
                        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                Runtime.getRuntime().addShutdownHook(new Thread(Launched::closeAll, "close-browsers"));
            }
            Browser browser = BROWSERS.get(kind);
            if (browser == null || !browser.isConnected()) {
                browser = kind.launch(playwright);
                BROWSERS.put(kind, browser);
            }
            return browser;
        }

        private static synchronized void closeAll() {
            try {
                BROWSERS.values().forEach(Browser::close);
                playwright.close();
            } catch (RuntimeException alreadyGone) {
                // The browsers may have exited with the JVM already.
            }
        }
    }
}
