package dev.webrtcsteps.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.webrtcsteps.testing.BrowserKind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Scenario 4: how long a real browser takes from "click" to "data channel open". Step 1 (both peers in one
 * page, no server) is the lower bound; step 3 (two pages, through the signaling server) is what a user waits.
 * Then how fast step 3's page sends a file peer to peer (files.js), between every two of the browsers, each way,
 * against what each browser's data channels manage with no app code (a reference measured in the same run, since
 * the machine's speed varies more from day to day than the page's). Times are taken in the page with
 * performance.now(), so Playwright's round trips are not part of them.
 */
public final class BrowserSetup {

    private static final double DEADLINE_MS = 30_000;
    /**
     * A file sent slower than this (MB/s) counts as failed. Low: on a busy machine of two cores, two browsers hashing
     * what they send and receive in JavaScript managed 1.4 MB/s, and that is a figure to report, not a failure.
     */
    private static final double SLOWEST_TRANSFER_MB_PER_S = 0.25;
    /** Files sent per pair of browsers, unless bench.fileRuns says otherwise. */
    static final int FILE_RUNS = 3;
    /** The size of each, unless bench.fileMib says otherwise: large enough for a steady rate, over many seconds. */
    static final int FILE_MIB = 100;
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

    /**
     * Runs before step 3's own scripts, in the sender's page: stamps the file input's {@code change} (capture
     * phase, before the page's handler starts sending) and the moment our file to the receiver (its id in
     * {@code to}, set once known) ends: "done" once the receiver has checked its SHA-256, or how it ended short.
     */
    private static final String TRANSFER_PROBE = """
            (() => {
              const transfer = window.__transfer = {};
              document.addEventListener('change', (event) => {
                if (transfer.start === undefined && event.target.id === 'file-input') transfer.start = performance.now();
              }, true);
              const ENDS = ['done', 'cancelled', 'refused', 'failed', 'interrupted'];
              new MutationObserver((changes) => {
                for (const { target } of changes) {
                  if (transfer.end === undefined && target.matches('li.file.mine') && ENDS.includes(target.dataset.state)
                      && target.closest('.log')?.dataset.peerId === transfer.to) {
                    transfer.end = performance.now();
                    transfer.state = target.dataset.state;
                    transfer.status = target.querySelector('.status')?.textContent;
                  }
                }
              }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
            })();
            """;

