package dev.webrtcsteps.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.webrtcsteps.step1.Step1App;
import dev.webrtcsteps.step3.Step3App;
import dev.webrtcsteps.testing.BrowserKind;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Scenario 4: how long a real browser takes from "click" to "data channel open". Step 1 (both peers in one
 * page, no server) is the lower bound; step 3 (two pages, through the signaling server) is what a user waits.
 * Times are taken in the page with performance.now(), so Playwright's round trips are not part of them.
 */
public final class BrowserSetup {

    private static final double DEADLINE_MS = 30_000;
    private static final String STEP1_BUTTON = "#start";
    private static final String STEP3_BUTTON = "#people li[data-peer-id] button";

    /**
     * Runs before the page's own scripts: records the first click on {@code BUTTON} and the first data channel
     * that opens. Capture phase, so the click is stamped before the page's handler starts the connection.
     */
    private static final String PROBE = """
            (() => {
              const setup = window.__setup = {};
              document.addEventListener('click', (event) => {
                if (setup.click === undefined && event.target.closest?.(BUTTON)) setup.click = performance.now();
              }, true);
              const createDataChannel = RTCPeerConnection.prototype.createDataChannel;
              RTCPeerConnection.prototype.createDataChannel = function (...args) {
                const channel = createDataChannel.apply(this, args);
                channel.addEventListener('open', () => { setup.open ??= performance.now(); });
                return channel;
              };
            })();
            """;
    private static final String DONE =
            "() => window.__setup?.click !== undefined && window.__setup?.open !== undefined";
    private static final String ELAPSED = "() => window.__setup.open - window.__setup.click";

    private BrowserSetup() {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Results.BrowserResults results = measure(runs, BrowserKind.selected().toList());
        results.timings().forEach(System.out::println);
    }

    public static Results.BrowserResults measure(int runs, List<BrowserKind> browsers) {
        Javalin step1 = start(Step1App.class, Step1App::create);
        Javalin step3 = start(Step3App.class, Step3App::create);
        List<Results.BrowserTiming> timings = new ArrayList<>();
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            for (BrowserKind kind : browsers) {
                Browser browser = kind.launch(playwright);
                try {
                    timings.add(timing(kind, "step1", runs, run -> step1Run(browser, step1.port())));
                    timings.add(timing(kind, "step3", runs, run -> step3Run(browser, step3.port(), kind + "-" + run)));
                } finally {
                    browser.close();
                }
            }
        } finally {
            step1.stop();
            step3.stop();
        }
        return new Results.BrowserResults(timings);
    }

    /**
     * Starts a step's app serving its own page. Every step jar has a {@code public/} folder, and Javalin finds
     * it through the thread's context class loader, so on the bench's classpath the first step jar's page would
     * be served by all of them; a loader that looks in the step's own jar first (and is kept by Javalin for
     * every later request) avoids that.
     */
    private static Javalin start(Class<?> step, Supplier<Javalin> create) {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        URL ownJar = step.getProtectionDomain().getCodeSource().getLocation();
        thread.setContextClassLoader(new URLClassLoader(new URL[] {ownJar}, original) {
            @Override
            public URL getResource(String name) {
                URL own = findResource(name);
                return own != null ? own : super.getResource(name);
            }

            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                Enumeration<URL> own = findResources(name); // Jetty merges all it is given; the first wins
                return own.hasMoreElements() ? own : super.getResources(name);
            }
        });
        try {
            return create.get().start("127.0.0.1", 0);
        } finally {
            thread.setContextClassLoader(original);
        }
    }

    private interface Run {
        double millis(int run);
    }

    private static Results.BrowserTiming timing(BrowserKind kind, String page, int runs, Run run) {
        List<Double> samples = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            try {
                samples.add(run.millis(i));
            } catch (RuntimeException failed) {
                throw new IllegalStateException(kind + " " + page + " run " + i + " failed: " + failed.getMessage(),
                        failed);
            }
        }
        List<Double> sorted = samples.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        double p90 = sorted.get((int) Math.ceil(0.9 * n) - 1);
        System.out.printf("browser setup: %-8s %s: median %.1f ms, p90 %.1f ms, %d runs%n", kind, page, median, p90, n);
        return new Results.BrowserTiming(kind.toString(), page, n, median, p90, samples);
    }

    /** Step 1: click Start; the page connects its two RTCPeerConnections to each other. */
    private static double step1Run(Browser browser, int port) {
        try (BrowserContext context = newContext(browser, STEP1_BUTTON)) {
            Page page = context.newPage();
            page.navigate("http://127.0.0.1:" + port + "/");
            page.locator(STEP1_BUTTON).click();
            return elapsed(page);
        }
    }

    /** Step 3: two users (separate contexts) join a fresh room; the caller clicks the other one. */
    private static double step3Run(Browser browser, int port, String tag) {
        String room = "bench-" + tag + "-" + System.nanoTime();
        try (BrowserContext callerContext = newContext(browser, STEP3_BUTTON);
                BrowserContext calleeContext = newContext(browser, STEP3_BUTTON)) {
            Page caller = join(callerContext, port, room, "caller");
            Page callee = join(calleeContext, port, room, "callee");
            String calleeId = myId(callee);
            String callerId = myId(caller);
            // Both must list each other, or the callee would drop the caller's offer as from a stranger.
            callee.locator("#people li[data-peer-id='" + callerId + "']").waitFor();
            caller.locator("#people li[data-peer-id='" + calleeId + "'] button").click();
            return elapsed(caller);
        }
    }

    private static BrowserContext newContext(Browser browser, String button) {
        BrowserContext context = browser.newContext();
        context.setDefaultTimeout(DEADLINE_MS);
        context.addInitScript(PROBE.replace("BUTTON", "'" + button + "'"));
        return context;
    }

    private static Page join(BrowserContext context, int port, String room, String name) {
        Page page = context.newPage();
        page.navigate("http://127.0.0.1:" + port + "/?room=" + URLEncoder.encode(room, StandardCharsets.UTF_8)
                + "&name=" + name);
        return page;
    }

    /** The id the server gave this page, once its welcome arrived. */
    private static String myId(Page page) {
        page.waitForFunction("() => document.querySelector('#my-id').textContent.length > 0");
        return page.locator("#my-id").textContent();
    }

    /**
     * Waits (up to the deadline) until the click and the open are both stamped; their distance in ms, rounded to
     * 0.1 ms (browsers coarsen performance.now() anyway: Chromium to 0.1 ms, Firefox to 1 ms).
     */
    private static double elapsed(Page page) {
        page.waitForFunction(DONE, null, new Page.WaitForFunctionOptions().setTimeout(DEADLINE_MS));
        return Math.round(((Number) page.evaluate(ELAPSED)).doubleValue() * 10) / 10.0;
    }
}
