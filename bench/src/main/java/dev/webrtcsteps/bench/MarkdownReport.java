package dev.webrtcsteps.bench;

import static dev.webrtcsteps.bench.ClusterScenario.JOINS;
import static dev.webrtcsteps.bench.ReportWriter.BROWSER_CHART;
import static dev.webrtcsteps.bench.ReportWriter.GIB;
import static dev.webrtcsteps.bench.ReportWriter.JOIN_CHART;
import static dev.webrtcsteps.bench.ReportWriter.MEMORY_CHART;
import static dev.webrtcsteps.bench.ReportWriter.SATURATION_CHART;
import static dev.webrtcsteps.bench.ReportWriter.browserTimings;
import static dev.webrtcsteps.bench.ReportWriter.kib;
import static dev.webrtcsteps.bench.ReportWriter.latencyChart;
import static dev.webrtcsteps.bench.ReportWriter.mib;
import static dev.webrtcsteps.bench.ReportWriter.ms;
import static dev.webrtcsteps.bench.ReportWriter.passes;
import static dev.webrtcsteps.bench.ReportWriter.orEmpty;
import static dev.webrtcsteps.bench.ReportWriter.percent;
import static dev.webrtcsteps.bench.ReportWriter.rate;
import static dev.webrtcsteps.bench.ReportWriter.ratio;
import static dev.webrtcsteps.bench.ReportWriter.seconds;
import static dev.webrtcsteps.bench.ReportWriter.servers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Renders report.md; {@code charts} are the file names of the charts that were written. The first pass (pinned,
 * when the machine allowed it) is the main one: its summary comes first and the goals are measured on it.
 */
final class MarkdownReport {

    private static final String NOT_AVAILABLE = "n/a";

    private final Results.Report report;
    private final List<Results.Pass> passes;
    private final Set<String> charts;
    private final StringBuilder out = new StringBuilder();

    MarkdownReport(Results.Report report, Set<String> charts) {
        this.report = report;
        this.passes = passes(report);
        this.charts = charts;
    }

    String render() {
        title();
        // A run of one scenario alone (the cluster's, or the browsers') shows that scenario, not the others' gaps.
        boolean nothing = passes.isEmpty() && report.browser() == null && report.cluster() == null;
        if (!passes.isEmpty() || nothing) {
            passes.forEach(this::summary);
            goals();
            capacity();
            join();
            relay();
        }
        if (!passes.isEmpty() || report.browser() != null || nothing) {
            browser();
            fileTransfer();
        }
        cluster();
        return out.toString();
    }

    private void title() {
        List<String> names = servers(report).stream().map(Results.ServerResults::server).toList();
        out.append("# Benchmark").append(names.isEmpty() ? "" : ": " + String.join(" vs ", names)).append("\n\n");
        out.append("Run started ").append(text(report.startedAt())).append(", took ")
                .append(String.format(Locale.ROOT, "%.0f", report.durationSeconds())).append(" s.\n\n");
        Results.Machine machine = report.machine();
        if (machine != null) {
            out.append(String.format(Locale.ROOT,
                    "**Machine:** %s, %d cores, %.1f GiB RAM, Java %s, Node %s, socket.io %s, open files limit %d.%n%n",
                    text(machine.os()), machine.cores(), machine.memoryBytes() / GIB, text(machine.java()),
                    text(machine.node()), text(machine.socketIo()), machine.openFilesLimit()));
        }
        Results.Pinning pinning = report.pinning();
        if (pinning != null && pinning.applied()) {
            out.append("**CPUs:** in the pinned pass each server ran on CPU ").append(pinning.serverCpus())
                    .append(" (`taskset -c ").append(pinning.serverCpus()).append(" <command>`) and the load generator on CPU ")
                    .append(pinning.generatorCpus()).append(": the bench's own JVM, every thread of it, and the capacity "
                            + "scenario's generator processes (`taskset -c ").append(pinning.generatorCpus())
                    .append("`). In the unpinned pass they all share every CPU. The CPUs each process could use were "
                            + "read back from /proc while it ran (below, per server). Capacity runs once, pinned; the "
                            + "browser scenario runs unpinned. \"Cores used\" is CPU time (user and system, all threads, "
                            + "from /proc) over wall time; \"other load\" is what else kept those CPUs busy (other "
                            + "processes, a hypervisor's steal; not interrupts, which are mostly the kernel's network work "
                            + "for ours). A figure is the server's only if the server, not the load generator, was the "
                            + "bottleneck (\"limited by\").\n\n");
        } else if (pinning != null) {
            out.append("**CPUs:** ").append(text(pinning.note())).append(". Servers and the load generator shared "
                    + "every CPU, in one pass; \"cores used\" is CPU time (user and system, all threads, from /proc) over "
                    + "wall time.\n\n");
        }
        out.append("**Load generator:** the join and relay scenarios' simulated users run on a lean WebSocket client "
                + "(plain sockets, one thread reading them all; see the client rows), the capacity scenario's on "
                + "java.net.http in processes of their own.\n\n");
        out.append("Times in ms, rates per second, KiB = 1024 bytes, MiB = 1024 KiB, MB = 10^6 bytes.\n\n");
    }