    /**
     * The reference: {@code bytes} from memory between two RTCPeerConnections of one page, sent as files.js's
     * startSending sends a file (16 KiB chunks of 256 KiB blocks, queued while bufferedAmount stays within 1 MiB,
     * else waiting for bufferedamountlow at 256 KiB), but nothing read, hashed or shown; the receiver only counts.
     * Resolves to the ms from the first send to the last byte received, or rejects after {@code deadlineMs}.
     */
    private static final String REFERENCE = """
            async ({ bytes, deadlineMs }) => {
              const CHUNK_BYTES = 16 * 1024, BLOCK_BYTES = 256 * 1024; // files.js's CHUNK_BYTES and READ_BYTES
              const MOST_QUEUED = 1024 * 1024, LOW_WATER = 256 * 1024;
              const a = new RTCPeerConnection(), b = new RTCPeerConnection();
              a.onicecandidate = ({ candidate }) => candidate && b.addIceCandidate(candidate);
              b.onicecandidate = ({ candidate }) => candidate && a.addIceCandidate(candidate);
              let timer;
              const deadline = new Promise((resolve, reject) => {
                timer = setTimeout(() => reject(new Error(`no end after ${deadlineMs} ms`)), deadlineMs);
              });
              const received = new Promise((resolve, reject) => {
                b.ondatachannel = ({ channel }) => {
                  channel.binaryType = 'arraybuffer';
                  let count = 0;
                  channel.onmessage = ({ data }) => {
                    count += data.byteLength;
                    if (count >= bytes) resolve(performance.now());
                  };
                  channel.onclose = () => reject(new Error(`the channel closed after ${count} bytes`));
                };
              });
              async function send() {
                const channel = a.createDataChannel('reference'); // reliable and ordered, as a file's channel
                channel.binaryType = 'arraybuffer';
                channel.bufferedAmountLowThreshold = LOW_WATER;
                let wake = () => {};
                channel.onbufferedamountlow = () => wake();
                const opened = new Promise((resolve) => { channel.onopen = resolve; });
                await a.setLocalDescription(await a.createOffer());
                await b.setRemoteDescription(a.localDescription);
                await b.setLocalDescription(await b.createAnswer());
                await a.setRemoteDescription(b.localDescription);
                await opened;
                // Random, as the transfer's file is; getRandomValues fills at most 64 KiB at a time.
                const block = new Uint8Array(BLOCK_BYTES);
                for (let at = 0; at < BLOCK_BYTES; at += 65536) crypto.getRandomValues(block.subarray(at, at + 65536));
                const start = performance.now();
                for (let queued = 0; queued < bytes; queued += BLOCK_BYTES) {
                  while (channel.bufferedAmount + BLOCK_BYTES > MOST_QUEUED) {
                    await new Promise((resolve) => { wake = resolve; });
                  }
                  const end = Math.min(BLOCK_BYTES, bytes - queued);
                  for (let at = 0; at < end; at += CHUNK_BYTES) {
                    channel.send(block.subarray(at, Math.min(at + CHUNK_BYTES, end)));
                  }
                }
                return await received - start;
              }
              try {
                return await Promise.race([send(), deadline]);
              } finally {
                clearTimeout(timer);
                a.close();
                b.close();
              }
            }
            """;

    private BrowserSetup() {
    }

    /**
     * The browser scenario alone ({@code -Dbench.main=dev.webrtcsteps.bench.BrowserSetup}, bench/pom.xml): its
     * report.md and report.json in {@code browsers/} under the folder given as the first argument, so that a run
     * of the whole bench there is left as it was. Reads bench.browserRuns (0: no setup times), bench.fileRuns
     * (0: no files) and bench.fileMib as {@link Bench} does, and -Dbrowsers.
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench").resolve("browsers");
        Files.createDirectories(out);
        long started = System.nanoTime();
        String startedAt = Instant.now().toString();
        Results.BrowserResults results = measure(Integer.getInteger("bench.browserRuns", 10), fileRuns(), fileBytes(),
                BrowserKind.selected().toList(), out);
        ReportWriter.write(new Results.Report(startedAt, (System.nanoTime() - started) / 1e9, null, null, List.of(),
                results, List.of(), null), out);
        System.out.println("Wrote " + out.resolve("report.md").toAbsolutePath());
    }

    /** Runs of each file transfer: bench.fileRuns, default {@link #FILE_RUNS}. */
    static int fileRuns() {
        return Integer.getInteger("bench.fileRuns", FILE_RUNS);
    }

    /** The size of the file sent: bench.fileMib MiB, default {@link #FILE_MIB}. */
    static long fileBytes() {
        return Integer.getInteger("bench.fileMib", FILE_MIB) * 1024L * 1024;
    }

