package dev.webrtcsteps.common;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Which pages may open the signaling WebSocket. Browsers send every WebSocket's {@code Origin} and let any page
 * open one to any server: without this check a page on another site could join rooms in its visitors' names.
 * The page's own server is always allowed, and so are clients that are not browsers (they send no Origin).
 * A step runs it before the upgrade: {@code config.routes.wsBeforeUpgrade("/signal", origins::check)}.
 *
 * @param allowed other origins whose pages may connect ({@code ALLOWED_ORIGINS}, comma separated, {@code *} for any)
 * @param refusals how many upgrades were refused
 * @param refusalsLog where refusals are logged, a few a minute
 */
public record OriginCheck(Set<String> allowed, LongAdder refusals, LogThrottle refusalsLog) {

    public static OriginCheck allowing(String... origins) {
        return new OriginCheck(Set.of(origins), new LongAdder(), newRefusalsLog());
    }

    public static OriginCheck fromEnvironment(Map<String, String> environment) {
        return new OriginCheck(Arrays.stream(environment.getOrDefault("ALLOWED_ORIGINS", "").split(","))
                .map(String::trim)
                .filter(origin -> !origin.isEmpty())
                .map(origin -> origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin)
                .collect(Collectors.toUnmodifiableSet()), new LongAdder(), newRefusalsLog());
    }

    /** Refusals can come by the thousand: a few lines a minute say enough. */
    private static LogThrottle newRefusalsLog() {
        return new LogThrottle(LoggerFactory.getLogger(OriginCheck.class), 20);
    }

    /** Lets the upgrade go on, or refuses it with 403 and a log line. */
    public void check(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || allows(origin, ctx.host())) {
            return;
        }
        refusals.increment();
        String shown = printable(origin);
        refusalsLog.warn("Refused a WebSocket from {}: origin {} is not allowed (ALLOWED_ORIGINS can allow it)", ctx.ip(), shown);
        throw new ForbiddenResponse("Pages from " + shown + " may not connect to this server.");
    }

    private boolean allows(String origin, String host) {
        if (allowed.contains("*") || allowed.contains(origin)) {
            return true;
        }
        try {
            String authority = URI.create(origin).getAuthority();
            return authority != null && authority.equalsIgnoreCase(host); // the page's own server
        } catch (IllegalArgumentException notAUri) {
            return false;
        }
    }

    /** A header is the client's text: no control characters into the log, and not too much of it. */
    static String printable(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }
}
