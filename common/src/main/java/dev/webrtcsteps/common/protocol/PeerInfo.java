package dev.webrtcsteps.common.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.security.SecureRandom;
import java.util.Base64;

/** PEER in the protocol: a connected user as others see them. Step 2 has no names, so {@code name} is left out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PeerInfo(String id, String name) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A new id (or any other secret the server hands out): 128 random bits, so that ids cannot be guessed from
     * one another, as 22 URL-safe characters.
     */
    public static String randomId() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }
}
