package dev.webrtcsteps.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;

/**
 * Which route a page's peer connection uses, read from {@code getStats()}: {@link #watch(Page)} before the page
 * loads, then {@link #assertOnlyThroughTheRelay(Page, String)} once it is connected.
 */
public final class RelayChecks {

    /** Keeps every RTCPeerConnection the page makes, in {@code window.__peerConnections}. */
    private static final String KEEP_PEER_CONNECTIONS = """
            (() => {
              const made = [];
              window.__peerConnections = made;
              const Native = window.RTCPeerConnection;
              window.RTCPeerConnection = class extends Native {
                constructor(...args) {
                  super(...args);
                  made.push(this);
                }
              };
            })();
            """;

    /** The candidate types of the connected pair in use, and of every candidate this side gathered. */
    private static final String ROUTE = """
            async () => {
              const pc = window.__peerConnections.find((each) => each.connectionState === 'connected');
              if (!pc) return null;
              const stats = await pc.getStats();
              let pair;
              stats.forEach((report) => {
                if (report.type === 'transport' && report.selectedCandidatePairId) pair = stats.get(report.selectedCandidatePairId);
              });
              stats.forEach((report) => { // Firefox marks the pair instead
                if (!pair && report.type === 'candidate-pair' && report.selected) pair = report;
              });
              const gathered = new Set();
              stats.forEach((report) => { if (report.type === 'local-candidate') gathered.add(report.candidateType); });
              return { local: stats.get(pair.localCandidateId).candidateType,
                remote: stats.get(pair.remoteCandidateId).candidateType, gathered: [...gathered] };
            }""";

    private RelayChecks() {
    }

    /** Call before the page navigates: its peer connections are kept for {@link #assertOnlyThroughTheRelay}. */
    public static void watch(Page page) {
        page.context().addInitScript(KEEP_PEER_CONNECTIONS);
    }

    /**
     * The page's connected peer connection goes through TURN at both ends, and the page offered no other
     * address (so its peer never learns its IP address).
     */
    public static void assertOnlyThroughTheRelay(Page page, String who) {
        @SuppressWarnings("unchecked")
        Map<String, Object> route = (Map<String, Object>) page.evaluate(ROUTE);
        assertEquals("relay", route == null ? null : route.get("local"), who + "'s own end of the route: " + route);
        assertEquals("relay", route.get("remote"), who + "'s peer's end of the route: " + route);
        assertEquals(List.of("relay"), route.get("gathered"), who + " offered only relayed addresses: " + route);
    }
}
