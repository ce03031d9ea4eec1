package dev.webrtcsteps.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.webrtcsteps.common.protocol.CloseCodes;
import dev.webrtcsteps.common.protocol.ErrorCode;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs tell the truth about the code: quoted code matches its source, and links lead somewhere. */
class DocsTest {

    private static final Path DOCS = Path.of("").toAbsolutePath();
    private static final Path ROOT = DOCS.getParent();
    private final Excerpts excerpts = new Excerpts(ROOT);

    @Test
    void everyExcerptMatchesTheFileItNames() {
        List<Excerpts.Excerpt> all = excerpts.all(DOCS);
        assertTrue(all.size() >= 5, "the tutorial should quote its code; found only " + all);
        List<String> problems = all.stream().map(excerpts::problemWith).filter(Objects::nonNull).toList();
        assertEquals(List.of(), problems);
    }

    @Test
    void anEditedExcerptIsReported(@TempDir Path temp) throws IOException {
        Path chapter = DOCS.resolve("step1-local.md");
        Excerpts.Excerpt original = excerpts.in(chapter).get(0);
        assertNull(excerpts.problemWith(original));

        List<String> lines = new ArrayList<>(Files.readAllLines(chapter));
        lines.set(original.line(), lines.get(original.line()) + " // edited");
        Path edited = temp.resolve("step1-local.md");
        Files.write(edited, lines);

        String problem = excerpts.problemWith(excerpts.in(edited).get(0));
        assertNotNull(problem, "an edited excerpt must be reported");
        assertTrue(problem.contains("not in " + original.source()), problem);
    }

    @Test
    void anExcerptOfAMissingFileIsReported(@TempDir Path temp) throws IOException {
        Path doc = temp.resolve("gone.md");
        Files.write(doc, List.of("```java step9/src/Gone.java", "class Gone {}", "```"));
        assertTrue(excerpts.problemWith(excerpts.in(doc).get(0)).contains("does not exist"));
    }

    @Test
    void indentationMayBeShiftedButNothingElse() {
        List<String> file = List.of("class A {", "    void run() {", "        go();", "    }", "}");
        assertTrue(Excerpts.appearsIn(List.of("void run() {", "    go();", "}"), file));
        assertTrue(!Excerpts.appearsIn(List.of("void run() {", "  go();", "}"), file));
        assertTrue(!Excerpts.appearsIn(List.of("void run() {", "    stop();"), file));
    }

    @Test
    void theProtocolReferenceListsEveryErrorCodeAndCloseCode() throws Exception {
        String protocol = Files.readString(DOCS.resolve("protocol.md"));
        List<String> missing = new ArrayList<>();
        for (ErrorCode code : ErrorCode.values()) {
            if (!protocol.contains("| `" + code.wireName() + "` |")) {
                missing.add(code.wireName());
            }
        }
        for (Field field : CloseCodes.class.getFields()) {
            String closeCode = String.valueOf(field.getInt(null));
            if (!protocol.contains("| " + closeCode + " |")) {
                missing.add(closeCode);
            }
        }
        assertEquals(List.of(), missing, "rows missing from the tables in docs/protocol.md");
    }

    @Test
    void relativeLinksInTheDocsAndReadmeLeadToFiles() throws IOException {
        Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
        List<String> broken = new ArrayList<>();
        List<Path> markdown;
        try (Stream<Path> files = Files.walk(DOCS)) {
            markdown = new ArrayList<>(files.filter(path -> path.toString().endsWith(".md")).toList());
        }
        markdown.add(ROOT.resolve("README.md"));
        for (Path document : markdown) {
            Matcher matcher = link.matcher(Files.readString(document));
            while (matcher.find()) {
                String target = matcher.group(1);
                if (target.contains("://") || target.startsWith("mailto:")) {
                    continue;
                }
                if (!Files.exists(document.getParent().resolve(target))) {
                    broken.add(ROOT.relativize(document) + " -> " + target);
                }
            }
        }
        assertEquals(List.of(), broken);
    }
}