    /**
     * Starts step 1 and step 3 as processes of their own (logs in {@code logs}) and times each in each browser,
     * {@code runs} times (0: not at all); then measures each browser's reference and sends a file of
     * {@code fileBytes} between every two browsers, each way, {@code fileRuns} times each (0: not at all). A browser
     * that fails costs the run its own figures, not the other browser's: {@code failure} says why the setup times of
     * one are missing, each reference and transfer why it is.
     */
    public static Results.BrowserResults measure(int runs, int fileRuns, long fileBytes, List<BrowserKind> browsers,
            Path logs) throws IOException {
        List<Results.BrowserTiming> timings = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<Results.ChannelReference> references = new ArrayList<>();
        List<Results.FileTransfer> transfers = new ArrayList<>();
        try (ServerUnderTest step1 = ServerUnderTest.step("step1", "dev.webrtcsteps.step1.Step1App", Bench.freePort(),
                        logs.resolve("step1-browser.log"), Map.of());
                ServerUnderTest step3 = ServerUnderTest.step("step3", "dev.webrtcsteps.step3.Step3App", Bench.freePort(),
                        logs.resolve("step3-browser.log"), ServerUnderTest.ONE_ADDRESS_FOR_ALL);
                Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            if (runs > 0) {
                for (BrowserKind kind : browsers) {
                    try {
                        timings.addAll(setupTimings(playwright, kind, runs, step1.port, step3.port));
                    } catch (RuntimeException failed) {
                        System.out.println("browser setup: " + kind + " not measured: " + failed.getMessage());
                        failures.add(String.valueOf(failed.getMessage()));
                    }
                }
            }
            if (fileRuns > 0) {
                // Right before the transfers, so that both see the machine as alike as a run allows.
                for (BrowserKind kind : browsers) {
                    references.add(channelReference(playwright, kind, step1.port, fileRuns, fileBytes));
                }
                fileTransfers(playwright, browsers, step3.port, fileRuns, fileBytes)
                        .forEach(transfer -> transfers.add(heldAgainst(transfer, references)));
            }
        }
        return new Results.BrowserResults(timings, references, transfers,
                failures.isEmpty() ? null : String.join("; ", failures));
    }

    /**
     * The transfer with the slower of its two browsers' references and its median's ratio to it, rounded to 0.01
     * (none if either reference is missing): a file goes no faster than the slower end allows.
     */
    static Results.FileTransfer heldAgainst(Results.FileTransfer transfer,
            List<Results.ChannelReference> references) {
        Results.ChannelReference sender = reference(references, transfer.sender());
        Results.ChannelReference receiver = reference(references, transfer.receiver());
        if (sender == null || receiver == null) {
            return transfer;
        }
        Results.ChannelReference slower = receiver.median() < sender.median() ? receiver : sender;
        Double ratio = transfer.median() == null ? null : Math.round(transfer.median() / slower.median() * 100) / 100.0;
        return new Results.FileTransfer(transfer.sender(), transfer.receiver(), transfer.bytes(), transfer.runs(),
                transfer.median(), transfer.best(), transfer.megabytesPerSecond(), transfer.failure(), slower.browser(),
                ratio);
    }

    /** The browser's reference, if it has a median. */
    private static Results.ChannelReference reference(List<Results.ChannelReference> references, String browser) {
        return references.stream().filter(r -> r.browser().equals(browser) && r.median() != null).findFirst()
                .orElse(null);
    }

    /**
     * {@code runs} times {@link #REFERENCE} in one browser, each in a fresh page of step 1 (any page would do:
     * evaluate is not bound by its CSP). A failure ends the runs; those done so far count.
     */
    private static Results.ChannelReference channelReference(Playwright playwright, BrowserKind kind, int port,
            int runs, long bytes) {
        List<Double> samples = new ArrayList<>();
        String failure = null;
        Browser browser = null;
        try {
            browser = kind.launch(playwright);
            for (int run = 1; run <= runs; run++) {
                try (BrowserContext context = browser.newContext()) {
                    Page page = context.newPage();
                    page.navigate("http://127.0.0.1:" + port + "/");
                    // As doubles: Playwright passes no long to a page.
                    double millis = ((Number) page.evaluate(REFERENCE, Map.of("bytes", (double) bytes, "deadlineMs",
                            deadlineMillis(bytes)))).doubleValue();
                    samples.add(Math.round(bytes / (millis / 1e3) / 1e6 * 100) / 100.0);
                }
            }
        } catch (RuntimeException failed) {
            failure = failure(browser != null, samples.size(), runs, failed);
        } finally {
            if (browser != null) {
                browser.close();
            }
        }
        Double median = roundedMedian(samples);
        Double best = samples.stream().max(Double::compare).orElse(null);
        System.out.printf("file reference: %-8s %d MiB: %s%n", kind, bytes / (1024 * 1024),
                summary(median, best, samples.size(), failure));
        return new Results.ChannelReference(kind.toString(), bytes, samples.size(), median, best, samples, failure);
    }

