package dev.webrtcsteps.bench;

import java.util.List;

/**
 * Every number the benchmark measures; written as report.json and rendered as report.md and the charts.
 * Times are in milliseconds, memory in bytes, rates per second.
 */
public final class Results {

    private Results() {
    }

    /** The whole run. */
    public record Report(String startedAt, double durationSeconds, Machine machine, List<ServerResults> servers,
            BrowserResults browser, List<Goal> goals) {
    }

    /** Where it ran. */
    public record Machine(String os, int cores, long memoryBytes, String java, String node, String socketIo,
            long openFilesLimit) {
    }

    /** One server under test ("step3", "socket.io" or "ws floor"), through the same scenarios. */
    public record ServerResults(String server, String command, Capacity capacity, Join join, Relay relay) {
    }

    /**
     * Scenario 1: users connected in rooms of {@code roomSize}, up to {@code target}; memory sampled as they
     * arrive. {@code heap*} are after a full GC, and only for the Java server (null for socket.io).
     */
    public record Capacity(int target, int held, int roomSize, int failures, double secondsToConnect,
            List<MemoryPoint> memory, long rssBaseline, long rssAtPeak, double rssPerUser,
            Long heapBaseline, Long heapAtPeak, Double heapPerUser) {
    }

    public record MemoryPoint(int users, long rss, Long heapAfterGc) {
    }

    /** Scenario 2: time from opening the connection to the welcome, at a steady join rate. */
    public record Join(int joins, double ratePerSecond, int roomSize, int failures, double p50, double p99,
            double max) {
    }

    /**
     * Scenario 3: signals per second through the server at saturation, and latency (send to receipt, from the
     * time each signal was due, so a stalled server cannot hide its delay) at fractions of that rate.
     */
    public record Relay(int users, int roomSize, double saturationPerSecond, List<LoadPoint> latencyByLoad) {

        /** The point measured at half of the saturation rate. */
        public LoadPoint atHalf() {
            return latencyByLoad.stream().filter(point -> point.fraction() == 0.5).findFirst().orElse(null);
        }
    }

    public record LoadPoint(double fraction, double targetPerSecond, double achievedPerSecond, long messages,
            long lost, double p50, double p99, double max) {
    }

    /** Scenario 4: from "click" to "data channel open" in real browsers. */
    public record BrowserResults(List<BrowserTiming> timings) {
    }

    /** {@code page}: "step1" (both peers in one page, the lower bound) or "step3" (two pages, through the server). */
    public record BrowserTiming(String browser, String page, int runs, double median, double p90, List<Double> samples) {
    }

    /** A goal from the issue, and whether this run met it. */
    public record Goal(String name, String target, String measured, boolean met, String note) {
    }
}
