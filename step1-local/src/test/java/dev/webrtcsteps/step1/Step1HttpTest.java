package dev.webrtcsteps.step1;

import dev.webrtcsteps.testing.AppServer;
import dev.webrtcsteps.testing.HttpChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** StepServer's HTTP-level promises hold for step 1: security headers, no cookies, other host names refused. */
class Step1HttpTest {

    @RegisterExtension
    static final AppServer app = new AppServer(Step1App::create);

    @Test
    void everyResponseCarriesTheSecurityHeadersAndOtherHostNamesAreRefused() throws Exception {
        HttpChecks.assertHardened(app, false, "/", "/main.js", "/common/style.css", "/vendor/webrtc-adapter/out/adapter.js",
                "/health");
    }
}
