package dev.webrtcsteps.common.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/** PEER in the protocol: a connected user as others see them. Step 2 has no names, so {@code name} is left out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PeerInfo(String id, String name) {
}
