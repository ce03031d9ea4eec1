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
        for (Path document : markdown()) {
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

    @Test
    void everyImageTheDocsShowExistsAndHasAltText() throws IOException {
        List<Path> documents = markdown();
        assertEquals(List.of(), imageProblems(documents));
        List<String> shown = new ArrayList<>();
        for (Path document : documents) {
            for (Image image : imagesIn(document)) {
                shown.add(ROOT.relativize(document.getParent().resolve(image.target()).normalize()).toString());
            }
        }
        // And the other way round: each screenshot (Screenshots makes them) is shown somewhere.
        List<String> screenshots;
        try (Stream<Path> files = Files.list(DOCS.resolve("images"))) {
            screenshots = files.map(file -> ROOT.relativize(file).toString()).filter(name -> name.endsWith(".png")).sorted().toList();
        }
        assertTrue(screenshots.size() >= 4, "docs/images/ should hold the screenshots; it holds " + screenshots);
        assertEquals(List.of(), screenshots.stream().filter(screenshot -> !shown.contains(screenshot)).toList(),
                "screenshots no document shows");
    }

    @Test
    void aMissingImageOrOneWithoutAltTextIsReported(@TempDir Path temp) throws IOException {
        Files.createDirectories(temp.resolve("images"));
        Files.write(temp.resolve("images/here.png"), new byte[] {1});
        Path chapter = temp.resolve("chapter.md");
        Files.writeString(chapter, """
                # A chapter

                ![A picture that is there](images/here.png)

                ![A picture that is
                gone](images/gone.png) and ![](images/here.png), and a [link](images/here.png) that is no image.
                """);

        assertEquals(List.of("chapter.md shows images/gone.png, which does not exist",
                "chapter.md shows images/here.png without alt text"), imageProblems(List.of(chapter)));
    }

    /** An image a Markdown file shows, {@code ![alt](target)}. */
    private record Image(String alt, String target) {
    }

    private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");

    private static List<Image> imagesIn(Path document) throws IOException {
        List<Image> images = new ArrayList<>();
        Matcher matcher = IMAGE.matcher(Files.readString(document));
        while (matcher.find()) {
            images.add(new Image(matcher.group(1).strip(), matcher.group(2)));
        }
        return images;
    }

    /** What is wrong with the images the documents show: a file that is not there, or no alt text. */
    private static List<String> imageProblems(List<Path> documents) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path document : documents) {
            for (Image image : imagesIn(document)) {
                if (image.target().contains("://")) {
                    problems.add(document.getFileName() + " shows " + image.target() + ": the docs show their own images, not remote ones");
                } else if (!Files.isRegularFile(document.getParent().resolve(image.target()))) {
                    problems.add(document.getFileName() + " shows " + image.target() + ", which does not exist");
                } else if (image.alt().isEmpty()) {
                    problems.add(document.getFileName() + " shows " + image.target() + " without alt text");
                }
            }
        }
        return problems;
    }

    /** The docs' Markdown files and the README. */
    private static List<Path> markdown() throws IOException {
        List<Path> markdown;
        try (Stream<Path> files = Files.walk(DOCS)) {
            markdown = new ArrayList<>(files.filter(path -> path.toString().endsWith(".md"))
                    .filter(path -> !path.startsWith(DOCS.resolve("target"))).sorted().toList());
        }
        markdown.add(ROOT.resolve("README.md"));
        return markdown;
    }
}
