package uk.safeguarding.gateway.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic corpus of hostile requests, each a mutation of a valid fixture that the gateway
 * accepts as is: every mutation is built so that no correct gateway could accept it.
 */
final class HostileCorpus {

    /** One request: the kind of mutation, where it goes, and what is sent. */
    record Case(String kind, String path, String contentType, Map<String, String> headers, byte[] body) {
    }

    /** A valid fixture and the endpoint that takes it. */
    record Target(String name, String path, String contentType, String agency, String json) {
    }

    static final String CANARY_GIVEN = "Zephyrinecanary";
    static final String CANARY_FAMILY = "Quillbottomcanary";
    static final String CANARY_DOB = "2012-07-19";
    static final String NHS = "9434765919";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARK = "__mutation_marker__";
    private static final String[] DATES = {"2011-02-30", "2011-13-01", "19-07-2012", "2012/07/19", "yesterday", "",
        "2012-07-19T25:61:00", "20120719", "2012-7-9", "0000-00-00", "2012-07-19Z", "+2012-07-19"};
    private static final String[] NHS_NUMBERS = {"9434765918", "943476591", "94347659190", "94347A5919", "", "abcdefghij",
        "9434765910x", "94347659\u00b919", "-943476591", "9.434765919e9", "1234567890"};
    private static final String[] RESOURCE_TYPES = {"Patient", "Observation", "Bundle", "OperationOutcome", "Foo", "",
        "serviceRequest", "ServiceRequest ", "../Patient", "ServiceRequest\u0000"};

    /** Text both parsers accept but PostgreSQL, jsonb or the audit encoding cannot hold (UnstorableCorpus). */
    static final int UNSTORABLE_PER_TARGET = 40;

    private final Random random;
    private final List<Target> targets;
    final List<Case> cases = new ArrayList<>();

    HostileCorpus(long seed, List<Target> targets) {
        this.random = new Random(seed);
        this.targets = targets;
    }

    static String resource(String path) {
        try (InputStream in = HostileCorpus.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${nhsNumber}", NHS)
                    // Canary identity, so the log check can look for exactly these strings.
                    .replace("\"Amira\"", "\"" + CANARY_GIVEN + "\"").replace("\"Jade\"", "\"" + CANARY_GIVEN + "\"")
                    .replace("\"Test\"", "\"" + CANARY_FAMILY + "\"")
                    .replace("2011-04-02", CANARY_DOB).replace("2010-09-15", CANARY_DOB);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    HostileCorpus generate(int perTarget) {
        for (Target t : targets) {
            JsonNode root = read(t.json());
            boolean fhir = t.path().startsWith("/fhir");
            for (int i = 0; i < perTarget; i++) {
                switch (i % 12) {
                    case 0 -> truncate(t);
                    case 1 -> wrongType(t, root);
                    case 2 -> unknownElement(t, root);
                    case 3 -> duplicateKey(t, root);
                    case 4 -> invalidUtf8(t, root);
                    case 5 -> nesting(t, root, i % 24 == 5 ? 1_001 : 5_000);
                    case 6 -> longNumber(t, root);
                    case 7 -> {
                        if (fhir) {
                            wrongResourceType(t, root);
                        } else {
                            add(t, "wrong-resource-type", write(withField(root, "resourceType", TextNode.valueOf(pick(RESOURCE_TYPES)))));
                        }
                    }
                    case 8 -> {
                        if (i % 96 == 8) {
                            hugeString(t, root);
                        } else {
                            truncate(t);
                        }
                    }
                    case 9 -> invalidValue(t, root, "birthDate", DATES, "invalid-date");
                    case 10 -> invalidNhs(t, root, fhir);
                    default -> hostileHeaders(t, root);
                }
            }
            xml(t);
            contentTypes(t);
            cases.addAll(UnstorableCorpus.cases(t, random, UNSTORABLE_PER_TARGET));
        }
        return this;
    }

    // ------------------------------------------------------------------ body mutations

    private void truncate(Target t) {
        byte[] bytes = t.json().getBytes(StandardCharsets.UTF_8);
        int cut = 1 + random.nextInt(bytes.length - 2);
        add(t, "truncation", java.util.Arrays.copyOf(bytes, cut));
    }

    private void wrongType(Target t, JsonNode root) {
        JsonNode copy = root.deepCopy();
        Slot slot = randomSlot(copy, true);
        JsonNode replacement = slot.value().isContainerNode()
                ? pickScalar() : (random.nextBoolean() ? JsonNodeFactory.instance.objectNode().put("v", 1)
                : JsonNodeFactory.instance.arrayNode().add(slot.value().asText()));
        slot.set(replacement);
        add(t, "wrong-type", write(copy));
    }

    private void unknownElement(Target t, JsonNode root) {
        JsonNode copy = root.deepCopy();
        ObjectNode object = randomObject(copy);
        object.set("zz" + Integer.toString(random.nextInt(1 << 20), 36), pickScalar());
        add(t, "unknown-element", write(copy));
    }

    private void duplicateKey(Target t, JsonNode root) {
        JsonNode copy = root.deepCopy();
        ObjectNode object = randomObject(copy);
        Iterator<String> names = object.fieldNames();
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        String name = list.get(random.nextInt(list.size()));
        object.set(MARK, object.get(name).deepCopy());
        add(t, "duplicate-key", write(copy).replace("\"" + MARK + "\"", "\"" + name + "\""));
    }

    private void invalidUtf8(Target t, JsonNode root) {
        JsonNode copy = root.deepCopy();
        Slot slot = randomTextSlot(copy);
        slot.set(TextNode.valueOf(slot.value().asText() + MARK));
        byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xA0, (byte) 0xA1}, {(byte) 0xE2, 0x28, (byte) 0xA1},
            {(byte) 0xF0, 0x28, (byte) 0x8C, (byte) 0xBC}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
        String text = write(copy);
        int at = text.indexOf(MARK);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bad[random.nextInt(bad.length)]);
        out.writeBytes(text.substring(at + MARK.length()).getBytes(StandardCharsets.UTF_8));
        add(t, "invalid-utf8", out.toByteArray());
    }

