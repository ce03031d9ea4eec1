package dev.webrtcsteps.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The browsers the tests run in, and how to launch each one.
 *
 * <p>By default the browsers installed on the system are used (Debian's {@code chromium} and
 * {@code firefox-esr}; stock Firefox is driven through WebDriver BiDi, Playwright's {@code moz-firefox}
 * channel). With {@code -Dbrowser.source=playwright} Playwright's own browsers are used instead, e.g. on
 * GitHub Actions after {@code playwright install}. {@code -Dbrowsers=chromium} narrows the run.
 */
public enum BrowserKind {
    CHROMIUM("chromium", "CHROMIUM_PATH", "/usr/bin/chromium", "apt-get install -y chromium"),
    FIREFOX("firefox", "FIREFOX_PATH", "/usr/bin/firefox-esr", "apt-get install -y firefox-esr");

    private final String id;
    private final String pathVariable;
    private final String debianPath;
    private final String installCommand;

    BrowserKind(String id, String pathVariable, String debianPath, String installCommand) {
        this.id = id;
        this.pathVariable = pathVariable;
        this.debianPath = debianPath;
        this.installCommand = installCommand;
    }

    /** The browsers chosen with {@code -Dbrowsers=...} (default: all); a parameter source for {@link EachBrowser}. */
    public static Stream<BrowserKind> selected() {
        return parse(System.getProperty("browsers", "chromium,firefox")).stream();
    }

    /** Each selected browser with itself, then every two different ones: a parameter source for {@link EachBrowserPair}. */
    public static Stream<org.junit.jupiter.params.provider.Arguments> selectedPairs() {
        List<BrowserKind> kinds = selected().toList();
        Stream.Builder<org.junit.jupiter.params.provider.Arguments> pairs = Stream.builder();
        kinds.forEach(kind -> pairs.add(org.junit.jupiter.params.provider.Arguments.of(kind, kind)));
        for (int i = 0; i < kinds.size(); i++) {
            for (int j = i + 1; j < kinds.size(); j++) {
                pairs.add(org.junit.jupiter.params.provider.Arguments.of(kinds.get(i), kinds.get(j)));
            }
        }
        return pairs.build();
    }

    static List<BrowserKind> parse(String names) {
        List<BrowserKind> kinds = Arrays.stream(names.split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .map(BrowserKind::byId)
                .distinct()
                .toList();
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("-Dbrowsers is empty; use chromium, firefox or chromium,firefox.");
        }
        return kinds;
    }

    private static BrowserKind byId(String name) {
        return Arrays.stream(values())
                .filter(kind -> kind.id.equals(name.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "Unknown browser '" + name + "' in -Dbrowsers; use chromium, firefox or chromium,firefox."));
    }

    public boolean isSelected() {
        return selected().anyMatch(this::equals);
    }

    public Browser launch(Playwright playwright) {
        boolean system = !"playwright".equals(System.getProperty("browser.source", "system"));
        BrowserType.LaunchOptions options = new BrowserType.LaunchOptions().setHeadless(!headed());
        if (this == CHROMIUM) {
            // Raw host addresses instead of mDNS .local names: nothing resolves .local on a CI machine.
            options.setArgs(List.of("--disable-features=WebRtcHideLocalIpsWithMdns"));
            if (system) {
                options.setExecutablePath(systemExecutable());
            }
            return playwright.chromium().launch(options);
        }
        // Host addresses as they are; and loopback allowed, for the tests' TURN server on 127.0.0.1 (TurnServer).
        options.setFirefoxUserPrefs(Map.of("media.peerconnection.ice.obfuscate_host_addresses", false,
                "media.peerconnection.ice.loopback", true));
        if (system) {
            // Stock Firefox has no Juggler; Playwright drives it over WebDriver BiDi.
            options.setChannel("moz-firefox").setExecutablePath(systemExecutable());
        }
        return playwright.firefox().launch(options);
    }

    private Path systemExecutable() {
        return systemExecutable(System.getenv(pathVariable));
    }

    Path systemExecutable(String configured) {
        Path executable = Path.of(configured == null || configured.isBlank() ? debianPath : configured);
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(
                    "The " + this + " browser tests need " + id + " at " + executable + ", and it is not there. "
                    + "Install it (" + installCommand + " on Debian/Ubuntu; `bash .ci/run` does it), set "
                    + pathVariable + " to its executable, use -Dbrowser.source=playwright with Playwright's own "
                    + "browsers, or leave it out with -Dbrowsers=...");
        }
        return executable;
    }

    private static boolean headed() {
        return Boolean.getBoolean("headed");
    }

    @Override
    public String toString() {
        return id;
    }
}
