package dev.webrtcsteps.step4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.step3.Hub;
import dev.webrtcsteps.step3.Settings;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without REDIS_URL a step-4 node runs alone, with step 3's hub: nothing else to start, and /metrics all the same. */
class Step4AppTest {

    private static final String TOKEN = "a-token-for-the-tests";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final AppServer app = new AppServer(() -> Step4App.create(new Hub(Settings.DEFAULTS.withStatsToken(TOKEN)),
            "alone", new Heartbeat(Settings.DEFAULTS.heartbeat()), OriginCheck.allowing()));

    @Test
    void aNodeWithoutRedisIsStepThreeWithMetrics() throws Exception {
        try (Welcomed ann = SignalingClient.join(app.webSocket("/signal?room=solo&name=Ann"));
                Welcomed bob = SignalingClient.join(app.webSocket("/signal?room=solo&name=Bob"))) {
            assertEquals(ann.id(), bob.welcome().at("/peers/0/id").asText());
            assertEquals(bob.id(), ann.client().next("peer-joined").at("/peer/id").asText());
            ann.client().send("{\"type\":\"signal\",\"to\":\"" + bob.id() + "\",\"data\":{\"candidate\":null}}");
            assertEquals(ann.id(), bob.client().next("signal").get("from").asText());

            HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create(app.url("/metrics")))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            ClusterBehaviour.assertMetric(metrics.body(), "signaling_users{node=\"alone\"}", 2);
            ClusterBehaviour.assertMetric(metrics.body(), "cluster_nodes{node=\"alone\"}", 1);
            assertEquals("alone", metrics.headers().firstValue("X-Node").orElse(null), "each response names its node");
        }
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(app.url("/health"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
    }
}
