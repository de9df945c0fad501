package uk.safeguarding.gateway.fhir;

import ca.uhn.fhir.parser.json.BaseJsonLikeWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * HAPI's JSON encoder writing straight into a Jackson tree, so that {@link FhirIntake}'s comparison
 * of what was parsed against what was sent needs no JSON text encoded and read back. It builds the
 * tree that reading HAPI's own text back would build (as far as {@link FhirIntake#firstDifference}
 * can tell: node types, texts, integer values). Anything whose read-back is not plainly that (a
 * decimal, a double, a name written twice in one object) raises {@link Unsupported}, and the caller
 * takes the text route instead, so every answer stays the one the text route gives.
 */
final class TreeJsonWriter extends BaseJsonLikeWriter {

    /** This writer cannot promise the text route's tree for what HAPI is writing. */
    static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Deque<JsonNode> open = new ArrayDeque<>();
    private JsonNode root;

    /** The encoded resource; null until the outermost object ended. */
    JsonNode root() {
        return open.isEmpty() ? root : null;
    }

    @Override
    public BaseJsonLikeWriter init() {
        return this;
    }

    @Override
    public BaseJsonLikeWriter flush() {
        return this;
    }

    @Override
    public void close() {
        // Nothing to release: the tree is the output.
    }

    @Override
    public BaseJsonLikeWriter beginObject() {
        ObjectNode node = NODES.objectNode();
        if (open.isEmpty()) {
            if (root != null) {
                throw new Unsupported();
            }
            root = node;
        } else {
            item(node);
        }
        open.push(node);
        return this;
    }

    @Override
    public BaseJsonLikeWriter beginObject(String name) {
        return begin(name, NODES.objectNode());
    }

    @Override
    public BaseJsonLikeWriter beginArray(String name) {
        return begin(name, NODES.arrayNode());
    }

    @Override
    public BaseJsonLikeWriter write(String value) {
        return item(value == null ? NODES.nullNode() : NODES.textNode(value));
    }

    @Override
    public BaseJsonLikeWriter write(BigInteger value) {
        throw new Unsupported();
    }

    @Override
    public BaseJsonLikeWriter write(BigDecimal value) {
        throw new Unsupported();
    }

    @Override
    public BaseJsonLikeWriter write(long value) {
        return item(NODES.numberNode(value));
    }

    @Override
    public BaseJsonLikeWriter write(double value) {
        throw new Unsupported();
    }

    @Override
    public BaseJsonLikeWriter write(Boolean value) {
        return item(value == null ? NODES.nullNode() : NODES.booleanNode(value));
    }

    @Override
    public BaseJsonLikeWriter write(boolean value) {
        return item(NODES.booleanNode(value));
    }

    @Override
    public BaseJsonLikeWriter writeNull() {
        // Outside an array, a null where a name is due would make the text route's output malformed.
        return item(NODES.nullNode());
    }

    @Override
    public BaseJsonLikeWriter write(String name, String value) {
        return field(name, value == null ? NODES.nullNode() : NODES.textNode(value));
    }

    @Override
    public BaseJsonLikeWriter write(String name, BigInteger value) {
        throw new Unsupported();
    }

    @Override
    public BaseJsonLikeWriter write(String name, BigDecimal value) {
        throw new Unsupported();
    }

    @Override
    public BaseJsonLikeWriter write(String name, long value) {
        return field(name, NODES.numberNode(value));
    }

    @Override
    public BaseJsonLikeWriter write(String name, double value) {
        throw new Unsupported();
    }

    @Override
    public BaseJsonLikeWriter write(String name, Boolean value) {
        return field(name, value == null ? NODES.nullNode() : NODES.booleanNode(value));
    }

    @Override
    public BaseJsonLikeWriter write(String name, boolean value) {
        return field(name, NODES.booleanNode(value));
    }

    @Override
    public BaseJsonLikeWriter endObject() {
        if (!(open.poll() instanceof ObjectNode)) {
            throw new Unsupported();
        }
        return this;
    }

    @Override
    public BaseJsonLikeWriter endArray() {
        if (!(open.poll() instanceof ArrayNode)) {
            throw new Unsupported();
        }
        return this;
    }

    @Override
    public BaseJsonLikeWriter endBlock() {
        return endObject();
    }

    private BaseJsonLikeWriter begin(String name, JsonNode node) {
        field(name, node);
        open.push(node);
        return this;
    }

    private BaseJsonLikeWriter item(JsonNode value) {
        if (!(open.peek() instanceof ArrayNode a)) {
            throw new Unsupported();
        }
        a.add(value);
        return this;
    }

    /** A name twice in one object: read back strictly, the text route refuses it; that answer is the text route's to give. */
    private BaseJsonLikeWriter field(String name, JsonNode value) {
        if (!(open.peek() instanceof ObjectNode o) || name == null || o.has(name)) {
            throw new Unsupported();
        }
        o.set(name, value);
        return this;
    }
}
