package dev.webrtcsteps.common;

import dev.webrtcsteps.common.protocol.RtcConfiguration;
import dev.webrtcsteps.common.protocol.RtcConfiguration.IceServer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The STUN and TURN servers the pages may use ({@code STUN_URLS}, {@code TURN_URLS}, {@code ICE_TRANSPORT_POLICY}),
 * and each user's own TURN credentials, valid for {@code TURN_CREDENTIAL_TTL_SECONDS}: the TURN REST API scheme
 * that coturn checks with {@code use-auth-secret}, so the TURN server and this one share a secret
 * ({@code TURN_SECRET}) and never a list of users (docs/turn.md). Nothing set: no servers, as before.
 */
public final class IceServers {

    public static final Duration DEFAULT_CREDENTIAL_TTL = Duration.ofDays(1);
    private static final int MAX_CREDENTIAL_TTL_SECONDS = 30 * 24 * 3600;
    public static final IceServers NONE = new IceServers(List.of(), List.of(), null, DEFAULT_CREDENTIAL_TTL, "all");

    private final List<String> stunUrls;
    private final List<String> turnUrls;
    private final SecretKeySpec turnSecret;
    private final Duration credentialTtl;
    private final String transportPolicy;

    IceServers(List<String> stunUrls, List<String> turnUrls, String turnSecret, Duration credentialTtl, String transportPolicy) {
        this.stunUrls = List.copyOf(stunUrls);
        this.turnUrls = List.copyOf(turnUrls);
        this.turnSecret = turnSecret == null ? null : new SecretKeySpec(turnSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA1");
        this.credentialTtl = credentialTtl;
        this.transportPolicy = transportPolicy;
    }

    /**
     * Reads the settings; a bad value stops the server with one line saying what to set.
     *
     * @throws IllegalArgumentException when a setting is malformed, or the settings do not fit together
     */
    public static IceServers fromEnvironment(Map<String, String> environment) {
        List<String> stun = urls(environment, "STUN_URLS", "stun:", "stuns:");
        List<String> turn = urls(environment, "TURN_URLS", "turn:", "turns:");
        String secret = environment.get("TURN_SECRET");
        secret = secret == null || secret.isBlank() ? null : secret.trim();
        if (!turn.isEmpty() && secret == null) {
            throw new IllegalArgumentException("TURN_URLS needs TURN_SECRET, the static-auth-secret of the TURN server "
                    + "(coturn: use-auth-secret), to give each user its own credentials.");
        }
        if (turn.isEmpty() && secret != null) {
            throw new IllegalArgumentException("TURN_SECRET is set but TURN_URLS is not: list the TURN server's URLs, "
                    + "such as turn:turn.example.org:3478.");
        }
        if (secret != null && secret.length() < 16) {
            throw new IllegalArgumentException("TURN_SECRET must have at least 16 characters, so that it cannot be guessed.");
        }
        String policy = environment.getOrDefault("ICE_TRANSPORT_POLICY", "").trim();
        if (policy.isEmpty()) {
            policy = "all";
        } else if (!policy.equals("all") && !policy.equals("relay")) {
            throw new IllegalArgumentException("ICE_TRANSPORT_POLICY must be 'all' or 'relay', but it is '" + policy + "'.");
        }
        if (policy.equals("relay") && turn.isEmpty()) {
            throw new IllegalArgumentException("ICE_TRANSPORT_POLICY=relay needs a TURN server (TURN_URLS and TURN_SECRET): "
                    + "without one, no two users could connect.");
        }
        int ttl = Environment.number(environment, "TURN_CREDENTIAL_TTL_SECONDS", (int) DEFAULT_CREDENTIAL_TTL.toSeconds(),
                MAX_CREDENTIAL_TTL_SECONDS);
        return new IceServers(stun, turn, secret, Duration.ofSeconds(ttl), policy);
    }

    private static List<String> urls(Map<String, String> environment, String name, String... schemes) {
        List<String> urls = Arrays.stream(environment.getOrDefault(name, "").split(","))
                .map(String::trim).filter(url -> !url.isEmpty()).toList();
        for (String url : urls) {
            if (Arrays.stream(schemes).noneMatch(url::startsWith) || url.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(name + " must list URLs starting with " + String.join(" or ", schemes)
                        + ", separated by commas, but '" + url + "' is not one.");
            }
        }
        return urls;
    }

    /**
     * What the user with this id builds its peer connections from: the servers, with TURN credentials of its own
     * that expire {@code TURN_CREDENTIAL_TTL_SECONDS} from {@code now}; null when no server is set (the browser's
     * defaults, as before).
     */
    public RtcConfiguration forUser(String userId, Instant now) {
        if (stunUrls.isEmpty() && turnUrls.isEmpty()) {
            return null;
        }
        List<IceServer> servers = new ArrayList<>(2);
        if (!stunUrls.isEmpty()) {
            servers.add(new IceServer(stunUrls, null, null));
        }
        if (!turnUrls.isEmpty()) {
            String username = now.plus(credentialTtl).getEpochSecond() + ":" + userId;
            servers.add(new IceServer(turnUrls, username, password(turnSecret, username)));
        }
        return new RtcConfiguration(servers, transportPolicy);
    }

    public RtcConfiguration forUser(String userId) {
        return forUser(userId, Instant.now());
    }

    /** The TURN REST API's password: base64(HMAC-SHA1(secret, username)), which coturn computes again to check it. */
    static String password(SecretKeySpec secret, String username) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA1");
            hmac.init(secret);
            return Base64.getEncoder().encodeToString(hmac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException everyJavaHasIt) {
            throw new IllegalStateException("HmacSHA1 is missing from this Java", everyJavaHasIt);
        }
    }

    /** The secret stays out of logs. */
    @Override
    public String toString() {
        return "IceServers[stun=" + stunUrls + ", turn=" + turnUrls + ", secret=" + (turnSecret == null ? "none" : "(set)")
                + ", credentialTtl=" + credentialTtl + ", transportPolicy=" + transportPolicy + "]";
    }
}