    /** A pass at a glance: one row per key figure, one column per server. */
    private void summary(Results.Pass pass) {
        section(passTitle(pass), null);
        List<Metric<Results.ServerResults>> metrics = new ArrayList<>();
        metrics.add(new Metric<>("CPUs: server / generator (read back)", s -> s.affinity() == null ? NOT_AVAILABLE
                : text(s.affinity().server()) + " / " + text(s.affinity().generator())));
        if (servers(pass).stream().anyMatch(s -> s.gc() != null)) {
            metrics.add(new Metric<>("Server's JVM garbage collector", s -> text(s.gc())));
        }
        if (servers(pass).stream().anyMatch(s -> s.capacity() != null)) {
            metrics.add(new Metric<>("Heap after GC per user (KiB)", s -> s.capacity() == null
                    || s.capacity().heapPerUser() == null ? NOT_AVAILABLE : kib(s.capacity().heapPerUser())));
            metrics.add(new Metric<>("RSS per user (KiB)",
                    s -> s.capacity() == null ? NOT_AVAILABLE : kib(s.capacity().rssPerUser())));
        }
        metrics.add(new Metric<>("Join p50 / p99" + joinRate(pass) + " (ms)", s -> s.join() == null ? NOT_AVAILABLE
                : ms(s.join().p50()) + " / " + ms(s.join().p99())));
        metrics.add(new Metric<>("Join limited by", s -> s.join() == null || s.join().cpu() == null ? NOT_AVAILABLE
                : text(s.join().cpu().limitedBy())));
        metrics.add(new Metric<>("Relay saturation (signals/s)",
                s -> s.relay() == null ? NOT_AVAILABLE : rate(s.relay().saturationPerSecond())));
        metrics.add(new Metric<>("Cores used at saturation: server / generator / other load",
                s -> s.relay() == null ? NOT_AVAILABLE : cores(s.relay().atSaturation())));
        metrics.add(new Metric<>("Saturation limited by",
                s -> s.relay() == null || s.relay().atSaturation() == null ? NOT_AVAILABLE
                        : text(s.relay().atSaturation().limitedBy())));
        metrics.add(new Metric<>("Relay p50 / p99 at 50% of saturation (ms)",
                s -> s.relay() == null || s.relay().atHalf() == null ? NOT_AVAILABLE
                        : ms(s.relay().atHalf().p50()) + " / " + ms(s.relay().atHalf().p99())));
        sideBySide(servers(pass), s -> s, metrics);
        // Said plainly: a saturation figure the server did not set is not the server's.
        for (Results.ServerResults server : servers(pass)) {
            Results.CpuUse cpu = server.relay() == null ? null : server.relay().atSaturation();
            if (cpu == null || "server".equals(cpu.limitedBy())) {
                continue;
            }
            String used = String.format(Locale.ROOT, "server %s cores, generator %.2f, other load %.2f; CPUs busy %s %%",
                    cpu.serverCores() == null ? NOT_AVAILABLE : ratio(cpu.serverCores()), cpu.generatorCores(),
                    cpu.otherCores(), busy(cpu));
            if ("generator".equals(cpu.limitedBy())) {
                out.append("**").append(server.server()).append("'s saturation figure is the load generator's, not the "
                        + "server's**: the generator's CPU was the bottleneck (").append(used).append(").\n\n");
            } else {
                note(server.server() + "'s saturation figure is not the server's alone: limited by " + cpu.limitedBy()
                        + " (" + used + ").");
            }
        }
    }

    private static String passTitle(Results.Pass pass) {
        return pass.pinned() ? "Pinned: one core per server, the load generator on another"
                : "Unpinned: server and load generator share the cores";
    }

    private String joinRate(Results.Pass pass) {
        return servers(pass).stream().filter(s -> s.join() != null).findFirst()
                .map(s -> " at " + rate(s.join().ratePerSecond()) + " joins/s").orElse("");
    }

