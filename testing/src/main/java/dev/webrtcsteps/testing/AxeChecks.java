package dev.webrtcsteps.testing;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Page;
import java.util.ArrayList;
import java.util.List;

/**
 * Accessibility checks with axe-core, the rules engine behind most accessibility linters: every page in every
 * state that matters should give axe nothing to report. {@code AxeChecks.assertNoViolations(page, "step 2, waiting")}.
 *
 * <p>axe runs with its default rules: WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus its best practices (such as
 * "all content is in landmarks"). It runs inside the page, as it is at that moment, so a test puts the page into
 * the state it means first (and waits for it, as usual, with a locator assertion).
 *
 * <p>axe-core's {@code AxeBuilder} injects axe into the page with {@code page.evaluate} and runs it there, here
 * in its single-page ("legacy") mode: the pages have no frames, and the default mode opens another browser page
 * to merge the frames' results, a new BrowserContext per check. Both modes work in Chromium and in stock Firefox
 * over WebDriver BiDi, and under the servers' strict Content Security Policy (an evaluated script is the
 * test's, not the page's, so the pages' CSP watch sees nothing).
 */
public final class AxeChecks {

    /** How much of an offending element's HTML a report shows. */
    private static final int SNIPPET = 160;

    private AxeChecks() {
    }

    /**
     * Fails, listing each violation (rule, impact, what it asks for, and each offending element's selector and
     * HTML), if axe finds any in the page as it is now.
     *
     * @param state what the page is showing, for the failure message, e.g. {@code "step 1, chatting"}
     */
    public static void assertNoViolations(Page page, String state) {
        List<String> found = violations(page);
        if (!found.isEmpty()) {
            throw new AssertionError("axe found " + found.size() + " accessibility violation"
                    + (found.size() == 1 ? "" : "s") + " in " + state + " (" + page.url() + "):\n"
                    + String.join("\n", found));
        }
    }

    /** axe's violations in the page as it is now, one readable entry per rule (empty: none). */
    public static List<String> violations(Page page) {
        AxeResults results = new AxeBuilder(page).setLegacyMode(true).analyze();
        if (results.isErrored()) {
            throw new AssertionError("axe could not run in " + page.url() + ": " + results.getErrorMessage());
        }
        List<String> found = new ArrayList<>();
        for (Rule rule : results.getViolations()) {
            StringBuilder entry = new StringBuilder()
                    .append("- ").append(rule.getId()).append(" (").append(rule.getImpact()).append("): ")
                    .append(rule.getHelp()).append(" [").append(rule.getHelpUrl()).append(']');
            for (CheckedNode node : rule.getNodes()) {
                entry.append("\n    ").append(node.getTarget()).append("  ").append(snippet(node.getHtml()));
            }
            found.add(entry.toString());
        }
        return found;
    }

    private static String snippet(String html) {
        String oneLine = html == null ? "" : html.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= SNIPPET ? oneLine : oneLine.substring(0, SNIPPET - 1) + "…";
    }
}
