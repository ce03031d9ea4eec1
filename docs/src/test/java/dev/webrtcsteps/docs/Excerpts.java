package dev.webrtcsteps.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Code quoted in the docs. A fenced block whose info string names a file, such as
 * <pre>```java step2-pair/src/main/java/dev/webrtcsteps/step2/Step2App.java</pre>
 * is an excerpt: its lines must appear in that file, consecutively and verbatim (the whole excerpt may be
 * indented less than in the file). Blocks without a file name (commands, diagrams) are not checked.
 */
record Excerpts(Path projectRoot) {

    private static final Pattern FENCE = Pattern.compile("^```(\\S+)\\s+(\\S+/\\S+)\\s*$");

    record Excerpt(Path document, int line, String source, List<String> lines) {
        @Override
        public String toString() {
            return document.getFileName() + ":" + line + " (quotes " + source + ")";
        }
    }

    /** Every excerpt in the Markdown files of {@code docs}. */
    List<Excerpt> all(Path docs) {
        try (Stream<Path> files = Files.walk(docs)) {
            List<Excerpt> excerpts = new ArrayList<>();
            for (Path markdown : files.filter(path -> path.toString().endsWith(".md")).sorted().toList()) {
                excerpts.addAll(in(markdown));
            }
            return excerpts;
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    List<Excerpt> in(Path markdown) throws IOException {
        List<String> lines = Files.readAllLines(markdown);
        List<Excerpt> excerpts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (!fence.matches()) {
                continue;
            }
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).startsWith("```")) {
                end++;
            }
            excerpts.add(new Excerpt(markdown, start, fence.group(2), List.copyOf(lines.subList(start, end))));
            i = end;
        }
        return excerpts;
    }

    /** Why an excerpt no longer matches its source, or null when it does. */
    String problemWith(Excerpt excerpt) {
        Path source = projectRoot.resolve(excerpt.source());
        if (!Files.isRegularFile(source)) {
            return excerpt + ": the file " + excerpt.source() + " does not exist";
        }
        if (excerpt.lines().isEmpty()) {
            return excerpt + ": the excerpt is empty";
        }
        try {
            if (!appearsIn(excerpt.lines(), Files.readAllLines(source))) {
                return excerpt + ": these lines are not in " + excerpt.source() + " (edit the doc or the code so they agree)";
            }
            return null;
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    static boolean appearsIn(List<String> excerpt, List<String> file) {
        for (int at = 0; at + excerpt.size() <= file.size(); at++) {
            String first = file.get(at);
            if (!first.endsWith(excerpt.get(0)) || !first.substring(0, first.length() - excerpt.get(0).length()).isBlank()) {
                continue;
            }
            String indent = first.substring(0, first.length() - excerpt.get(0).length());
            boolean all = true;
            for (int k = 0; k < excerpt.size() && all; k++) {
                String quoted = excerpt.get(k);
                String actual = file.get(at + k);
                all = quoted.isEmpty() ? actual.isBlank() : actual.equals(indent + quoted);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }
}