    private void capacity() {
        for (Results.Pass pass : passes) {
            if (servers(pass).stream().noneMatch(s -> s.capacity() != null)) {
                continue;
            }
            section("Capacity (" + pass.name() + ")", "Users connected in rooms up to the target, memory sampled as "
                    + "they arrive. Heap is measured after a full GC, so only for the Java server.");
            sideBySide(servers(pass), Results.ServerResults::capacity, List.of(
                    new Metric<>("Users held / target", c -> c.held() + " / " + c.target()),
                    new Metric<>("Room size (users)", c -> Integer.toString(c.roomSize())),
                    new Metric<>("Time to connect them (s)", c -> seconds(c.secondsToConnect())),
                    new Metric<>("RSS at baseline (MiB)", c -> mib(c.rssBaseline())),
                    new Metric<>("RSS at peak (MiB)", c -> mib(c.rssAtPeak())),
                    new Metric<>("RSS per user (KiB)", c -> kib(c.rssPerUser())),
                    new Metric<>("Heap after GC per user (KiB)",
                            c -> c.heapPerUser() == null ? NOT_AVAILABLE : kib(c.heapPerUser())),
                    new Metric<>("Failures", c -> Integer.toString(c.failures())),
                    new Metric<>("Generator processes' CPUs (read back)", c -> text(c.generatorCpus()))));
            chart(MEMORY_CHART, "Memory vs connected users");
            return;
        }
        section("Capacity", null);
        note("Not measured in this run.");
    }

    private void join() {
        section("Join", "Time from opening the connection to the welcome, at a steady join rate; the cores the "
                + "server and the load generator used from the first measured join to the last welcome. At a fixed "
                + "rate neither need be full: \"limited by\" says whether one was.");
        for (Results.Pass pass : passes) {
            out.append("### ").append(capitalized(pass.name())).append("\n\n");
            sideBySide(servers(pass), Results.ServerResults::join, List.of(
                    new Metric<>("Joins", j -> Integer.toString(j.joins())),
                    new Metric<>("Client", j -> text(j.client())),
                    new Metric<>("Rate (joins/s)", j -> rate(j.ratePerSecond())),
                    new Metric<>("Room size (users)", j -> Integer.toString(j.roomSize())),
                    new Metric<>("p50 (ms)", j -> ms(j.p50())),
                    new Metric<>("p99 (ms)", j -> ms(j.p99())),
                    new Metric<>("max (ms)", j -> ms(j.max())),
                    new Metric<>("Failures", j -> Integer.toString(j.failures())),
                    new Metric<>("Cores used: server / generator / other load", j -> cores(j.cpu())),
                    new Metric<>(busyLabel(pass, ""), j -> busy(j.cpu())),
                    new Metric<>("Limited by", j -> j.cpu() == null ? NOT_AVAILABLE : text(j.cpu().limitedBy()))));
        }
        chart(JOIN_CHART, "Join time per server");
    }

    private void relay() {
        section("Relay", "Signals per second through the server at saturation, once the rate has stopped rising, "
                + "with the cores the server and the load generator used meanwhile; then latency (send to receipt, timed from when each signal was due) "
                + "at fractions of each server's own saturation rate.");
        for (int index = 0; index < passes.size(); index++) {
            Results.Pass pass = passes.get(index);
            out.append("### ").append(capitalized(pass.name())).append("\n\n");
            sideBySide(servers(pass), Results.ServerResults::relay, List.of(
                    new Metric<>("Users", r -> Integer.toString(r.users())),
                    new Metric<>("Room size (users)", r -> Integer.toString(r.roomSize())),
                    new Metric<>("Client", r -> text(r.client())),
                    new Metric<>("Warm-up at saturation, until the rate stopped rising (s)", r -> seconds(r.warmUpSeconds())),
                    new Metric<>("Rate in the last three warm-up windows (signals/s)", r -> lastWarmUp(r)),
                    new Metric<>("Saturation (signals/s)", r -> rate(r.saturationPerSecond())),
                    new Metric<>("Cores used at saturation: server / generator / other load", r -> cores(r.atSaturation())),
                    new Metric<>("CPU per signal at saturation: server / generator (µs)", r -> perSignal(r)),
                    new Metric<>(busyLabel(pass, " at saturation"), r -> busy(r.atSaturation())),
                    new Metric<>("Limited by", r -> r.atSaturation() == null ? NOT_AVAILABLE
                            : text(r.atSaturation().limitedBy()))));
            for (Results.ServerResults server : servers(pass)) {
                if (server.relay() != null) {
                    latencyByLoad(server.server() + ", " + pass.name(), orEmpty(server.relay().latencyByLoad()));
                }
            }
            chart(latencyChart(index, pass), "Relay latency vs load, " + pass.name());
        }
        chart(SATURATION_CHART, "Relay saturation per server and pass");
    }

