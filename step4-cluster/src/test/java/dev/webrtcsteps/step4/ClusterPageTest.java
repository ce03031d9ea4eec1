package dev.webrtcsteps.step4;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.webrtcsteps.testing.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.webrtcsteps.testing.BrowserKind;
import dev.webrtcsteps.testing.Browsers;
import dev.webrtcsteps.testing.EachBrowserPair;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 3's page, unchanged, in real browsers, through HAProxy in front of two nodes: users who land on different
 * nodes chat, and go on when one node is killed (its users' pages come back through the other, with their ids).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterPageTest {

    private static final Pattern AN_ID = Pattern.compile("^[A-Za-z0-9_-]{22}$");
    private static final LocatorAssertions.HasAttributeOptions RECONNECTED = new LocatorAssertions.HasAttributeOptions().setTimeout(20_000);
    /** Every page comes from this machine's one address, through the balancer. */
    private static final String[] SETTINGS = {"TRUSTED_PROXIES", "127.0.0.1", "JOINS_PER_SECOND_PER_ADDRESS", "1000",
            "MAX_CONNECTIONS_PER_ADDRESS", "1000"};

    private static RedisProcess redis;
    private NodeProcess a;
    private NodeProcess b;
    private Balancer balancer;
    private static int rooms;

    @RegisterExtension
    final Browsers browsers = new Browsers();

    private record User(Page page, String name, String id) {
        Locator person(User other) {
            return page.locator("#people li[data-peer-id='" + other.id + "']");
        }

        Locator conversationWith(User other) {
            return page.locator(".log[data-peer-id='" + other.id + "'] li");
        }
    }

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.started();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void startNodesAndBalancer() {
        a = NodeProcess.start("page-a", redis.url(), SETTINGS);
        b = NodeProcess.start("page-b", redis.url(), SETTINGS);
        // A node's first answer is slow (classes to load, code to compile): on a busy machine slower than the
        // balancer's health check waits, and then no node would be up for the test's first page. Deployed
        // nodes are in the same spot for a moment; the test starts the balancer once they have answered once.
        a.stats();
        b.stats();
        balancer = new Balancer(a, b);
    }

    @AfterEach
    void stopThem() {
        balancer.close();
        a.close();
        b.close();
    }

    @EachBrowserPair
    void usersOnDifferentNodesChatAndGoOnWhenOneNodeIsKilled(BrowserKind annsBrowser, BrowserKind bobsBrowser) {
        String room = "page-room-" + ++rooms + "-" + System.nanoTime();
        User ann = join(annsBrowser, "Ann", room);
        NodeProcess annsNode = nodeOf(ann);
        User bob = joinOnAnotherNodeThan(annsNode, bobsBrowser, "Bob", room);
        NodeProcess bobsNode = nodeOf(bob);
        assertNotEquals(annsNode, bobsNode);

        chat(ann, bob, "hello from " + annsNode.name);
        chat(bob, ann, "hello from " + bobsNode.name);

        bobsNode.kill();
        assertThat(bob.page().locator("#status")).hasAttribute("data-state", "online", RECONNECTED);
        assertThat(bob.page().locator("#my-id")).hasText(bob.id()); // resumed through the other node: same id
        eventually("Bob is on " + annsNode.name + " now", () -> annsNode.log().stream()
                .anyMatch(line -> line.contains("Peer " + bob.id() + " resumed on a new connection")));
        chat(ann, bob, "still here after " + bobsNode.name + " died");
        chat(bob, ann, "me too");
        // A new call needs signaling, all of it through the node that is left.
        User carol = join(bobsBrowser, "Carol", room);
        chat(carol, bob, "a new connection, after the failover");
        chat(bob, carol, "and back");
        assertThat(ann.person(bob)).hasCount(1);
        assertThat(ann.person(carol)).hasCount(1);
    }

    private User join(BrowserKind browser, String name, String room) {
        Page page = browsers.newPage(browser);
        page.navigate(balancer.url("/?room=" + encode(room) + "&name=" + encode(name)));
        // Nodes, Redis, HAProxy and the browsers share two cores with the other tests: more than the default 5 s.
        assertThat(page.locator("#my-id")).hasText(AN_ID, new LocatorAssertions.HasTextOptions().setTimeout(15_000));
        return new User(page, name, page.locator("#my-id").textContent());
    }

    /**
     * Joins through the balancer until the user lands on another node than {@code taken}: round robin hands
     * every request (the page's files too) to the next node, so which one the WebSocket gets varies.
     */
    private User joinOnAnotherNodeThan(NodeProcess taken, BrowserKind browser, String name, String room) {
        for (int attempt = 0; attempt < 10; attempt++) {
            User user = join(browser, name, room);
            if (nodeOf(user) != taken) {
                return user;
            }
            user.page().context().close();
            // One or two more requests: round robin moves on, and the next page's requests with it. A page load is
            // a fixed number of requests: were it even, one more each time would land the WebSocket on the same node.
            for (int extra = 0; extra <= attempt % 2; extra++) {
                balancer.get("/health");
            }
        }
        throw new AssertionError(name + " landed on " + taken.name + " ten times in a row: is the balancer round robin?");
    }

    /** The node that says, in its log, that this user connected to it. */
    private NodeProcess nodeOf(User user) {
        NodeProcess[] found = new NodeProcess[1];
        eventually(user.name() + " (" + user.id() + ") is on a node", () -> {
            for (NodeProcess node : List.of(a, b)) {
                if (node.log().stream().anyMatch(line -> line.contains("Peer " + user.id() + " connected"))) {
                    found[0] = node;
                }
            }
            return found[0] != null;
        });
        return found[0];
    }

    private static void chat(User from, User to, String text) {
        from.person(to).locator("button").click();
        assertThat(from.page().locator("#send")).isEnabled();
        from.page().locator("#text").fill(text);
        from.page().locator("#send").click();
        assertThat(to.conversationWith(from).last()).containsText(from.name() + ":" + text);
        assertThat(from.conversationWith(to).last()).hasAttribute("data-receipt", java.util.regex.Pattern.compile("delivered|read"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
