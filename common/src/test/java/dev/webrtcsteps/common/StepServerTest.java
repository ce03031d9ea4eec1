package dev.webrtcsteps.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.webrtcsteps.testing.AppServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StepServerTest {

    @RegisterExtension
    static final AppServer app = new AppServer(() -> StepServer.create("test-page", config ->
            config.routes.get("/hello", ctx -> ctx.result("hello"))));

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesTheSharedAssets() throws Exception {
        HttpResponse<String> css = get("/common/style.css");
        assertEquals(200, css.statusCode());
        assertTrue(css.body().contains("--accent"));

        HttpResponse<String> ui = get("/common/ui.js");
        assertEquals(200, ui.statusCode());
        assertTrue(ui.headers().firstValue("content-type").orElseThrow().contains("javascript"));
    }

    @Test
    void servesWebrtcAdapterFromItsWebJarWithoutAVersionInTheUrl() throws Exception {
        HttpResponse<String> adapter = get("/vendor/webrtc-adapter/out/adapter.js");
        assertEquals(200, adapter.statusCode());
        assertTrue(adapter.body().contains("adapter"), "adapter.js should be the webrtc-adapter bundle");
    }

    @Test
    void healthSaysReadyWhileTheServerRuns() throws Exception {
        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"ready\"}", health.body());
    }

    @Test
    void keepsTheStepsOwnRoutes() throws Exception {
        assertEquals("hello", get("/hello").body());
        assertEquals(404, get("/nothing-here").statusCode());
    }

    @Test
    void servesPagesFromTheSourceTreeWhenRunFromItSoEditsShowOnReload() throws Exception {
        // Surefire runs in the module's folder; the classpath has target/test-classes/test-page and
        // target/classes/common-assets, copied from these source folders.
        assertEquals(Path.of("src/test/resources/test-page").toAbsolutePath(), StepServer.sourceFolderOf("test-page"));
        assertEquals(Path.of("src/main/resources/common-assets").toAbsolutePath(),
                StepServer.sourceFolderOf("common-assets"));
        assertNull(StepServer.sourceFolderOf("META-INF/resources/webjars"), "a folder in a jar has no source");
        assertEquals(Files.readString(Path.of("src/test/resources/test-page/index.html")), get("/").body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(app.url(path))).build(), HttpResponse.BodyHandlers.ofString());
    }
}
