package uk.safeguarding.gateway.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * What an attacker holding the serving gateway's database credentials cannot do to the audit trail:
 * each statement is refused by PostgreSQL's privilege checks ("permission denied", "must be owner"), not
 * by the append-only trigger, so the trigger is not the only thing standing in the way.
 */
@QuarkusTest
class RuntimeRoleLimitsTest {

    static final List<String> AUDIT_TABLES = List.of("audit_event", "audit_chain", "audit_checkpoint");
    static final String INSUFFICIENT_PRIVILEGE = "42501";

    @Test
    void cannotUpdateDeleteOrTruncateTheAuditTables() throws Exception {
        for (String table : AUDIT_TABLES) {
            refused("UPDATE " + table + " SET " + (table.equals("audit_event") ? "action = 'x'"
                    : table.equals("audit_chain") ? "hash = hash" : "signature = signature"));
            refused("DELETE FROM " + table);
            refused("TRUNCATE " + table);
        }
        refused("TRUNCATE audit_event_default");
        refused("TRUNCATE audit_chain_default");
        refused("SELECT * FROM audit_event_default LIMIT 1");
    }

    @Test
    void cannotAlterTheAuditTablesNorTheirTriggers() throws Exception {
        refused("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
        refused("ALTER TABLE audit_chain DISABLE TRIGGER ALL");
        refused("ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_append_only");
        refused("DROP TRIGGER audit_chain_append_only ON audit_chain");
        refused("DROP TRIGGER audit_event_no_truncate ON audit_event_default");
        refused("ALTER TABLE audit_event ADD COLUMN note text");
        refused("ALTER TABLE audit_chain DROP CONSTRAINT audit_chain_pkey");
        refused("DROP TABLE audit_checkpoint");
        refused("CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$");
        refused("SET session_replication_role = replica");
    }

    @Test
    void cannotCreateAnything() throws Exception {
        refused("CREATE TABLE shadow (id int)");
        refused("CREATE TEMPORARY TABLE shadow (id int)");
        refused("CREATE FUNCTION shadow() RETURNS int LANGUAGE sql AS 'SELECT 1'");
        refused("CREATE SCHEMA shadow");
    }

    @Test
    void canStillAppendAndReadAsTheGatewayDoes() throws Exception {
        try (Connection c = EmbeddedPostgresResource.database().dataSource(EmbeddedDatabase.RUNTIME).getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try (ResultSet rs = s.executeQuery("SELECT current_user")) {
                rs.next();
                assertEquals(EmbeddedDatabase.RUNTIME, rs.getString(1));
            }
            assertEquals(1, s.executeUpdate("""
                    INSERT INTO audit_event (id, recorded_at, request_id, action, decision, outcome)
                    VALUES (gen_random_uuid(), now(), 'runtime-role-test', 'test.append', 'NONE', 200)
                    """));
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM audit_event WHERE request_id = 'runtime-role-test'")) {
                rs.next();
                assertTrue(rs.getLong(1) >= 1);
            }
            c.rollback();
        }
    }

    private static void refused(String sql) {
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = EmbeddedPostgresResource.database().dataSource(EmbeddedDatabase.RUNTIME).getConnection();
                    Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                try {
                    s.execute(sql);
                } finally {
                    c.rollback();
                }
            }
        }, "refused: " + sql);
        assertEquals(INSUFFICIENT_PRIVILEGE, e.getSQLState(), sql + ": " + e.getMessage());
        // The append-only trigger answers 42501 too: the refusal must be the privilege system's, before any trigger.
        assertTrue(e.getMessage().matches("(?s).*(permission denied|must be owner).*"), sql + ": " + e.getMessage());
    }
}
