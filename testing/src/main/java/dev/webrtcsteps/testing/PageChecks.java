package dev.webrtcsteps.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;

/** Checks every step's page passes, whatever the step. */
public final class PageChecks {

    private PageChecks() {
    }

    /** The page names a tab icon and the server serves it, so no browser asks for /favicon.ico and logs a 404. */
    public static void assertTabIconIsServed(Page page) {
        Object answer = page.evaluate("""
                async () => {
                  const icon = document.querySelector('link[rel~="icon"]');
                  if (!icon) return 'no <link rel="icon"> in the page';
                  const response = await fetch(icon.href);
                  return response.status + ' ' + response.headers.get('content-type');
                }""");
        assertTrue(String.valueOf(answer).startsWith("200 image/"), "the tab icon: " + answer);
    }
}