    private void nesting(Target t, JsonNode root, int depth) {
        JsonNode copy = root.deepCopy();
        Slot slot = randomSlot(copy, false);
        slot.set(TextNode.valueOf(MARK));
        boolean arrays = random.nextBoolean();
        StringBuilder deep = new StringBuilder(depth * 6);
        for (int i = 0; i < depth; i++) {
            deep.append(arrays ? "[" : "{\"a\":");
        }
        deep.append('1');
        for (int i = 0; i < depth; i++) {
            deep.append(arrays ? "]" : "}");
        }
        add(t, "nesting-" + depth, write(copy).replace("\"" + MARK + "\"", deep));
    }

    private void longNumber(Target t, JsonNode root) {
        JsonNode copy = root.deepCopy();
        Slot slot = randomSlot(copy, false);
        slot.set(TextNode.valueOf(MARK));
        StringBuilder digits = new StringBuilder(5_002);
        digits.append(1 + random.nextInt(9));
        for (int i = 1; i < 5_000; i++) {
            digits.append(random.nextInt(10));
        }
        if (random.nextBoolean()) {
            digits.insert(2_500, '.');
        }
        add(t, "number-5000-digits", write(copy).replace("\"" + MARK + "\"", digits));
    }

    private void wrongResourceType(Target t, JsonNode root) {
        JsonNode copy = root.deepCopy();
        List<ObjectNode> typed = new ArrayList<>();
        collect(copy, n -> n.isObject() && n.has("resourceType"), typed);
        ObjectNode chosen = typed.get(random.nextInt(typed.size()));
        String original = chosen.get("resourceType").asText();
        String type;
        do {
            type = pick(RESOURCE_TYPES);
        } while (type.equals(original));
        chosen.set("resourceType", random.nextInt(8) == 0 ? JsonNodeFactory.instance.numberNode(42) : TextNode.valueOf(type));
        add(t, "wrong-resource-type", write(copy));
    }

    private void hugeString(Target t, JsonNode root) {
        JsonNode copy = root.deepCopy();
        Slot slot = randomTextSlot(copy);
        // Under the 1 MB body limit, so it reaches the parsers and validators.
        slot.set(TextNode.valueOf("A".repeat(900_000 + random.nextInt(50_000))));
        add(t, "huge-string", write(copy));
    }

    private void invalidValue(Target t, JsonNode root, String field, String[] values, String kind) {
        JsonNode copy = root.deepCopy();
        List<ObjectNode> holders = new ArrayList<>();
        collect(copy, n -> n.isObject() && n.has(field), holders);
        holders.get(random.nextInt(holders.size())).set(field, TextNode.valueOf(pick(values)));
        add(t, kind, write(copy));
    }

    private void invalidNhs(Target t, JsonNode root, boolean fhir) {
        if (!fhir) {
            invalidValue(t, root, "nhsNumber", NHS_NUMBERS, "invalid-nhs-number");
            return;
        }
        JsonNode copy = root.deepCopy();
        List<ObjectNode> ids = new ArrayList<>();
        collect(copy, n -> n.isObject() && n.path("system").asText().equals("https://fhir.nhs.uk/Id/nhs-number"), ids);
        if (ids.isEmpty()) {
            invalidValue(t, root, "birthDate", DATES, "invalid-date");
            return;
        }
        ids.get(random.nextInt(ids.size())).set("value", TextNode.valueOf(pick(NHS_NUMBERS)));
        add(t, "invalid-nhs-number", write(copy));
    }

    // ------------------------------------------------------------------ headers, XML, content types

