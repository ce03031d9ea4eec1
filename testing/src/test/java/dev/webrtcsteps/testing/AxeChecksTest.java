package dev.webrtcsteps.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The accessibility check finds what it should, says it readably, and passes a page with nothing to find. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AxeChecksTest {

    @RegisterExtension
    final Browsers browsers = new Browsers();

    @EachBrowser
    void anImageWithoutAltTextFailsTheCheckWithARuleAndTheElement(BrowserKind browser) {
        Page page = browsers.newPage(browser);
        page.setContent("""
                <!doctype html><html lang="en"><head><title>Broken</title></head>
                <body><main><h1>Broken</h1><img id="no-alt" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>""");

        AssertionError failure = assertThrows(AssertionError.class,
                () -> AxeChecks.assertNoViolations(page, "a page with a known fault"));

        String report = failure.getMessage();
        assertTrue(report.startsWith("axe found 1 accessibility violation in a page with a known fault"), report);
        assertTrue(report.contains("- image-alt (critical): Images must have alternative text"), report);
        assertTrue(report.contains("[#no-alt]  <img id=\"no-alt\""), report);
    }

    @EachBrowser
    void contentOutsideLandmarksIsReportedToo(BrowserKind browser) {
        Page page = browsers.newPage(browser);
        page.setContent("""
                <!doctype html><html lang="en"><head><title>No main</title></head>
                <body><h1>No main</h1><p>Text outside any landmark.</p></body></html>""");

        List<String> found = AxeChecks.violations(page);

        assertEquals(List.of("landmark-one-main", "region"), found.stream().map(entry -> entry.substring(2, entry.indexOf(' ', 2))).toList(), String.join("\n", found));
    }

    @EachBrowser
    void aTidyPageHasNothingToReport(BrowserKind browser) {
        Page page = browsers.newPage(browser);
        page.setContent("""
                <!doctype html><html lang="en"><head><title>Tidy</title></head>
                <body><main><h1>Tidy</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A dot">
                <label>Name <input type="text"></label></main></body></html>""");

        AxeChecks.assertNoViolations(page, "a tidy page");
    }
}