    /** Why the runs stopped after {@code done} of them: all of the message (a page's error says what on line 2). */
    private static String failure(boolean launched, int done, int runs, RuntimeException failed) {
        String why = String.valueOf(failed.getMessage());
        return launched ? "run " + (done + 1) + " of " + runs + " failed: " + why : "not launched: " + why;
    }

    private static Double roundedMedian(List<Double> samples) {
        return samples.isEmpty() ? null : Math.round(median(samples) * 100) / 100.0;
    }

    private static String summary(Double median, Double best, int runs, String failure) {
        return (median == null ? "" : String.format("median %.1f MB/s, best %.1f MB/s, %d runs", median, best, runs))
                + (failure == null ? "" : (median == null ? "" : "; ") + failure);
    }

    /** How long a transfer of {@code bytes} may take before it counts as failed. */
    private static double deadlineMillis(long bytes) {
        return Math.max(DEADLINE_MS, bytes / SLOWEST_TRANSFER_MB_PER_S / 1e3);
    }

    /** Step 1's and step 3's setup times in one browser; none if either fails. */
    private static List<Results.BrowserTiming> setupTimings(Playwright playwright, BrowserKind kind, int runs,
            int step1Port, int step3Port) {
        Browser browser = kind.launch(playwright);
        try {
            Results.BrowserTiming step1 = timing(kind, "step1", runs, run -> step1Run(browser, step1Port));
            Results.BrowserTiming step3 = timing(kind, "step3", runs, run -> step3Run(browser, step3Port, kind + "-" + run));
            return List.of(step1, step3);
        } finally {
            browser.close();
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
        double median = median(samples);
        double p90 = sorted.get((int) Math.ceil(0.9 * n) - 1);
        System.out.printf("browser setup: %-8s %s: median %.1f ms, p90 %.1f ms, %d runs%n", kind, page, median, p90, n);
        return new Results.BrowserTiming(kind.toString(), page, n, median, p90, samples);
    }

    private static double median(List<Double> samples) {
        List<Double> sorted = samples.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
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

    /**
     * A file of random bytes (written once, deleted after) sent from each browser to itself, then between every two
     * different ones, each way: chromium to chromium, firefox to firefox, chromium to firefox, firefox to chromium.
     */
    private static List<Results.FileTransfer> fileTransfers(Playwright playwright, List<BrowserKind> browsers,
            int port, int runs, long bytes) throws IOException {
        List<BrowserKind[]> pairs = new ArrayList<>();
        browsers.forEach(kind -> pairs.add(new BrowserKind[] {kind, kind}));
        for (int i = 0; i < browsers.size(); i++) {
            for (int j = i + 1; j < browsers.size(); j++) {
                pairs.add(new BrowserKind[] {browsers.get(i), browsers.get(j)});
                pairs.add(new BrowserKind[] {browsers.get(j), browsers.get(i)});
            }
        }
        Path folder = Files.createTempDirectory("bench-file");
        Path file = folder.resolve("random.bin");
        try {
            writeRandom(file, bytes);
            List<Results.FileTransfer> transfers = new ArrayList<>();
            for (BrowserKind[] pair : pairs) {
                transfers.add(fileTransfer(playwright, pair[0], pair[1], port, file, bytes, runs));
            }
            return transfers;
        } finally {
            Files.deleteIfExists(file);
            Files.delete(folder);
        }
    }

    /** Random, so that nothing on the way could make it smaller; the same bytes every run of the bench. */
    private static void writeRandom(Path file, long bytes) throws IOException {
        Random random = new Random(bytes);
        byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, bytes - written));
            }
        }
    }

    /**
     * {@code runs} files from a page in {@code from} to a page in {@code to}, both browsers launched for all of
     * them (one browser for a pair of the same kind), each run in fresh contexts and a fresh room. A failure ends
     * the pair: the runs done so far count, and {@code failure} says what went wrong.
     */
    private static Results.FileTransfer fileTransfer(Playwright playwright, BrowserKind from, BrowserKind to, int port,
            Path file, long bytes, int runs) {
        List<Double> samples = new ArrayList<>();
        String failure = null;
        Browser sender = null;
        Browser receiver = null;
        try {
            sender = from.launch(playwright);
            receiver = to == from ? sender : to.launch(playwright);
            for (int run = 1; run <= runs; run++) {
                samples.add(transferRun(sender, receiver, port, file, bytes, from + "-" + to + "-" + run));
            }
        } catch (RuntimeException failed) {
            failure = failure(receiver != null, samples.size(), runs, failed);
        } finally {
            if (sender != null) {
                sender.close();
            }
            if (receiver != null && receiver != sender) {
                receiver.close();
            }
        }
        Double median = roundedMedian(samples);
        Double best = samples.stream().max(Double::compare).orElse(null);
        System.out.printf("file transfer: %-8s -> %-8s %d MiB: %s%n", from, to, bytes / (1024 * 1024),
                summary(median, best, samples.size(), failure));
        return new Results.FileTransfer(from.toString(), to.toString(), bytes, samples.size(), median, best, samples,
                failure, null, null);
    }

    /**
     * One file from a sender to a receiver who joined a fresh room and picked each other, once both chat channels
     * are open (the Attach button is enabled when they are): MB/s (10^6 bytes a second), from the sender's file
     * input changing to its item turning "done", rounded to 0.01.
     */
    private static double transferRun(Browser senderBrowser, Browser receiverBrowser, int port, Path file, long bytes,
            String tag) {
        String room = "bench-file-" + tag + "-" + System.nanoTime();
        try (BrowserContext senderContext = newTransferContext(senderBrowser);
                BrowserContext receiverContext = newTransferContext(receiverBrowser)) {
            Page sender = join(senderContext, port, room, "sender");
            Page receiver = join(receiverContext, port, room, "receiver");
            String receiverId = myId(receiver);
            String senderId = myId(sender);
            receiver.locator("#people li[data-peer-id='" + senderId + "']").waitFor();
            sender.locator("#people li[data-peer-id='" + receiverId + "'] button").click();
            sender.locator("#attach:enabled").waitFor();
            // The receiver opens the conversation too, as a user would to see the file come.
            receiver.locator("#people li[data-peer-id='" + senderId + "'] button").click();
            receiver.locator("#attach:enabled").waitFor();
            sender.evaluate("to => { window.__transfer.to = to; }", receiverId);

            sender.locator("#file-input").setInputFiles(file);
            // Polled rarely: the time is stamped in the page, and polling takes the CPU the transfer runs on.
            sender.waitForFunction("() => window.__transfer.end !== undefined", null,
                    new Page.WaitForFunctionOptions().setTimeout(deadlineMillis(bytes)).setPollingInterval(250));
            Map<?, ?> transfer = (Map<?, ?>) sender.evaluate("() => window.__transfer");
            if (!"done".equals(transfer.get("state"))) {
                throw new IllegalStateException("the file ended " + transfer.get("state") + ": " + transfer.get("status"));
            }
            if (!(transfer.get("start") instanceof Number)) {
                throw new IllegalStateException("the file input's change event was not seen");
            }
            double seconds = (((Number) transfer.get("end")).doubleValue() - ((Number) transfer.get("start")).doubleValue()) / 1e3;
            return Math.round(bytes / seconds / 1e6 * 100) / 100.0;
        }
    }

    private static BrowserContext newTransferContext(Browser browser) {
        BrowserContext context = browser.newContext();
        context.setDefaultTimeout(DEADLINE_MS);
        context.addInitScript(TRANSFER_PROBE);
        return context;
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
