package dev.webrtcsteps.step3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webrtcsteps.common.protocol.Protocol;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of frames a signaling server must refuse: random bytes, random unicode, deep nesting,
 * huge numbers, wrong types, missing fields, mutated and truncated messages, frames over the size limit. A
 * failing run names its seed and the frame, so it can be replayed. Every text frame addresses a peer that does
 * not exist, so that even a frame that happens to be valid has a reply (unknown-peer).
 */
final class MalformedFrames {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOBODY = "nobody-is-called-this-22";
    private static final String[] TEMPLATES = {
        "{\"type\":\"signal\",\"to\":\"" + NOBODY + "\",\"data\":{\"description\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}}}",
        "{\"type\":\"signal\",\"to\":\"" + NOBODY + "\",\"data\":{\"description\":{\"type\":\"answer\",\"sdp\":\"v=0\\r\\n\"}}}",
        "{\"type\":\"signal\",\"to\":\"" + NOBODY + "\",\"data\":{\"description\":{\"type\":\"rollback\"}}}",
        "{\"type\":\"signal\",\"to\":\"" + NOBODY + "\",\"data\":{\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 192.0.2.1 9 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}}",
        "{\"type\":\"signal\",\"to\":\"" + NOBODY + "\",\"data\":{\"candidate\":null}}",
    };
    private static final String[] ODD_VALUES = {
        "1e999999", "-1e-999999", "123456789012345678901234567890", "-0", "0.0000000000000000000001", "NaN", "Infinity",
        "null", "true", "[]", "{}", "[null]", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"<script>alert(1)</script>\"",
        "{\"__proto__\":{}}", "[[[[[[]]]]]]", "\"" + "é".repeat(50) + "\"",
    };
    private static final int[][] CODE_POINT_RANGES = {
        {0x00, 0x7F}, {0x80, 0x24F}, {0x590, 0x6FF}, {0x200B, 0x202E}, {0x3040, 0x30FF}, {0x4E00, 0x4FFF},
        {0xFFF0, 0xFFFF}, {0x1F300, 0x1F6FF}, {0xE0000, 0xE007F}, {0x10FFF0, 0x10FFFF},
    };

    /** One generated frame; {@code kind} says which strategy made it. */
    record Frame(String kind, String text, byte[] bytes) {
        boolean binary() {
            return bytes != null;
        }

        @Override
        public String toString() {
            String shown = binary() ? bytes.length + " bytes" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
            return kind + " frame " + shown;
        }
    }

    private final long seed;
    private final Random random;

    MalformedFrames(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    Frame next() {
        int strategy = random.nextInt(1_000);
        if (strategy == 0) {
            return text("over the size limit", "{\"type\":\"signal\",\"to\":\"" + NOBODY + "\",\"data\":\""
                    + "x".repeat(Protocol.MAX_MESSAGE_CHARS) + "\"}");
        }
        return switch (strategy % 9) {
            case 0 -> binary();
            case 1 -> text("random unicode", randomUnicode(random.nextInt(300)));
            case 2 -> text("deep nesting", deepNesting());
            case 3 -> text("odd value", replaceAValue(ODD_VALUES[random.nextInt(ODD_VALUES.length)]));
            case 4 -> text("wrong type", replaceAValue(ODD_VALUES[random.nextInt(9, ODD_VALUES.length)]));
            case 5 -> text("missing field", removeAField());
            case 6 -> text("mutated", mutate(template()));
            case 7 -> text("truncated", truncate(template()));
            default -> text("unknown type", "{\"type\":" + JSON.getNodeFactory().textNode(randomUnicode(12)) + ",\"to\":\""
                    + NOBODY + "\"}");
        };
    }

    long seed() {
        return seed;
    }

    private Frame text(String kind, String text) {
        return new Frame(kind + " (seed " + seed + ")", text, null);
    }

    private Frame binary() {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        random.nextBytes(bytes);
        return new Frame("random bytes (seed " + seed + ")", null, bytes);
    }

    private String template() {
        return TEMPLATES[random.nextInt(TEMPLATES.length)];
    }

    private String randomUnicode(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int[] range = CODE_POINT_RANGES[random.nextInt(CODE_POINT_RANGES.length)];
            text.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
        }
        return text.toString();
    }

    private String deepNesting() {
        int depth = 1 + random.nextInt(12_000); // deep, yet under the size limit: nesting is what is tested
        boolean object = random.nextBoolean();
        String open = object ? "{\"a\":" : "[";
        String close = object ? "}" : "]";
        return open.repeat(depth) + "1" + (random.nextBoolean() ? close.repeat(depth) : "");
    }

    /** A template with one of its values (at any depth) replaced by raw JSON text. */
    private String replaceAValue(String rawValue) {
        ObjectNode message = parse(template());
        List<ObjectNode> parents = new ArrayList<>();
        collectObjects(message, parents);
        ObjectNode parent = parents.get(random.nextInt(parents.size()));
        List<String> names = fieldNames(parent);
        String name = names.get(random.nextInt(names.size()));
        parent.put(name, "\u0001PLACEHOLDER\u0001");
        return message.toString().replace("\"\\u0001PLACEHOLDER\\u0001\"", rawValue);
    }

    private String removeAField() {
        ObjectNode message = parse(template());
        List<ObjectNode> parents = new ArrayList<>();
        collectObjects(message, parents);
        ObjectNode parent = parents.get(random.nextInt(parents.size()));
        List<String> names = fieldNames(parent);
        parent.remove(names.get(random.nextInt(names.size())));
        return message.toString();
    }

    private String mutate(String text) {
        StringBuilder mutated = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && mutated.length() > 0; i++) {
            int at = random.nextInt(mutated.length());
            switch (random.nextInt(3)) {
                case 0 -> mutated.deleteCharAt(at);
                case 1 -> mutated.insert(at, "{}[]\",:\\0e-".charAt(random.nextInt(11)));
                default -> mutated.setCharAt(at, (char) (32 + random.nextInt(95)));
            }
        }
        return mutated.toString();
    }

    private String truncate(String text) {
        return text.substring(0, random.nextInt(text.length()));
    }

    private static ObjectNode parse(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception impossible) {
            throw new AssertionError(impossible);
        }
    }

    private static void collectObjects(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode object && object.size() > 0) {
            into.add(object);
        }
        for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
            collectObjects(children.next(), into);
        }
    }

    private static List<String> fieldNames(ObjectNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