    /** A hostile header on a body that is itself invalid (the header alone may rightly be ignored). */
    private void hostileHeaders(Target t, JsonNode root) {
        Map<String, String> headers = new LinkedHashMap<>();
        byte[] body;
        switch (random.nextInt(5)) {
            case 0 -> {
                // Too long for an Idempotency-Key: refused on its own.
                headers.put("Idempotency-Key", "k".repeat(201 + random.nextInt(6_000)));
                body = t.json().getBytes(StandardCharsets.UTF_8);
            }
            case 1 -> {
                headers.put("X-Request-Id", "abc%0d%0aX-Injected: 1\u001b[31m".replace("%0d%0a", random.nextBoolean() ? "%0d%0a" : "\\r\\n"));
                body = write(withField(root, "zzInjected", TextNode.valueOf("x"))).getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> {
                headers.put("X-Padding", "p".repeat(4_000 + random.nextInt(4_000)));
                body = write(withField(root, "zzPadding", TextNode.valueOf("x"))).getBytes(StandardCharsets.UTF_8);
            }
            case 3 -> {
                headers.put("Purpose-Of-Use", "SAFEGUARDING\u001b[2J");
                body = t.json().getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                headers.put("Purpose-Of-Use", "x".repeat(2_000 + random.nextInt(4_000)));
                body = t.json().getBytes(StandardCharsets.UTF_8);
            }
        }
        cases.add(new Case("hostile-header", t.path(), t.contentType(), headers, body));
    }

    private void xml(Target t) {
        String[] bodies = {
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><ServiceRequest xmlns=\"http://hl7.org/fhir\"><status value=\"&x;\"/></ServiceRequest>",
            "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"&lol3;\"/></Bundle>",
            "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"http://127.0.0.1:1/evil.dtd\"><Patient xmlns=\"http://hl7.org/fhir\"/>",
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY % p SYSTEM \"http://127.0.0.1:1/x\"> %p;]><r/>",
        };
        String[] types = {"application/fhir+xml", "application/xml", "text/xml", t.contentType()};
        for (String body : bodies) {
            for (String type : types) {
                cases.add(new Case("xxe", t.path(), type, Map.of(), body.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private void contentTypes(Target t) {
        String[] types = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/octet-stream", "application/fhir+xml", "image/png", "application/json-patch+json", "text/html"};
        for (String type : types) {
            cases.add(new Case("wrong-content-type", t.path(), type, Map.of(), t.json().getBytes(StandardCharsets.UTF_8)));
        }
    }

    // ------------------------------------------------------------------ helpers

    private void add(Target t, String kind, String body) {
        add(t, kind, body.getBytes(StandardCharsets.UTF_8));
    }

    private void add(Target t, String kind, byte[] body) {
        cases.add(new Case(kind, t.path(), t.contentType(), Map.of(), body));
    }

    private JsonNode withField(JsonNode root, String name, JsonNode value) {
        ObjectNode copy = (ObjectNode) root.deepCopy();
        copy.set(name, value);
        return copy;
    }

    private JsonNode pickScalar() {
        return switch (random.nextInt(3)) {
            case 0 -> TextNode.valueOf("x");
            case 1 -> JsonNodeFactory.instance.numberNode(random.nextInt(1000));
            default -> JsonNodeFactory.instance.booleanNode(random.nextBoolean());
        };
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    /** A place in the tree holding a value: an object field or an array element. */
    private record Slot(ContainerNode<?> parent, String field, int index, JsonNode value) {
        void set(JsonNode v) {
            if (parent instanceof ObjectNode o) {
                o.set(field, v);
            } else {
                ((ArrayNode) parent).set(index, v);
            }
        }
    }

    private Slot randomSlot(JsonNode root, boolean skipResourceType) {
        List<Slot> slots = new ArrayList<>();
        slots(root, slots);
        slots.removeIf(s -> skipResourceType && "resourceType".equals(s.field()));
        return slots.get(random.nextInt(slots.size()));
    }

    private Slot randomTextSlot(JsonNode root) {
        List<Slot> slots = new ArrayList<>();
        slots(root, slots);
        slots.removeIf(s -> !s.value().isTextual() || "resourceType".equals(s.field()));
        return slots.get(random.nextInt(slots.size()));
    }

    private static void slots(JsonNode node, List<Slot> out) {
        if (node instanceof ObjectNode o) {
            o.fields().forEachRemaining(e -> {
                out.add(new Slot(o, e.getKey(), -1, e.getValue()));
                slots(e.getValue(), out);
            });
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Slot(a, null, i, a.get(i)));
                slots(a.get(i), out);
            }
        }
    }

    private ObjectNode randomObject(JsonNode root) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, n -> n.isObject() && n.size() > 0, objects);
        return objects.get(random.nextInt(objects.size()));
    }

    @SuppressWarnings("unchecked")
    private static <T extends JsonNode> void collect(JsonNode node, java.util.function.Predicate<JsonNode> match, List<T> out) {
        if (match.test(node)) {
            out.add((T) node);
        }
        node.elements().forEachRemaining(child -> collect(child, match, out));
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
