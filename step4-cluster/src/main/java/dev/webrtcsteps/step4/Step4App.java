package dev.webrtcsteps.step4;

import dev.webrtcsteps.common.Heartbeat;
import dev.webrtcsteps.common.OriginCheck;
import dev.webrtcsteps.common.StepServer;
import dev.webrtcsteps.step3.Hub;
import dev.webrtcsteps.step3.Settings;
import dev.webrtcsteps.step3.Signaling;
import dev.webrtcsteps.step3.Step3App;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import java.util.Map;

/**
 * Step 4: several servers (nodes) behind a load balancer serve one set of rooms. Step 3's route, page and
 * protocol are unchanged; what changes is the hub: {@link ClusterHub} keeps who is in which room in Redis
 * ({@code REDIS_URL}), and relays signals between nodes through it. Without {@code REDIS_URL} the server runs
 * alone with step 3's hub. Each node adds {@code /metrics} and says who it is in an {@code X-Node} header.
 */
public final class Step4App {

    private Step4App() {
    }

    public static Javalin create() {
        Map<String, String> environment = System.getenv();
        Settings settings = Settings.fromEnvironment(environment);
        ClusterSettings cluster = ClusterSettings.fromEnvironment(environment);
        Signaling hub = cluster.redisUrl() == null ? new Hub(settings) : new ClusterHub(settings, cluster);
        return create(hub, cluster.node(), new Heartbeat(settings.heartbeat()), OriginCheck.fromEnvironment(environment));
    }

    static Javalin create(Signaling hub, String node, Heartbeat heartbeat, OriginCheck origins) {
        ClusterHub clusterHub = hub instanceof ClusterHub shared ? shared : null;
        NodeMetrics metrics = clusterHub != null ? clusterHub.metrics() : new NodeMetrics(node);
        metrics.watch(hub);
        String statsToken = hub.settings().statsToken();
        return StepServer.create("step3-page", () -> clusterHub == null ? null : clusterHub.unavailable(), config -> {
            Step3App.routes(config, hub, heartbeat, origins);
            config.routes.before(ctx -> ctx.header("X-Node", node));
            config.routes.get("/metrics", ctx -> {
                if (!Step3App.authorized(ctx.header("Authorization"), statsToken)) {
                    ctx.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer")
                            .result("/metrics needs the server's STATS_TOKEN, sent as 'Authorization: Bearer TOKEN'.");
                    return;
                }
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
            });
        });
    }

    public static void main(String[] args) {
        StepServer.run("Step 4 (one node of a cluster)", Step4App::create);
    }
}
