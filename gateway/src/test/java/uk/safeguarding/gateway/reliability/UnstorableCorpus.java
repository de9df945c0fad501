package uk.safeguarding.gateway.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mutations of an accepted fixture that both JSON parsers accept but PostgreSQL, jsonb or the audit
 * encoding cannot hold: the escape {@code \u0000} in a value or in a property name (text and jsonb
 * refuse it, SQLSTATE 22P05: these were 500s), and half a UTF-16 surrogate pair (no character at all;
 * a UTF-8 encoder writes '?', so what is stored and hashed is not what was sent).
 */
final class UnstorableCorpus {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARK = "__unstorable_marker__";
    /** JSON text as sent on the wire: escapes, not characters. */
    private static final String[] ESCAPES = {"\\u0000", "a\\u0000", "\\u0000\\u0000", "\\ud800", "\\udfff", "x\\udc00y",
        "\\udc00\\ud800", "\\ud83d", "\\ud83d\\u0000\\ude00"};

    private UnstorableCorpus() {
    }

    static List<HostileCorpus.Case> cases(HostileCorpus.Target target, Random random, int count) {
        List<HostileCorpus.Case> cases = new ArrayList<>();
        JsonNode root;
        try {
            root = JSON.readTree(target.json());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < count; i++) {
            JsonNode copy = root.deepCopy();
            String escape = ESCAPES[random.nextInt(ESCAPES.length)];
            String kind;
            if (i % 4 == 3) {
                List<ObjectNode> objects = new ArrayList<>();
                collect(copy, objects);
                objects.get(random.nextInt(objects.size())).put(MARK, "x");
                kind = "unstorable-property-name";
            } else {
                List<Runnable> setters = new ArrayList<>();
                textSlots(copy, setters, random);
                setters.get(random.nextInt(setters.size())).run();
                kind = "unstorable-text";
            }
            String body = write(copy).replace(MARK, escape);
            cases.add(new HostileCorpus.Case(kind, target.path(), target.contentType(), Map.of(),
                    body.getBytes(StandardCharsets.UTF_8)));
        }
        return cases;
    }

    private static void collect(JsonNode node, List<ObjectNode> out) {
        if (node instanceof ObjectNode o) {
            out.add(o);
        }
        node.forEach(child -> collect(child, out));
    }

    /** One setter per string value (not resourceType), each putting the marker inside that string. */
    private static void textSlots(JsonNode node, List<Runnable> out, Random random) {
        if (node instanceof ObjectNode o) {
            o.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual() && !"resourceType".equals(e.getKey())) {
                    String text = e.getValue().asText();
                    int at = random.nextInt(text.length() + 1);
                    out.add(() -> o.put(e.getKey(), text.substring(0, at) + MARK + text.substring(at)));
                }
                textSlots(e.getValue(), out, random);
            });
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                int index = i;
                if (a.get(i).isTextual()) {
                    String text = a.get(i).asText();
                    out.add(() -> a.set(index, TextNode.valueOf(text + MARK)));
                }
                textSlots(a.get(i), out, random);
            }
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
