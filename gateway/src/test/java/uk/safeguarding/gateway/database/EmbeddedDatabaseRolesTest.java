package uk.safeguarding.gateway.database;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * A data directory from before the two roles (bin/run's, the demo's: everything migrated and owned by
 * the superuser) keeps working: the next start hands its objects to the owner role, which can then apply
 * the grants migration, and the runtime role reads and appends through them.
 */
class EmbeddedDatabaseRolesTest {

    @Test
    void anOlderDataDirectoryIsHandedToTheOwnerRoleAndMigrates() throws Exception {
        Path data = Files.createTempDirectory("roles-upgrade");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + EmbeddedDatabase.DATABASE + " OWNER TO " + EmbeddedDatabase.SUPERUSER);
            }
            Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration")
                    .target(MigrationVersion.fromVersion("66.1")).load().migrate();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_event'::regclass")) {
                rs.next();
                assertEquals(EmbeddedDatabase.SUPERUSER, rs.getString(1), "before: as an older bin/run left it");
            }
        }
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("""
                            SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relowner <> 'gateway_owner'::regrole)
                                 + (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proowner <> 'gateway_owner'::regrole),
                                   (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database())
                            """)) {
                rs.next();
                assertEquals(0, rs.getLong(1), "objects in public not owned by the owner role");
                assertEquals(EmbeddedDatabase.OWNER, rs.getString(2));
            }
            Flyway.configure().dataSource(db.dataSource(EmbeddedDatabase.OWNER)).locations("classpath:db/migration").load().migrate();
            try (Connection c = db.dataSource(EmbeddedDatabase.RUNTIME).getConnection(); Statement s = c.createStatement()) {
                assertEquals(1, s.executeUpdate("""
                        INSERT INTO audit_event (id, recorded_at, request_id, action, decision, outcome)
                        VALUES (gen_random_uuid(), now(), 'upgrade', 'test.append', 'NONE', 200)
                        """));
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE version = '67.1' AND success")) {
                    rs.next();
                    assertEquals(1, rs.getLong(1), "the grants migration applied by the owner role");
                }
            }
        }
    }
}
