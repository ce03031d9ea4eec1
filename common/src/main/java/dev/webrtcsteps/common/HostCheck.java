package dev.webrtcsteps.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which names the server answers to, in the {@code Host} header of every HTTP request (pages, {@code /signal},
 * {@code /health}, {@code /stats}). It defeats DNS rebinding: a page on {@code evil.example} whose name the
 * attacker then points at 127.0.0.1 is, for the browser, still on {@code evil.example}, so its requests carry
 * {@code Host: evil.example} (and {@code Origin: http://evil.example}, which the origin check would take for
 * the server's own). An IP address cannot be rebound, and {@code localhost} and its {@code *.localhost} names
 * always mean this machine, so those are always allowed; other names only when {@code ALLOWED_HOSTS} lists them.
 *
 * @param allowed other host names the server answers to ({@code ALLOWED_HOSTS}, comma separated, {@code *} for any)
 */
public record HostCheck(Set<String> allowed) {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]*:[0-9a-f:.]*(%25[0-9a-z._~-]+)?]");
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    public HostCheck {
        allowed = Set.copyOf(allowed);
    }

    /** Only IP addresses, {@code localhost} and {@code *.localhost}, and {@code names}. */
    public static HostCheck allowing(String... names) {
        return new HostCheck(Arrays.stream(names).map(HostCheck::normalized).collect(Collectors.toUnmodifiableSet()));
    }

    /**
     * {@code ALLOWED_HOSTS}: host names without scheme or port, comma separated, or {@code *}.
     *
     * @throws IllegalArgumentException for an entry that is not a host name; {@link StepServer#run} prints it
     */
    public static HostCheck fromEnvironment(Map<String, String> environment) {
        return new HostCheck(Arrays.stream(environment.getOrDefault("ALLOWED_HOSTS", "").split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .map(name -> {
                    String host = normalized(name);
                    if (!host.equals("*") && !HOST_NAME.matcher(host).matches()) {
                        throw new IllegalArgumentException("ALLOWED_HOSTS lists host names without scheme or port, "
                                + "e.g. ALLOWED_HOSTS=chat.example.org, but it has '" + name + "'.");
                    }
                    return host;
                })
                .collect(Collectors.toUnmodifiableSet()));
    }

    /**
     * Whether the server answers to {@code host}, the host name of a request's {@code Host} header without its
     * port (IPv6 addresses in brackets). No host at all is allowed: browsers always send one, and rebinding
     * needs a browser.
     */
    public boolean allows(String host) {
        if (host == null || host.isEmpty() || allowed.contains("*")) {
            return true;
        }
        String name = normalized(host);
        return IPV4.matcher(name).matches() || IPV6.matcher(name).matches()
                || name.equals("localhost") || name.endsWith(".localhost")
                || allowed.contains(name);
    }

    /** Host names compare without case and without the dot that may end a fully qualified name. */
    private static String normalized(String host) {
        String lower = host.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
