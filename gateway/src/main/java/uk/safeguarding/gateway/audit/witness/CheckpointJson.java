package uk.safeguarding.gateway.audit.witness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import uk.safeguarding.gateway.audit.chain.Checkpoint;

/**
 * The witness push format: one signed checkpoint as a JSON object, the body of every push and one line
 * of a witness's copy. Hashes in lower-case hex, the signature in base64, {@code signedAt} as ISO-8601
 * with microseconds (the signed message holds microseconds, so a rounded time would not verify).
 * No personal data: positions, hashes, a time, a key id and a signature.
 */
public final class CheckpointJson {

    public static final String TYPE = "audit.checkpoint";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private CheckpointJson() {
    }

    public static ObjectNode toNode(Checkpoint cp) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", TYPE);
        node.put("firstSeq", cp.firstSeq());
        node.put("lastSeq", cp.lastSeq());
        node.put("root", HEX.formatHex(cp.root()));
        node.put("lastHash", HEX.formatHex(cp.lastHash()));
        node.put("signedAt", cp.signedAt().toString());
        node.put("keyId", cp.keyId());
        node.put("algorithm", cp.algorithm());
        node.put("signature", Base64.getEncoder().encodeToString(cp.signature()));
        return node;
    }

    public static String toJson(Checkpoint cp) {
        return toNode(cp).toString();
    }

    /** Parses one checkpoint; IllegalArgumentException naming the field when one is missing or malformed. */
    public static Checkpoint parse(String json) {
        try {
            return fromNode(JSON.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
    }

    public static Checkpoint fromNode(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        long first = number(node, "firstSeq");
        long last = number(node, "lastSeq");
        if (first < 1 || last < first) {
            throw new IllegalArgumentException("firstSeq..lastSeq must be a range from 1 up");
        }
        try {
            return new Checkpoint(first, last, hash(node, "root"), hash(node, "lastHash"),
                    Instant.parse(text(node, "signedAt")), text(node, "keyId"), text(node, "algorithm"),
                    Base64.getDecoder().decode(text(node, "signature")));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("signedAt is not an ISO-8601 instant");
        }
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong()) {
            throw new IllegalArgumentException(field + " must be an integer");
        }
        return value.asLong();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }

    private static byte[] hash(JsonNode node, String field) {
        try {
            byte[] bytes = HEX.parseHex(text(node, field));
            if (bytes.length != 32) {
                throw new IllegalArgumentException(field + " must be 32 bytes in hex");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be 32 bytes in hex");
        }
    }

    /** Same statement about the chain: the same range with the same root and last hash. */
    public static boolean sameStatement(Checkpoint a, Checkpoint b) {
        return a.firstSeq() == b.firstSeq() && a.lastSeq() == b.lastSeq()
                && java.util.Arrays.equals(a.root(), b.root()) && java.util.Arrays.equals(a.lastHash(), b.lastHash());
    }
}
