package dev.webrtcsteps.step3;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * Limits per client address, so that one machine cannot take what is meant for many: at most
 * {@code maxConnections} open connections, and at most {@code joinsPerSecond} new connections a second (in
 * bursts of five seconds' worth). Without them one client could fill the server up to {@code MAX_USERS} in a
 * minute, or join and leave a big room a hundred times a second, each time costing every member two messages.
 * The defaults leave room for many users behind one NAT (a school, an office).
 *
 * <p>An IPv6 client counts by its /64 network: one machine is usually given a whole /64 and may pick any address
 * in it. Behind a proxy or load balancer every connection comes from the proxy: list it in {@code TRUSTED_PROXIES},
 * and the client's address is then the last one in {@code X-Forwarded-For} that is not a trusted proxy (the
 * entries before it were written by the client, which may write anything).
 *
 * <p>Memory stays bounded: an address is forgotten when it has no open connection and its join budget is full again.
 */
final class AddressLimits {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern WITH_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+\\]):\\d{1,5}");
    /** A burst may hold this many seconds' worth of joins. */
    private static final int BURST_SECONDS = 5;

    private final int maxConnections;
    private final int joinsPerSecond;
    private final InetAddressSet trustedProxies;
    private final LongSupplier clock;
    private final ConcurrentMap<String, Address> addresses = new ConcurrentHashMap<>();
    /** The next sweep of idle addresses comes when this many are known: twice as many as the last one left. */
    private volatile int sweepAt = 1024;

    /** What this server knows of one client address. Guarded by its own lock. */
    private final class Address {
        int open;
        boolean forgotten;
        final RateLimit joins = new RateLimit(joinsPerSecond, joinsPerSecond * BURST_SECONDS, Integer.MAX_VALUE, clock);
        long lastJoin;
    }

    /** @param trustedProxies addresses, CIDR ranges ({@code 10.0.0.0/8}) or ranges ({@code 10.0.0.1-10.0.0.9}) */
    AddressLimits(int maxConnections, int joinsPerSecond, List<String> trustedProxies) {
        this(maxConnections, joinsPerSecond, trustedProxies, System::nanoTime);
    }

    AddressLimits(int maxConnections, int joinsPerSecond, List<String> trustedProxies, LongSupplier clock) {
        this.maxConnections = maxConnections;
        this.joinsPerSecond = joinsPerSecond;
        this.trustedProxies = new InetAddressSet();
        trustedProxies.forEach(this.trustedProxies::add);
        this.clock = clock;
    }

    /**
     * The address a connection counts under: its TCP peer ({@code peer}, an IP address as text), or the client a
     * trusted proxy names, as an IPv4 address or an IPv6 /64 network.
     */
    String addressOf(String peer, List<String> forwardedFor) {
        InetAddress client = literal(peer);
        if (client != null && forwardedFor != null && trustedProxies.test(client)) {
            List<String> hops = forwardedFor.stream().flatMap(header -> Arrays.stream(header.split(",")))
                    .map(String::trim).toList();
            for (int i = hops.size() - 1; i >= 0; i--) {
                InetAddress hop = literal(hops.get(i));
                if (hop == null) {
                    break; // not an address: the hops before it cannot be trusted either
                }
                client = hop;
                if (!trustedProxies.test(hop)) {
                    break;
                }
            }
        }
        return client == null ? "unknown" : key(client);
    }

    /**
     * Asked before a WebSocket upgrade: null if a new connection from this address may open (it takes one join
     * from the address's budget), or why not.
     */
    String refusal(String address) {
        if (addresses.size() >= sweepAt) {
            forgetIdle();
            sweepAt = Math.max(1024, 2 * addresses.size());
        }
        return withKnown(address, known -> {
            if (known.open >= maxConnections) {
                return "Your address has " + maxConnections + " connections open here already, the most one address "
                        + "may have. Close some, or try later.";
            }
            if (known.joins.admit() != RateLimit.Verdict.ALLOWED) {
                return "Too many new connections from your address: at most " + joinsPerSecond + " a second. "
                        + "Try again in a moment.";
            }
            known.lastJoin = clock.getAsLong();
            return null;
        });
    }

    /**
     * Counts a connection that has opened, until {@link #release}. False if that makes more than the address may
     * have (several were upgraded at once): the caller closes it.
     */
    boolean opened(String address) {
        return withKnown(address, known -> {
            known.open++;
            known.lastJoin = clock.getAsLong();
            return known.open <= maxConnections;
        });
    }

    /** Runs {@code use} on what is known of this address, under its lock; never on one a sweep has just forgotten. */
    private <T> T withKnown(String address, Function<Address, T> use) {
        while (true) {
            Address known = addresses.computeIfAbsent(address, any -> new Address());
            synchronized (known) {
                if (!known.forgotten) {
                    return use.apply(known);
                }
            }
        }
    }

    /** A connection that {@link #opened} counted has closed. */
    void release(String address) {
        Address known = addresses.get(address);
        if (known != null) {
            synchronized (known) {
                known.open--;
            }
        }
    }

    /** How many addresses this server remembers. */
    int size() {
        return addresses.size();
    }

    /** Forgets addresses with nothing open and a full join budget: they would be made anew just the same. */
    private void forgetIdle() {
        long refilled = clock.getAsLong() - TimeUnit.SECONDS.toNanos(BURST_SECONDS);
        addresses.forEach((address, known) -> {
            synchronized (known) {
                if (known.open == 0 && known.lastJoin - refilled <= 0) {
                    known.forgotten = true;
                    addresses.remove(address, known);
                }
            }
        });
    }

    /**
     * An IP address written as one, perhaps with a port ({@code 192.0.2.1:4711}, {@code [2001:db8::1]:443}), or
     * null. Never a name, nor anything else a resolver would be asked about: no DNS lookup for what a client wrote.
     */
    static InetAddress literal(String written) {
        Matcher withPort = WITH_PORT.matcher(written);
        String text = withPort.matches() ? withPort.group(1) : written;
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        try {
            if (IPV4.matcher(text).matches()) {
                byte[] octets = new byte[4];
                String[] parts = text.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(parts[i]);
                    if (octet > 255) {
                        return null;
                    }
                    octets[i] = (byte) octet;
                }
                return InetAddress.getByAddress(octets);
            }
            // With a colon in it, Java reads it as an IPv6 address, or refuses it, without asking a resolver.
            return IPV6.matcher(text).matches() ? InetAddress.getByName(text) : null;
        } catch (UnknownHostException notAnAddress) {
            return null;
        }
    }

    private static String key(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] network = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(network, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/64";
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return address.getHostAddress();
    }
}
