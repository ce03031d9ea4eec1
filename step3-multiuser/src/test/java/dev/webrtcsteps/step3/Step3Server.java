package dev.webrtcsteps.step3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.SignalingClient;
import dev.webrtcsteps.testing.SignalingClient.Welcomed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The real step 3 app with the given settings, on a free port, for one test. */
final class Step3Server implements AutoCloseable {

    static final String STATS_TOKEN = "a-token-for-the-tests";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Hub hub;
    final Heartbeat heartbeat;
    final AppServer app;

    Step3Server(Settings settings) {
        this(settings, OriginCheck.allowing());
    }

    Step3Server(Settings settings, OriginCheck origins) {
        this(new Hub(settings.withStatsToken(STATS_TOKEN)), origins);
    }

    /** A server started without STATS_TOKEN. */
    static Step3Server withoutStatsToken(Settings settings) {
        return new Step3Server(new Hub(settings.withStatsToken(null)), OriginCheck.allowing());
    }

    private Step3Server(Hub hub, OriginCheck origins) {
        this.hub = hub;
        heartbeat = new Heartbeat(hub.settings().heartbeat());
        app = new AppServer(() -> Step3App.create(hub, heartbeat, origins)).start();
    }

    URI signal(String room, String... more) {
        return app.webSocket("/signal?room=" + room + Arrays.stream(more).map(param -> "&" + param).collect(Collectors.joining()));
    }

    Welcomed join(String room, String... more) {
        return SignalingClient.join(signal(room, more));
    }

    JsonNode stats() {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(app.url("/stats")))
                            .header("Authorization", "Bearer " + STATS_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception failed) {
            throw new AssertionError(failed);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
