package uk.safeguarding.gateway.audit.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;

/**
 * Property test: encoding version 3 gives every jsonb value of an array column its own bytes. Values are
 * generated at random (strings with quotes, escapes and non-ASCII, numbers such as 1 and 1.0, literals,
 * nested arrays and objects, and column values that are not arrays), PostgreSQL turns each into its
 * jsonb text (the form the sealer and the verifier read), and two values count as the same only when
 * that text is the same. Version 2 is shown not to be injective over these values.
 */
@QuarkusTest
class EncodingInjectivityTest {

    private static final String[] STRINGS = {"", " ", "1", "1.0", "null", "true", "[1]", "{}", "a\"b", "a\\b", "\\u0041", "A",
        "é", "日本", "😀", "line\nbreak", "tab\t", "\u0001", "a,b", "]", "[\"x\"]", "x", "X"};
    private static final String[] NUMBERS = {"0", "-0", "1", "1.0", "1.00", "-1", "10", "1e1", "1E+1", "0.1", "1e-1",
        "12345678901234567890", "3.14159"};

    @Test
    void versionThreeTellsEveryJsonbValueApart() throws SQLException {
        List<String> generated = new ArrayList<>(List.of("[]", "[\"1\"]", "[1]", "[1.0]", "[null]", "[\"null\"]", "[[1]]", "[[\"1\"]]",
                "[{}]", "[[]]", "[true]", "[\"true\"]", "1", "\"1\"", "null", "[\"\"]", "[\" \"]", "5", "[5]", "{\"a\": 1}",
                "[{\"a\": 1}]", "[\"a\", \"b\"]", "[\"a,b\"]", "[\"a\", [\"b\"]]", "[[\"a\"], \"b\"]", "{}", "[]"));
        for (long seed = 1; seed <= 4; seed++) {
            Random random = new Random(seed);
            for (int i = 0; i < 1500; i++) {
                generated.add(random.nextInt(10) == 0 ? value(random, 0) : array(random, 0));
            }
        }
        List<String> canonical = canonical(generated);
        Map<String, String> byV3 = new HashMap<>();
        Map<String, String> byV2 = new HashMap<>();
        List<String> v2Collisions = new ArrayList<>();
        for (String text : canonical) {
            String v3 = encode(text, CanonicalEncoding.VERSION_3);
            String other = byV3.putIfAbsent(v3, text);
            assertTrue(other == null || other.equals(text), "version 3 encodes " + other + " and " + text + " alike");
            String v2 = encode(text, CanonicalEncoding.VERSION_2);
            String previous = byV2.putIfAbsent(v2, text);
            if (previous != null && !previous.equals(text)) {
                v2Collisions.add(previous + " ~ " + text);
            }
        }
        long distinct = canonical.stream().distinct().count();
        assertTrue(distinct > 1000, "only " + distinct + " distinct values generated");
        assertEquals(distinct, byV3.size());
        assertTrue(v2Collisions.contains("5 ~ [5]"), String.valueOf(v2Collisions));
        assertTrue(v2Collisions.contains("{\"a\": 1} ~ [{\"a\": 1}]"), String.valueOf(v2Collisions));
    }

    @Test
    void oneAndOnePointZeroAreEqualJsonbButStoredAndHashedApart() throws SQLException {
        List<String> canonical = canonical(List.of("[1]", "[1.0]"));
        assertEquals(List.of("[1]", "[1.0]"), canonical);
        assertFalse(encode("[1]", CanonicalEncoding.VERSION_3).equals(encode("[1.0]", CanonicalEncoding.VERSION_3)));
    }

    @Test
    void versionsOneAndTwoAreUnchangedForArrays() {
        // Every entry sealed before version 3 must hash as it did: the non-array reading keeps its old bytes.
        AuditEntry scalar = entry("5");
        AuditEntry oldReading = withRoles(List.of(JsonStringArrays.NON_STRING + "5"));
        assertArrayEquals(new CanonicalEncoding().encode(oldReading, CanonicalEncoding.VERSION_2).toByteArray(),
                new CanonicalEncoding().encode(scalar, CanonicalEncoding.VERSION_2).toByteArray());
    }

    /** PostgreSQL's jsonb text for each value, in order: the same jsonb value always prints the same. */
    private static List<String> canonical(List<String> values) throws SQLException {
        List<String> out = new ArrayList<>(values.size());
        try (Connection connection = EmbeddedPostgresResource.database().dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT v::jsonb::text FROM unnest(?::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n")) {
            statement.setArray(1, connection.createArrayOf("text", values.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static String encode(String actorRolesJson, byte version) {
        return HexFormat.of().formatHex(new CanonicalEncoding().encode(entry(actorRolesJson), version).toByteArray());
    }

    private static AuditEntry entry(String actorRolesJson) {
        return withRoles(JsonStringArrays.parse(actorRolesJson));
    }

    private static AuditEntry withRoles(List<String> roles) {
        AuditEntry e = CanonicalEncodingTest.sampleV2(List.of("identity"), List.of("la:E09000030"));
        return new AuditEntry(e.id(), e.recordedAt(), e.requestId(), e.actorSubject(), e.actorClient(), e.actorKind(),
                e.actorAgency(), roles, e.purpose(), e.action(), e.resourceType(), e.resourceId(), e.childId(), e.categories(),
                e.decision(), e.reasons(), e.denialCode(), e.lawfulBasis(), e.overrideJustification(), e.overrideApprover(),
                e.outcome(), e.sourceAddress(), e.dataOwners());
    }

    private static String array(Random random, int depth) {
        int n = random.nextInt(depth == 0 ? 4 : 3);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(value(random, depth + 1));
        }
        return "[" + String.join(random.nextBoolean() ? "," : " , ", items) + "]";
    }

    private static String value(Random random, int depth) {
        int kind = random.nextInt(depth >= 3 ? 5 : 7);
        return switch (kind) {
            case 0, 1 -> string(random);
            case 2 -> NUMBERS[random.nextInt(NUMBERS.length)];
            case 3 -> random.nextBoolean() ? "true" : "false";
            case 4 -> "null";
            case 5 -> array(random, depth);
            default -> object(random, depth);
        };
    }

    private static String object(Random random, int depth) {
        int n = random.nextInt(3);
        List<String> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            members.add(string(random) + ":" + value(random, depth + 1));
        }
        return "{" + String.join(",", members) + "}";
    }

    private static String string(Random random) {
        String s = STRINGS[random.nextInt(STRINGS.length)];
        if (random.nextInt(4) == 0) {
            s += STRINGS[random.nextInt(STRINGS.length)];
        }
        StringBuilder json = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\t' -> json.append(random.nextBoolean() ? "\\t" : "\\u0009");
                default -> json.append(ch < 0x20 ? String.format("\\u%04x", (int) ch) : ch);
            }
        }
        return json.append('"').toString();
    }
}