    private void latencyByLoad(String title, List<Results.LoadPoint> points) {
        out.append("#### ").append(title).append(": latency by load\n\n");
        if (points.isEmpty()) {
            note("No load points measured.");
            return;
        }
        List<List<String>> rows = points.stream().map(p -> List.of(percent(p.fraction()),
                rate(p.targetPerSecond()), rate(p.achievedPerSecond()), ms(p.p50()), ms(p.p99()), ms(p.max()),
                Long.toString(p.lost()))).toList();
        table(List.of("Load (of saturation)", "Target (signals/s)", "Achieved (signals/s)", "p50 (ms)",
                "p99 (ms)", "max (ms)", "Lost"), rows);
    }

    private void browser() {
        section("Browser", "From \"click\" to \"data channel open\" in real browsers: step1 (both peers in one "
                + "page, the lower bound) against step3 (two pages, through the server). Not pinned.");
        Map<String, Map<String, Results.BrowserTiming>> byBrowser = browserTimings(report);
        if (!byBrowser.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            byBrowser.forEach((browser, pages) -> rows.add(browserRow(browser, pages.get("step1"), pages.get("step3"))));
            table(List.of("Browser", "step1 median (ms)", "step1 p90 (ms)", "step3 median (ms)", "step3 p90 (ms)",
                    "step3 / step1 (median)"), rows);
            chart(BROWSER_CHART, "Browser setup time");
        }
        // One browser may have failed and the other not: the table shows the one, this says why the other is missing.
        if (report.browser() != null && report.browser().failure() != null) {
            note("Not measured in this run: " + oneLine(report.browser().failure()));
        } else if (byBrowser.isEmpty()) {
            note("Not measured in this run (no browser results).");
        }
    }

    private void fileTransfer() {
        List<Results.FileTransfer> transfers = report.browser() == null ? List.of()
                : orEmpty(report.browser().transfers()).stream().filter(t -> t != null).toList();
        section("File transfer", "A file of random bytes sent peer to peer in step 3's page (a data channel of its "
                + "own), from a page in one browser to a page in another, or in the same browser; each run in fresh "
                + "pages and a fresh room. Timed in the sender's page: from the file input's change to the file's "
                + "line saying \"done\", which it does once the receiver has checked the SHA-256 of what came. "
                + "MB/s: 10^6 bytes a second. Not pinned.\n\n"
                + "Each browser's reference is its data channels with no app code, measured in the same run just "
                + "before the transfers: the same bytes sent the same way (16 KiB chunks, the same backpressure) between two "
                + "RTCPeerConnections of one page, from memory, nothing hashed, the receiver only counting; timed from "
                + "the first send to the last byte received. Each pair is held against the slower of its two "
                + "browsers' references, since a file goes no faster than its slower end allows.");
        if (transfers.isEmpty()) {
            note(report.browser() != null && report.browser().failure() != null && browserTimings(report).isEmpty()
                    ? "Not measured in this run: " + oneLine(report.browser().failure())
                    : "Not measured in this run.");
            return;
        }
        out.append("File size: ").append(String.join(", ", transfers.stream().map(t -> mib(t.bytes()) + " MiB")
                .distinct().toList())).append(".\n\n");
        List<Results.ChannelReference> references = orEmpty(report.browser().references()).stream()
                .filter(r -> r != null).toList();
        if (!references.isEmpty()) {
            table(List.of("Reference (browser)", "Runs", "Median (MB/s)", "Best (MB/s)"), references.stream()
                    .map(r -> List.of(text(r.browser()), Integer.toString(r.runs()), megabytesPerSecond(r.median()),
                            megabytesPerSecond(r.best())))
                    .toList());
        }
        table(List.of("Pair (sender -> receiver)", "Runs", "Median (MB/s)", "Best (MB/s)",
                "Slower browser's reference (MB/s)", "Median / reference"), transfers.stream()
                .map(t -> List.of(pair(t), Integer.toString(t.runs()), megabytesPerSecond(t.median()),
                        megabytesPerSecond(t.best()), referenceUsed(t, references),
                        t.ratioToReference() == null ? NOT_AVAILABLE : ratio(t.ratioToReference())))
                .toList());
        references.stream().filter(r -> r.failure() != null)
                .forEach(r -> note("Reference " + text(r.browser()) + ": " + oneLine(r.failure())));
        transfers.stream().filter(t -> t.failure() != null)
                .forEach(t -> note(pair(t) + ": " + oneLine(t.failure())));
    }

