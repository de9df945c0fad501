package uk.safeguarding.gateway.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;

/**
 * The audit array columns hold strings only: PostgreSQL refuses anything else in a new row (NOT VALID
 * CHECK constraints, which never re-check the history), and the verifier reports it in an old one.
 */
@QuarkusTest
class StringsOnlyTest {

    private static final List<String> COLUMNS = List.of("actor_roles", "categories", "reasons", "data_owners");

    @Inject
    AuditTrail trail;
    @Inject
    AuditSealer sealer;

    @Test
    void aNewRowWithAnythingButStringsIsRefused() throws SQLException {
        for (String column : COLUMNS) {
            for (String value : List.of("[1]", "[\"a\", 1]", "[null]", "[[\"a\"]]", "[{\"a\": \"b\"}]", "\"a\"", "{}", "5")) {
                SQLException refused = assertThrows(SQLException.class, () -> insert(column, value), column + " = " + value);
                assertEquals("23514", refused.getSQLState(), column + " = " + value + ": " + refused.getMessage());
                assertTrue(refused.getMessage().contains("audit_event_" + column + "_strings"), refused.getMessage());
            }
            // Strings pass (rolled back: a row outside the chain would be a finding for every later test).
            insert(column, "[\"a\", \"1\", \"\"]");
        }
    }

    @Test
    void theConstraintsNeverCheckedTheHistory() throws IOException {
        List<Map<String, Object>> constraints = Db.query("""
                SELECT c.conrelid::regclass::text AS tbl, c.conname, c.convalidated FROM pg_constraint c
                WHERE c.conname LIKE 'audit\\_event\\_%\\_strings' ORDER BY 1, 2""");
        // The partitioned table and its partition, four constraints each.
        assertTrue(constraints.size() >= 8, String.valueOf(constraints));
        assertTrue(constraints.stream().noneMatch(c -> (Boolean) c.get("convalidated")), String.valueOf(constraints));
        assertEquals(1, Db.count("SELECT count(*) FROM pg_proc WHERE proname = 'audit_strings_only' AND provolatile = 'i'"));
        try (Stream<Path> migrations = Files.list(Path.of("src/main/resources/db/migration"))) {
            for (Path migration : migrations.toList()) {
                assertFalse(Files.readString(migration).toUpperCase().contains("VALIDATE CONSTRAINT"), migration
                        + " validates a constraint: the audit history must not be re-checked (docs/AUDIT.md)");
            }
        }
    }

    @Test
    void aNonStringElementInAnOldRowIsAFindingInTheApiAndTheCli() throws SQLException {
        AuditEntry entry = AuditTestSupport.Entry.permit().categories("identity").record(trail);
        AuditTestSupport.sealEverything(sealer);
        Timestamp at = Timestamp.from(entry.recordedAt());
        long seq = Db.count("SELECT seq FROM audit_chain WHERE recorded_at = ? AND event_id = ?", at, entry.id());
        // As a superuser could before V69_1, or by dropping the constraint: the constraint comes back NOT
        // VALID with the bad row in place, as it was added over the history.
        try (Dba dba = new Dba()) {
            plant(dba, "[1]", at, entry.id());
            try {
                JsonPath report = AuditTestSupport.verify();
                assertFalse(report.getBoolean("intact"));
                List<Map<String, Object>> problems = report.getList("problems");
                assertTrue(problems.stream().anyMatch(p -> "NON_STRING_ELEMENT".equals(p.get("kind"))
                        && ((Number) p.get("seq")).longValue() == seq && String.valueOf(p.get("detail")).contains("categories")),
                        report.prettify());
                JsonPath state = AuditTestSupport.dpo().when().get("/api/v1/audit/verify").then().statusCode(200).extract().jsonPath();
                assertTrue(state.getString("problems.kind").contains("NON_STRING_ELEMENT"), state.prettify());

                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int status = AuditVerifyCli.run(new String[] {"--url", EmbeddedPostgresResource.database().jdbcUrl(), "--user",
                    "postgres", "--public-key", "src/test/resources/audit-keys/ed25519-public.pem"},
                        new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
                String printed = out.toString(StandardCharsets.UTF_8);
                assertEquals(1, status, printed);
                assertTrue(printed.contains("NON_STRING_ELEMENT") && printed.contains(" " + seq + " "), printed);
            } finally {
                dba.exec("UPDATE audit_event SET categories = '[\"identity\"]' WHERE recorded_at = ? AND id = ?", at, entry.id());
            }
        }
        assertTrue(AuditTestSupport.verify().getBoolean("intact"));
    }

    private static void plant(Dba dba, String categories, Timestamp at, UUID id) throws SQLException {
        dba.connection.setAutoCommit(false);
        try {
            dba.exec("ALTER TABLE audit_event DROP CONSTRAINT audit_event_categories_strings");
            assertEquals(1, dba.exec("UPDATE audit_event SET categories = ?::jsonb WHERE recorded_at = ? AND id = ?",
                    categories, at, id));
            dba.exec("ALTER TABLE audit_event ADD CONSTRAINT audit_event_categories_strings "
                    + "CHECK (audit_strings_only(categories)) NOT VALID");
            dba.connection.commit();
        } catch (SQLException | RuntimeException e) {
            dba.connection.rollback();
            throw e;
        } finally {
            dba.connection.setAutoCommit(true);
        }
    }

    /** Inserts and rolls back, so nothing is left outside the chain. */
    private static void insert(String column, String json) throws SQLException {
        try (Connection connection = EmbeddedPostgresResource.database().dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_event (id, recorded_at, request_id, "
                    + "action, decision, outcome, " + column + ") VALUES (?, now(), 'strings-only-test', 'test', 'NONE', 200, ?::jsonb)")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, json);
                insert.executeUpdate();
            } finally {
                connection.rollback();
            }
        }
    }
}
