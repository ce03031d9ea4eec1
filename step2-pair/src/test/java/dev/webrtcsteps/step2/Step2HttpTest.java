package dev.webrtcsteps.step2;

import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.HttpChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** StepServer's HTTP-level promises hold for step 2: security headers, no cookies, other host names refused. */
class Step2HttpTest {

    @RegisterExtension
    static final AppServer app = new AppServer(Step2App::create);

    @Test
    void everyResponseCarriesTheSecurityHeadersAndOtherHostNamesAreRefused() throws Exception {
        HttpChecks.assertHardened(app, true, "/", "/main.js", "/common/style.css", "/vendor/webrtc-adapter/out/adapter.js",
                "/health");
    }
}
