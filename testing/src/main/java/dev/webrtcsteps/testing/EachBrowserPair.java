package dev.webrtcsteps.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs a test of two users once per pair of selected browsers: each browser with itself, then Chromium with
 * Firefox. The test method takes two {@link BrowserKind}s.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0} and {1}")
@MethodSource("dev.webrtcsteps.testing.BrowserKind#selectedPairs")
public @interface EachBrowserPair {
}
