package dev.webrtcsteps.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.webrtcsteps.testing.BrowserKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Results.BrowserResults results = measure(runs, BrowserKind.selected().toList(), Files.createTempDirectory("browser-setup"));
        results.timings().forEach(System.out::println);
    }

    /** Starts step 1 and step 3 as processes of their own (logs in {@code logs}) and times each in each browser. */
    public static Results.BrowserResults measure(int runs, List<BrowserKind> browsers, Path logs) throws IOException {
        List<Results.BrowserTiming> timings = new ArrayList<>();
        try (ServerUnderTest step1 = ServerUnderTest.step("step1", "dev.webrtcsteps.step1.Step1App", Bench.freePort(),
                        logs.resolve("step1-browser.log"), Map.of());
                ServerUnderTest step3 = ServerUnderTest.step("step3", "dev.webrtcsteps.step3.Step3App", Bench.freePort(),
                        logs.resolve("step3-browser.log"), ServerUnderTest.ONE_ADDRESS_FOR_ALL);
                Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            for (BrowserKind kind : browsers) {
                Browser browser = kind.launch(playwright);
                try {
                    timings.add(timing(kind, "step1", runs, run -> step1Run(browser, step1.port)));
                    timings.add(timing(kind, "step3", runs, run -> step3Run(browser, step3.port, kind + "-" + run)));
                } finally {
                    browser.close();
                }
            }
        }
        return new Results.BrowserResults(timings, null);
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