    /** "11.5 (firefox)": the reference the pair was held against, which browser's it was. */
    private static String referenceUsed(Results.FileTransfer transfer, List<Results.ChannelReference> references) {
        return references.stream().filter(r -> r.browser() != null && r.browser().equals(transfer.referenceBrowser()))
                .findFirst().map(r -> megabytesPerSecond(r.median()) + " (" + r.browser() + ")").orElse(NOT_AVAILABLE);
    }

    /** MB/s as {@link ReportWriter#megabytesPerSecond} writes them, or n/a. */
    private static String megabytesPerSecond(Double perSecond) {
        return perSecond == null ? NOT_AVAILABLE : ReportWriter.megabytesPerSecond(perSecond);
    }

    /** "chromium -> firefox". */
    private static String pair(Results.FileTransfer transfer) {
        return text(transfer.sender()) + " -> " + text(transfer.receiver());
    }

    /** A failure's message, which may run over lines (a stack or a call log), as one line. */
    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }

    private void cluster() {
        section("Cluster (step 4): what a hop through Redis costs", "Two step-4 nodes and one redis-server, started "
                + "as a user starts them. Joins and signals per second with one node and with two (the same Redis both "
                + "times; with two, users alternate between the nodes and every signal goes to a user on the other "
                + "node), each in a closed loop; then, at a light fixed rate, the one-way latency of a signal to a "
                + "user on the same node and to one on the other node, interleaved. What Redis did is from INFO "
                + "commandstats before and after, divided by the joins, leaves or signals done.");
        Results.Cluster cluster = report.cluster();
        if (cluster == null) {
            note("Not measured in this run.");
            return;
        }
        if (cluster.failure() != null) {
            note("Not measured in this run: " + oneLine(cluster.failure()));
            return;
        }
        if (cluster.pinned()) {
            out.append("**CPUs:** both nodes and Redis on CPU ").append(text(cluster.serverCpus()))
                    .append(", the load generator on CPU ").append(text(cluster.generatorCpus())).append(". With one "
                            + "node or two, the cluster's side has that one core: two nodes cannot go faster than one "
                            + "here, so the ratio says what crossing nodes costs per core, not what another machine "
                            + "would add. Redis ").append(text(cluster.redisVersion())).append(".\n\n");
        } else {
            out.append("**CPUs:** not pinned: both nodes, Redis and the load generator share every CPU. Redis ")
                    .append(text(cluster.redisVersion())).append(".\n\n");
        }
        table(List.of("Process", "CPUs (read back)", "JVM's garbage collector", "Command"),
                orEmpty(cluster.processes()).stream().map(p -> List.of(text(p.name()), text(p.cpus()),
                        p.gc() == null ? NOT_AVAILABLE : p.gc(), "`" + text(p.command()) + "`")).toList());

        Results.Hop hop = cluster.hop();
        if (hop != null) {
            out.append("### The hop: a signal to the same node, and to the other node\n\n");
            out.append(String.format(Locale.ROOT, "%s signals a second in all, alternating between %d pairs of users on "
                    + "one node and %d pairs split over the two, for %s s; one-way latency from when each signal was due "
                    + "to its receipt, on the load generator's clock. One in ten is offer-sized, as in the relay. Measured "
                    + "once the nodes and Redis were quiet at this rate (after %s s of it); meanwhile they used %s cores, "
                    + "other processes %s (CPUs busy %s %%).%n%n", rate(hop.perSecond()), hop.pairs(), hop.pairs(),
                    seconds(hop.seconds()), seconds(hop.quietAfterSeconds()), hop.cpu() == null
                            || hop.cpu().serverCores() == null ? NOT_AVAILABLE : ratio(hop.cpu().serverCores()),
                    hop.cpu() == null ? NOT_AVAILABLE : ratio(hop.cpu().otherCores()), busy(hop.cpu())));
            Results.HopLatency same = hop.sameNode();
            Results.HopLatency other = hop.otherNode();
            table(List.of("", "Same node", "Other node, through Redis", "Other / same"), List.of(
                    List.of("Signals measured", Long.toString(same.messages()), Long.toString(other.messages()), ""),
                    hopRow("p50 (ms)", same.p50(), other.p50()),
                    hopRow("p90 (ms)", same.p90(), other.p90()),
                    hopRow("p99 (ms)", same.p99(), other.p99()),
                    hopRow("max (ms)", same.max(), other.max()),
                    List.of("Lost", Long.toString(same.lost()), Long.toString(other.lost()), "")));
        }

        List<Results.ClusterRate> rates = orEmpty(cluster.rates()).stream().filter(r -> r != null).toList();
        if (rates.isEmpty()) {
            return;
        }
        out.append("### Joins and signals per second, one node and two\n\n");
        List<String> header = new ArrayList<>(List.of(""));
        rates.forEach(r -> header.add(capitalized(r.what()) + ", " + nodes(r)));
        List<Metric<Results.ClusterRate>> metrics = List.of(
                new Metric<>("Rate (per second)", r -> rate(r.perSecond())),
                new Metric<>("Two nodes / one node", r -> {
                    Results.ClusterRate one = cluster.rate(r.what(), 1);
                    return r.nodes() == 1 || one == null || one.perSecond() <= 0 ? "" : ratio(r.perSecond() / one.perSecond());
                }),
                new Metric<>("Done in the window / failed or lost", r -> r.done() + " / " + r.failed()),
                new Metric<>("Window (s)", r -> seconds(r.seconds())),
                new Metric<>("Users, room size", r -> r.users() + " in rooms of " + r.roomSize()),
                new Metric<>("In flight", r -> Integer.toString(r.inFlight())),
                new Metric<>("Signals to a user on another node", r -> r.crossNodeShare() == null ? NOT_AVAILABLE
                        : percent(r.crossNodeShare())),
                new Metric<>("Cores used: " + processNames(rates) + " / other load", r -> processFigures(r, false)
                        + " / " + (r.cpu() == null ? NOT_AVAILABLE : ratio(r.cpu().otherCores()))),
                new Metric<>("CPU per join or signal (µs): " + processNames(rates), r -> processFigures(r, true)),
                new Metric<>("Busy CPU " + cpuNumbers(rates) + ", any process (%)", r -> busy(r.cpu())),
                new Metric<>("Limited by", r -> r.cpu() == null ? NOT_AVAILABLE : clusterLimit(r.cpu().limitedBy())));
        List<List<String>> rows = new ArrayList<>();
        for (Metric<Results.ClusterRate> metric : metrics) {
            List<String> row = new ArrayList<>(List.of(metric.label()));
            rates.forEach(r -> row.add(metric.value().apply(r)));
            rows.add(row);
        }
        table(header, rows);
        if (!orEmpty(cluster.relayWarmUpOneNode()).isEmpty()) {
            out.append(String.format(Locale.ROOT, "Before the signals were measured, one node and two took turns at "
                    + "saturation for %s s, %s; their last three windows: %s (one node), %s (two nodes) signals/s.%n%n",
                    seconds(cluster.warmUpSeconds()), cluster.warmUpSettled() ? "until neither rate rose any more"
                            : "**when the warm-up's time was up, with a rate still rising** (the signal rates above are "
                            + "lower bounds)",
                    lastThree(cluster.relayWarmUpOneNode()), lastThree(orEmpty(cluster.relayWarmUpTwoNodes()))));
        }

        out.append("### What Redis did, per join, leave and signal\n\n");
        List<String> redisHeader = new ArrayList<>(List.of(""));
        List<Results.RedisUse> uses = new ArrayList<>();
        for (Results.ClusterRate r : rates) {
            redisHeader.add((r.what().equals(JOINS) ? "A join, " : "A signal, ") + nodes(r));
            uses.add(r.redis());
            if (r.leaves() != null) {
                redisHeader.add("A leave, " + nodes(r));
                uses.add(r.leaves());
            }
        }
        List<List<String>> redisRows = new ArrayList<>();
        redisRows.add(redisRow("Commands in all, those run inside scripts included", uses,
                u -> String.format(Locale.ROOT, "%.2f", u.callsPerOperation())));
        redisRows.add(redisRow("Scripts (EVALSHA)", uses, u -> String.format(Locale.ROOT, "%.2f", u.scriptsPerOperation())));
        redisRows.add(redisRow("Messages published (SPUBLISH)", uses, u -> perOperation(u.published(), u)));
        redisRows.add(redisRow("Subscribers each published signal reached (fan-out)", uses,
                u -> u.fanOut() == null ? NOT_AVAILABLE : String.format(Locale.ROOT, "%.2f", u.fanOut())));
        redisRows.add(redisRow("Redis's CPU (µs)", uses, u -> String.format(Locale.ROOT, "%.1f", u.redisMicrosPerOperation())));
        redisRows.add(redisRow("Bytes Redis read / wrote", uses, u -> String.format(Locale.ROOT, "%.0f / %.0f",
                u.bytesInPerOperation(), u.bytesOutPerOperation())));
        redisRows.add(redisRow("Counted over (joins, leaves or signals)", uses, u -> Long.toString(u.operations())));
        redisRows.add(redisRow("Heartbeats meanwhile, taken out", uses, u -> Long.toString(u.heartbeats())));
        uses.stream().filter(u -> u != null && u.callsByCommand() != null)
                .flatMap(u -> u.callsByCommand().keySet().stream()).distinct().sorted().forEach(command ->
                        redisRows.add(redisRow(command.toUpperCase(Locale.ROOT) + " (calls each)", uses,
                                u -> perOperation(u.callsByCommand() == null ? 0 : u.callsByCommand().getOrDefault(command, 0L), u))));
        table(redisHeader, redisRows);
    }

    /** "1 node", "2 nodes". */
    private static String nodes(Results.ClusterRate rate) {
        return rate.nodes() + (rate.nodes() == 1 ? " node" : " nodes");
    }

    private static List<String> hopRow(String label, double same, double other) {
        return List.of(label, ms(same), ms(other), same > 0 ? ratio(other / same) + "x" : NOT_AVAILABLE);
    }

    private static List<String> redisRow(String label, List<Results.RedisUse> uses,
            Function<Results.RedisUse, String> value) {
        List<String> row = new ArrayList<>(List.of(label));
        uses.forEach(u -> row.add(u == null ? NOT_AVAILABLE : value.apply(u)));
        return row;
    }

    private static String perOperation(long calls, Results.RedisUse use) {
        return String.format(Locale.ROOT, "%.2f", calls / (double) Math.max(1, use.operations()));
    }

    /** "node a / node b / redis / generator". */
    private static String processNames(List<Results.ClusterRate> rates) {
        return rates.stream().filter(r -> r.processes() != null).findFirst()
                .map(r -> String.join(" / ", r.processes().stream().map(Results.ProcessCpu::name).toList()))
                .orElse(NOT_AVAILABLE);
    }

    private static String processFigures(Results.ClusterRate rate, boolean perOperation) {
        if (rate.processes() == null) {
            return NOT_AVAILABLE;
        }
        return String.join(" / ", rate.processes().stream().map(p -> perOperation
                ? String.format(Locale.ROOT, "%.1f", p.microsPerOperation()) : ratio(p.cores())).toList());
    }

    private static String cpuNumbers(List<Results.ClusterRate> rates) {
        int cpus = rates.stream().filter(r -> r.cpu() != null && r.cpu().busyByCpu() != null)
                .mapToInt(r -> r.cpu().busyByCpu().size()).max().orElse(0);
        return String.join(" / ", IntStream.range(0, cpus).mapToObj(String::valueOf).toList());
    }

    /** The bottleneck, with the nodes and Redis together in the server's part. */
    private static String clusterLimit(String limitedBy) {
        return switch (text(limitedBy)) {
            case "server" -> "nodes and Redis (their CPU full)";
            case "server and generator together (CPUs shared)" -> "nodes, Redis and generator together (CPUs shared)";
            default -> text(limitedBy);
        };
    }

    private static String lastThree(List<Double> rates) {
        return String.join(" / ", rates.subList(Math.max(0, rates.size() - 3), rates.size()).stream()
                .map(ReportWriter::rate).toList());
    }

    private List<String> browserRow(String browser, Results.BrowserTiming step1, Results.BrowserTiming step3) {
        boolean comparable = step1 != null && step3 != null && step1.median() > 0;
        return List.of(text(browser),
                step1 == null ? NOT_AVAILABLE : ms(step1.median()),
                step1 == null ? NOT_AVAILABLE : ms(step1.p90()),
                step3 == null ? NOT_AVAILABLE : ms(step3.median()),
                step3 == null ? NOT_AVAILABLE : ms(step3.p90()),
                comparable ? ratio(step3.median() / step1.median()) : NOT_AVAILABLE);
    }

    private void goals() {
        Results.Pass main = report.mainPass();
        section("Goals", main == null ? null : "Each a ratio within this run, measured in the "
                + main.name() + " pass" + (main.pinned() ? " (the browser goals: unpinned)." : "."));
        List<Results.Goal> goals = orEmpty(report.goals());
        if (goals.isEmpty()) {
            note("No goals evaluated in this run.");
            return;
        }
        List<List<String>> rows = goals.stream().map(g -> List.of(text(g.name()), text(g.target()),
                text(g.measured()), g.ratio() == null ? NOT_AVAILABLE : ratio(g.ratio()) + "x", g.met() ? "yes" : "NO",
                g.note() == null ? "" : g.note())).toList();
        table(List.of("Goal", "Target", "Measured", "Ratio", "Met", "Note"), rows);
    }

    /** "41046 / 41851 / 33115": the rates at the end of the warm-up, to show how steady the server was. */
    private static String lastWarmUp(Results.Relay relay) {
        List<Double> rates = orEmpty(relay.warmUpRates());
        return rates.isEmpty() ? NOT_AVAILABLE : String.join(" / ",
                rates.subList(Math.max(0, rates.size() - 3), rates.size()).stream().map(ReportWriter::rate).toList());
    }

    /** "18.7 / 18.5": CPU time per relayed signal, server's and generator's, in microseconds. */
    private static String perSignal(Results.Relay relay) {
        Results.CpuUse cpu = relay.atSaturation();
        if (cpu == null || relay.saturationPerSecond() <= 0) {
            return NOT_AVAILABLE;
        }
        double micros = 1e6 / relay.saturationPerSecond();
        return (cpu.serverCores() == null ? NOT_AVAILABLE : String.format(Locale.ROOT, "%.1f", cpu.serverCores() * micros))
                + " / " + String.format(Locale.ROOT, "%.1f", cpu.generatorCores() * micros);
    }

    /** "0.99 / 0.62 / 0.01": the cores server, generator and anything else (but interrupts) used. */
    private static String cores(Results.CpuUse cpu) {
        if (cpu == null) {
            return NOT_AVAILABLE;
        }
        return (cpu.serverCores() == null ? NOT_AVAILABLE : ratio(cpu.serverCores())) + " / "
                + ratio(cpu.generatorCores()) + " / " + ratio(cpu.otherCores());
    }

    /** "Busy CPU 0 / 1 at saturation, any process (%)": one number per CPU of the machine. */
    private String busyLabel(Results.Pass pass, String when) {
        int cpus = servers(pass).stream()
                .flatMap(s -> Stream.of(s.join() == null ? null : s.join().cpu(), s.relay() == null ? null : s.relay().atSaturation()))
                .filter(c -> c != null && c.busyByCpu() != null).mapToInt(c -> c.busyByCpu().size()).max().orElse(0);
        String which = cpus == 0 ? "CPUs" : "CPU " + String.join(" / ",
                IntStream.range(0, cpus).mapToObj(String::valueOf).toList());
        return "Busy " + which + when + ", any process (%)";
    }

    /** "98 / 64": how busy each CPU of the machine was, in per cent. */
    private static String busy(Results.CpuUse cpu) {
        if (cpu == null || cpu.busyByCpu() == null || cpu.busyByCpu().isEmpty()) {
            return NOT_AVAILABLE;
        }
        return String.join(" / ", cpu.busyByCpu().stream().map(b -> String.format(Locale.ROOT, "%.0f", b * 100)).toList());
    }

    private static String capitalized(String text) {
        return text == null || text.isEmpty() ? NOT_AVAILABLE : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** A metric of one scenario: its row label, and how to format its value. */
    private record Metric<T>(String label, Function<T, String> value) {
    }

    /** One row per metric, one column per server that ran the scenario. */
    private <T> void sideBySide(List<Results.ServerResults> servers, Function<Results.ServerResults, T> scenario,
            List<Metric<T>> metrics) {
        List<Results.ServerResults> measured = servers.stream().filter(s -> scenario.apply(s) != null).toList();
        if (measured.isEmpty()) {
            note("Not measured in this run.");
            return;
        }
        List<String> header = new ArrayList<>();
        header.add("");
        measured.forEach(server -> header.add(server.server()));
        List<List<String>> rows = new ArrayList<>();
        for (Metric<T> metric : metrics) {
            List<String> row = new ArrayList<>();
            row.add(metric.label());
            measured.forEach(server -> row.add(metric.value().apply(scenario.apply(server))));
            rows.add(row);
        }
        table(header, rows);
    }

    private void section(String title, String description) {
        out.append("## ").append(title).append("\n\n");
        if (description != null) {
            out.append(description).append("\n\n");
        }
    }

    private void table(List<String> header, List<List<String>> rows) {
        tableRow(header);
        tableRow(header.stream().map(cell -> "---").toList());
        rows.forEach(this::tableRow);
        out.append('\n');
    }

    private void tableRow(List<String> cells) {
        out.append('|');
        cells.forEach(cell -> out.append(' ').append(cell(cell)).append(" |"));
        out.append('\n');
    }

    private void chart(String file, String alt) {
        if (charts.contains(file)) {
            out.append("![").append(alt).append("](charts/").append(file).append(")\n\n");
        } else {
            note("No chart: no data for " + alt.toLowerCase(Locale.ROOT) + ".");
        }
    }

    private void note(String text) {
        out.append('_').append(text).append("_\n\n");
    }

    /** A pipe or a line break inside a cell would end it. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace('\n', ' ');
    }

    private static String text(String text) {
        return text == null ? NOT_AVAILABLE : text;
    }
}
