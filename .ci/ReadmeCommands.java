import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps the commands that README.md and docs/ print honest, by running them as they are written.
 *
 * <pre>
 *   java .ci/ReadmeCommands.java test-command          prints the README's test command (.ci/run runs it)
 *   java .ci/ReadmeCommands.java run-commands          runs every printed run command and checks its server
 *   java .ci/ReadmeCommands.java run-commands --empty-repository   the same with an empty local Maven repository
 * </pre>
 *
 * The run commands (every {@code mvn ... exec:java} in README.md and docs/*.md, as code) run in a copy of this
 * work tree (what git tracks or would track, no target/), the way a user's fresh clone would: the one-command
 * forms first, then the README's {@code mvn install ...}, then the short forms. The copy uses its own local
 * Maven repository holding everything of ~/.m2 except this project's artifacts (hard links, so it is quick), or
 * nothing at all with --empty-repository. Each command gets a free PORT unless it sets one, and passes when its
 * server prints where it runs, every address it prints serves the page, GET /health says ready, and, for a
 * signaling step, /signal sends a welcome. Then it is stopped. A failure prints the command and its first error.
 */
public class ReadmeCommands {

    /** The README's section with the two commands: run step 3, run all tests, in that order. */
    static final String TWO_COMMANDS = "## The two commands";
    /** Steps whose server only serves a page (step 1's two peers live in one page): no /signal. */
    static final Set<String> PAGE_ONLY_STEPS = Set.of("step1-local");
    static final Pattern INLINE_CODE = Pattern.compile("`([^`\\n]+)`");
    static final Pattern INDENTED_CODE = Pattern.compile("(?m)^ {4}(\\S.*)$");
    static final Pattern RUNNING = Pattern.compile("(https?://[^\\s)]+)");
    static final Pattern MODULE = Pattern.compile("-pl\\s+(\\S+)");
    static final Pattern REDIS_URL = Pattern.compile("REDIS_URL=redis://127\\.0\\.0\\.1:(\\d+)\\b");
    static final Duration FIRST_START = Duration.ofMinutes(10); // a fresh local repository downloads the world
    static final Duration START = Duration.ofMinutes(4);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The {@code turnserver ...} commands the docs print: a chapter's TURN server, for its run commands. */
    final List<String> turnServers = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".").toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"));
        List<String> twoCommands = code(INDENTED_CODE, section(readme, TWO_COMMANDS));
        if (twoCommands.size() != 2 || !twoCommands.get(0).contains("exec:java")) {
            fail("README.md's '" + TWO_COMMANDS + "' must show exactly two commands, the run command (exec:java) "
                    + "and then the test command; it shows " + twoCommands);
        }
        String mode = args.length == 0 ? "" : args[0];
        switch (mode) {
            case "test-command" -> System.out.println(twoCommands.get(1));
            case "run-commands" -> {
                boolean emptyRepository = List.of(args).contains("--empty-repository");
                System.exit(new ReadmeCommands().checkAll(root, readme, twoCommands.get(0), emptyRepository) ? 0 : 1);
            }
            default -> fail("usage: java .ci/ReadmeCommands.java test-command | run-commands [--empty-repository]");
        }
    }

    boolean checkAll(Path root, String readme, String runCommand, boolean emptyRepository) throws Exception {
        Set<String> commands = new LinkedHashSet<>();
        commands.add(runCommand); // the first thing a new user types goes first, on the coldest machine
        commands.addAll(runCommands(readme));
        List<List<String>> clusters = new ArrayList<>();
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            for (Path doc : docs.filter(path -> path.toString().endsWith(".md")).sorted().toList()) {
                String markdown = Files.readString(doc);
                commands.addAll(runCommands(markdown));
                codeIn(markdown).stream().filter(code -> code.startsWith("turnserver ")).findFirst()
                        .ifPresent(turnServers::add);
                List<String> balancers = codeIn(markdown).stream().filter(code -> code.startsWith("haproxy -f ")).toList();
                if (!balancers.isEmpty()) { // a chapter that starts nodes and a balancer in front of them
                    List<String> together = new ArrayList<>(runCommands(markdown).stream()
                            .filter(command -> command.contains("REDIS_URL=") && command.contains("NODE_ID=")).toList());
                    together.add(balancers.get(0));
                    clusters.add(together);
                }
            }
        }
        List<String> oneCommand = commands.stream().filter(command -> command.contains(" -am ")).toList();
        List<String> shortForm = commands.stream().filter(command -> !command.contains(" -am ")).toList();
        String install = codeIn(readme).stream().filter(code -> code.startsWith("mvn install")).findFirst()
                .orElse(null);
        if (!shortForm.isEmpty() && install == null) {
            fail("README.md shows run commands without -am, but no `mvn install ...` command to run before them.");
        }

        Path work = Files.createTempDirectory("readme-commands-");
        Path tree = copyOfWorkTree(root, work.resolve("clone"));
        Path repository = work.resolve("m2-repository");
        if (emptyRepository) {
            Files.createDirectories(repository);
        } else {
            linkLocalRepositoryWithoutThisProject(repository);
        }
        Files.writeString(tree.resolve(".mvn/maven.config"), "\n-Dmaven.repo.local=" + repository + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        System.out.println("Checking " + commands.size() + " run commands from README.md and docs/ in " + tree
                + (emptyRepository ? ", with an empty local Maven repository" : ""));

        List<String> failed = new ArrayList<>();
        boolean first = true;
        for (String command : oneCommand) {
            if (!check(command, tree, work, first ? FIRST_START : START)) {
                failed.add(command);
            }
            first = false;
        }
        if (!shortForm.isEmpty()) {
            if (!build(install, tree, work)) {
                failed.add(install);
            } else {
                for (String command : shortForm) {
                    if (!check(command, tree, work, START)) {
                        failed.add(command);
                    }
                }
                for (List<String> cluster : clusters) {
                    if (!checkTogether(cluster, tree, work)) {
                        failed.add(String.join(" & ", cluster));
                    }
                }
            }
        }
        if (failed.isEmpty()) {
            System.out.println("All " + commands.size() + " run commands work as written"
                    + (clusters.isEmpty() ? "." : ", and " + clusters.size() + " chapter's nodes with their balancer together."));
            deleteTree(work);
            return true;
        }
        System.out.println(failed.size() + " command(s) printed in README.md or docs/ failed (logs in " + work + "):");
        failed.forEach(command -> System.out.println("  " + command));
        return false;
    }

    /** Runs one run command until its server is up, checks what it serves, stops it. */
    boolean check(String command, Path tree, Path work, Duration startLimit) throws Exception {
        long started = System.nanoTime();
        System.out.println("$ " + command);
        Process redis = redisFor(command, work);
        Running turn = command.contains("TURN_URLS=") ? turnServerFor(command, tree, work) : null;
        if (turn != null && !turn.process.isAlive()) {
            if (redis != null) {
                redis.destroy();
            }
            return false;
        }
        Running server = Running.start(command, tree, work, !command.matches("(^|.*\\s)PORT=.*"));
        try {
            List<String> urls = server.awaitUrls(startLimit);
            if (urls.isEmpty()) {
                boolean exited = server.drained.isDone() && server.process.waitFor(30, TimeUnit.SECONDS);
                return reportFailure(command, server, exited
                        ? "it exited (status " + server.process.exitValue() + ") without saying where it runs"
                        : "it did not print where it is running within " + startLimit.toMinutes() + " min");
            }
            String step = module(command);
            String banner = server.lines.stream().filter(line -> line.contains(" is running")).findFirst().orElse("");
            Matcher number = Pattern.compile("^step(\\d+)-").matcher(step);
            if (number.find() && !banner.startsWith("Step " + number.group(1) + " ")) {
                // Say, -am built another step first, whose exec:java ran instead (and serves a page just as well).
                return reportFailure(command, server, "it started another step: " + banner);
            }
            for (String url : urls) {
                String problem = checkPage(url);
                if (problem != null) {
                    return reportFailure(command, server, problem);
                }
            }
            String problem = checkHealth(urls.get(0));
            if (problem == null && !PAGE_ONLY_STEPS.contains(step)) {
                problem = checkWelcome(urls.get(0), command.contains("TURN_URLS=") || command.contains("STUN_URLS="));
            }
            if (problem != null) {
                return reportFailure(command, server, problem);
            }
            System.out.printf("  ok in %.0f s: %s%n", (System.nanoTime() - started) / 1e9,
                    String.join(" and ", urls) + (PAGE_ONLY_STEPS.contains(step) ? " (page, /health)"
                            : " (page, /health, /signal welcome)"));
            return true;
        } finally {
            server.stop();
            if (turn != null) {
                turn.stop();
            }
            if (redis != null) {
                redis.destroy();
                redis.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A command with {@code TURN_URLS} runs with the TURN server its chapter starts "in another terminal" (the
     * chapter's {@code turnserver ...} command, as written), once that says it is up; a TURN server that exits
     * instead (a flag coturn refuses) is reported, and the command fails.
     */
    Running turnServerFor(String command, Path tree, Path work) throws Exception {
        if (turnServers.isEmpty()) {
            return null;
        }
        String turnCommand = turnServers.get(0);
        System.out.println("  (with " + turnCommand + ")");
        Running turn = Running.start(turnCommand, tree, work, false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (turn.lines.stream().noneMatch(line -> line.contains("Total General servers"))) {
            if (System.nanoTime() > deadline || !turn.process.isAlive()) {
                turn.stop();
                reportFailure(turnCommand, turn, "the TURN server did not start (is coturn installed?)");
                return turn;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return turn;
    }

    /**
     * A command with {@code REDIS_URL=redis://127.0.0.1:PORT} needs the Redis its chapter starts first
     * ({@code redis-server --port PORT --save ''}): started here for the check if nothing listens there.
     */
    static Process redisFor(String command, Path work) throws Exception {
        Matcher url = REDIS_URL.matcher(command);
        if (!url.find()) {
            return null;
        }
        int port = Integer.parseInt(url.group(1));
        if (listening(port)) {
            return null;
        }
        Path directory = Files.createTempDirectory(work, "redis-");
        Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", directory.toString())
                .redirectErrorStream(true).redirectOutput(directory.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening(port)) {
            if (System.nanoTime() > deadline || !redis.isAlive()) {
                fail("the command needs Redis on port " + port + ", and redis-server did not start there (is it installed?)");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        System.out.println("  (with redis-server on port " + port + ", as its chapter starts it)");
        return redis;
    }

    static boolean listening(int port) {
        try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException nobody) {
            return false;
        }
    }

    /**
     * A chapter's nodes and its balancer ({@code haproxy -f FILE}), all running at once as the chapter says, each
     * "in a terminal of its own": through the balancer's address (the FILE's {@code bind}) the page is served,
     * responses come from more than one node, and two users who join one room (on different nodes, round robin)
     * see each other: one set of rooms.
     */
    boolean checkTogether(List<String> commands, Path tree, Path work) throws Exception {
        String balancer = commands.get(commands.size() - 1);
        System.out.println("$ " + String.join("\n$ ", commands) + "\n  (all at once)");
        Process redis = redisFor(commands.get(0), work);
        List<Running> running = new ArrayList<>();
        try {
            for (String node : commands.subList(0, commands.size() - 1)) {
                Running started = Running.start(node, tree, work, false);
                running.add(started);
                if (started.awaitUrls(START).isEmpty()) {
                    return reportFailure(node, started, "it did not print where it is running");
                }
            }
            Matcher bind = Pattern.compile("(?m)^\\s*bind\\s+(\\S+):(\\d+)").matcher(
                    Files.readString(tree.resolve(balancer.substring("haproxy -f ".length()).trim())));
            if (!bind.find()) {
                fail(balancer + ": its configuration has no bind line");
            }
            int port = Integer.parseInt(bind.group(2));
            Running proxy = Running.start(balancer, tree, work, false);
            running.add(proxy);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String base = "http://127.0.0.1:" + port + "/";
            Set<String> nodes = new java.util.TreeSet<>();
            while (nodes.size() < 2 && System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(base + "health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (health.statusCode() == 200) {
                        health.headers().firstValue("X-Node").ifPresent(nodes::add);
                    }
                } catch (IOException notYet) {
                    // the balancer is starting, or its health checks have not found the nodes yet
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            if (nodes.size() < 2) {
                return reportFailure(balancer, proxy, "through it, /health did not answer from two nodes within 20 s (saw " + nodes + ")");
            }
            String problem = checkPage(base);
            if (problem == null) {
                problem = checkOneSetOfRooms(port);
            }
            if (problem != null) {
                return reportFailure(balancer, proxy, problem);
            }
            System.out.println("  ok: " + base + " served by nodes " + nodes + ", one set of rooms");
            return true;
        } finally {
            for (Running each : running) {
                each.stop();
            }
            if (redis != null) {
                redis.destroy();
                redis.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Two users join one room through the balancer, each on its own connection: the second one's welcome names the first. */
    static String checkOneSetOfRooms(int port) {
        List<WebSocket> sockets = new ArrayList<>();
        try {
            List<String> welcomes = new ArrayList<>();
            for (String name : List.of("First", "Second")) {
                CompletableFuture<String> welcome = new CompletableFuture<>();
                sockets.add(HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/signal?room=readme-cluster&name=" + name),
                                new WebSocket.Listener() {
                                    final StringBuilder text = new StringBuilder();

                                    @Override
                                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                        text.append(data);
                                        if (last) {
                                            welcome.complete(text.toString());
                                            text.setLength(0);
                                        }
                                        ws.request(1);
                                        return null;
                                    }
                                }).get(15, TimeUnit.SECONDS));
                welcomes.add(welcome.get(15, TimeUnit.SECONDS));
            }
            Matcher firstId = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(welcomes.get(0));
            if (!firstId.find() || !welcomes.get(1).contains("\"peers\":[{\"id\":\"" + firstId.group(1) + "\"")) {
                return "the second user's welcome does not name the first: " + welcomes;
            }
            return null;
        } catch (Exception broken) {
            return "/signal through the balancer failed: " + broken;
        } finally {
            sockets.forEach(socket -> socket.abort());
        }
    }

    /** Runs a build command (the README's install) to its end. */
    boolean build(String command, Path tree, Path work) throws Exception {
        System.out.println("$ " + command);
        Running build = Running.start(command, tree, work, false);
        if (!build.process.waitFor(15, TimeUnit.MINUTES)) {
            build.stop();
            return reportFailure(command, build, "it did not end within 15 min");
        }
        build.drained.join();
        if (build.process.exitValue() != 0) {
            return reportFailure(command, build, "it exited with status " + build.process.exitValue());
        }
        System.out.println("  ok");
        return true;
    }

    static String checkPage(String url) {
        try {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200 || !page.body().contains("<script type=\"module\"")) {
                return "GET " + url + " answered " + page.statusCode() + " without the step's page";
            }
            return null;
        } catch (IOException | InterruptedException unreachable) {
            return "GET " + url + " failed: " + unreachable;
        }
    }

    static String checkHealth(String pageUrl) {
        URI health = URI.create("http://127.0.0.1:" + URI.create(pageUrl).getPort() + "/health");
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200 || !answer.body().contains("\"ready\"")) {
                return "GET /health answered " + answer.statusCode() + " " + answer.body();
            }
            return null;
        } catch (IOException | InterruptedException unreachable) {
            return "GET " + health + " failed: " + unreachable;
        }
    }

    /** The first /signal message is a welcome, with STUN and TURN servers if the command gave the server any. */
    static String checkWelcome(String pageUrl, boolean withIceServers) {
        URI page = URI.create(pageUrl);
        try {
            CompletableFuture<String> firstMessage = new CompletableFuture<>();
            StringBuilder text = new StringBuilder();
            WebSocket socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create("ws://127.0.0.1:" + page.getPort() + "/signal?room=readme&name=Readme"),
                            new WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                    text.append(data);
                                    if (last) {
                                        firstMessage.complete(text.toString());
                                    }
                                    ws.request(1);
                                    return null;
                                }
                            }).get(15, TimeUnit.SECONDS);
            String welcome = firstMessage.get(15, TimeUnit.SECONDS);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "checked").get(5, TimeUnit.SECONDS);
            if (!welcome.contains("\"type\":\"welcome\"")) {
                return "/signal's first message is not a welcome: " + welcome;
            }
            if (withIceServers && !welcome.contains("\"rtcConfiguration\":{\"iceServers\":[")) {
                return "the welcome names no STUN or TURN server, though the command sets them: " + welcome;
            }
            return null;
        } catch (Exception broken) {
            return "/signal failed: " + broken;
        }
    }

    boolean reportFailure(String command, Running process, String problem) {
        String firstError = process.lines.stream()
                .filter(line -> line.contains("ERROR") || line.startsWith("error:") || line.contains("Exception"))
                .findFirst().orElse("(none; the whole output is in " + process.log + ")");
        System.out.println("FAILED: " + command);
        System.out.println("  because " + problem);
        System.out.println("  first error line: " + firstError.replaceAll("\u001B\\[[;\\d]*m", ""));
        System.out.println("  output: " + process.log);
        return false;
    }

    /** A command started with bash, its output logged and kept, its server's URLs picked from the output. */
    static final class Running {
        final Process process;
        final Path log;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CompletableFuture<List<String>> urls = new CompletableFuture<>();
        final CompletableFuture<Void> drained = new CompletableFuture<>();

        private Running(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Running start(String command, Path tree, Path work, boolean choosePort) throws IOException {
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(tree.toFile())
                    .redirectErrorStream(true);
            if (choosePort) {
                builder.environment().put("PORT", Integer.toString(freePort()));
            }
            Path log = Files.createTempFile(work, "output-", ".log");
            Running running = new Running(builder.start(), log);
            Thread reader = new Thread(running::read, "output of " + command);
            reader.setDaemon(true);
            reader.start();
            return running;
        }

        /** Reads the output; the line that says where the server runs, and the indented ones after it, give its URLs. */
        private void read() {
            List<String> found = new ArrayList<>();
            try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); PrintWriter file = new PrintWriter(Files.newBufferedWriter(log))) {
                boolean inRunningBlock = false;
                for (String line; (line = output.readLine()) != null; ) {
                    file.println(line);
                    file.flush();
                    lines.add(line);
                    if (line.contains(" is running")) {
                        inRunningBlock = true;
                    } else if (inRunningBlock && !line.startsWith(" ")) {
                        inRunningBlock = false;
                        urls.complete(List.copyOf(found));
                    }
                    if (inRunningBlock) {
                        Matcher url = RUNNING.matcher(line);
                        while (url.find()) {
                            found.add(url.group(1));
                        }
                    }
                }
            } catch (IOException closed) {
                // stopped: the output ends here
            } finally {
                urls.complete(List.copyOf(found));
                drained.complete(null);
            }
        }

        List<String> awaitUrls(Duration limit) throws InterruptedException {
            try {
                return urls.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException late) {
                return List.of();
            }
        }

        /** Stops it as Ctrl+C would (Maven runs the server in its own JVM, a child of bash). */
        void stop() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            for (ProcessHandle child : process.descendants().toList()) {
                child.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(late -> null).join();
            }
        }
    }

    /**
     * The run commands a text shows as code (inline, or indented blocks): those with exec:java, except templates
     * such as {@code mvn -pl <step> exec:java}, whose module is a placeholder rather than a module's name.
     */
    static List<String> runCommands(String markdown) {
        return codeIn(markdown).stream()
                .filter(code -> code.contains("mvn ") && code.contains("exec:java"))
                .filter(code -> module(code).matches("[a-z0-9][a-z0-9-]*"))
                .toList();
    }

    static List<String> codeIn(String markdown) {
        List<String> code = new ArrayList<>(code(INDENTED_CODE, markdown));
        code.addAll(code(INLINE_CODE, markdown));
        return code;
    }

    static List<String> code(Pattern kind, String markdown) {
        List<String> code = new ArrayList<>();
        Matcher matcher = kind.matcher(markdown);
        while (matcher.find()) {
            code.add(matcher.group(1).trim());
        }
        return code;
    }

    static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        if (start < 0) {
            fail("README.md has no section '" + heading + "'.");
        }
        int end = markdown.indexOf("\n## ", start + heading.length() + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }

    static String module(String command) {
        Matcher module = MODULE.matcher(command);
        return module.find() ? module.group(1) : "";
    }

    /** What a fresh clone of this work tree would hold: tracked files and untracked ones git does not ignore. */
    static Path copyOfWorkTree(Path root, Path copy) throws Exception {
        Process files = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .directory(root.toFile()).start();
        String listing = new String(files.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (files.waitFor() != 0) {
            fail("git ls-files failed in " + root);
        }
        for (String file : listing.split("\0")) {
            Path source = root.resolve(file);
            if (!file.isEmpty() && Files.isRegularFile(source)) {
                Path target = copy.resolve(file);
                Files.createDirectories(target.getParent());
                Files.copy(source, target);
            }
        }
        return copy;
    }

    /** ~/.m2/repository without dev/webrtcsteps, as hard links: what a user who never built this project has. */
    static void linkLocalRepositoryWithoutThisProject(Path repository) throws Exception {
        Path home = Path.of(System.getProperty("user.home"), ".m2", "repository");
        if (!Files.isDirectory(home)) {
            Files.createDirectories(repository);
            return;
        }
        Process link = new ProcessBuilder("cp", "-al", home.toString(), repository.toString()).inheritIO().start();
        if (link.waitFor() != 0) { // another file system: hard links cannot reach it, so copy
            deleteTree(repository);
            Process copy = new ProcessBuilder("cp", "-a", home.toString(), repository.toString()).inheritIO().start();
            if (copy.waitFor() != 0) {
                fail("could not copy " + home + " to " + repository);
            }
        }
        deleteTree(repository.resolve("dev/webrtcsteps"));
    }

    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path each : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void fail(String message) {
        System.err.println("error: " + message);
        System.exit(2);
    }
}
