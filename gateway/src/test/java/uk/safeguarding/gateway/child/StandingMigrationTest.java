package uk.safeguarding.gateway.child;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * V62 on rows written before it: confirmed where a protocol-decided event created them (referral
 * routing; a placement by the child's home council, or the one that first brought the child to the
 * gateway; a return named by a confirmed placing authority), asserted otherwise (a referrer, as its own
 * record; a placement by a council that came after others knew the child, and what it named).
 */
class StandingMigrationTest {

    @Test
    void existingRelationshipsAreConfirmedOnlyWhereTheProtocolDecidedThem() throws Exception {
        Path data = Files.createTempDirectory("standing-migration");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
            Flyway flyway = Flyway.configure().dataSource(db.dataSource(EmbeddedDatabase.OWNER)).locations("classpath:db/migration")
                    .target(MigrationVersion.fromVersion("61")).load();
            flyway.migrate();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("""
                        INSERT INTO child (id, created_at) VALUES
                            ('00000000-0000-0000-0000-0000000000a1', '2026-01-01'), ('00000000-0000-0000-0000-0000000000a2', '2026-01-01');
                        -- Child 1: referred by the Met to Tower Hamlets, later placed by Tower Hamlets (its home council)
                        INSERT INTO referral (id, created_at, child_id, requester_agency, home_council, risk_level, body, source_format, body_hash)
                            VALUES ('00000000-0000-0000-0000-0000000000b1', '2026-01-01', '00000000-0000-0000-0000-0000000000a1',
                                'police:met', 'la:E09000030', 'high', '{}', 'json', 'h');
                        INSERT INTO placement (id, child_id, placing_authority, provider, host_council, host_police, start_date, status, created_at)
                            VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000a1', 'la:E09000030',
                                'provider:SC123456', 'la:E10000017', 'police:lancashire', '2026-02-01', 'PLANNED', '2026-01-10');
                        -- Child 2: referred to Tower Hamlets, then "placed" by Lancashire, which nobody asked
                        INSERT INTO referral (id, created_at, child_id, requester_agency, home_council, risk_level, body, source_format, body_hash)
                            VALUES ('00000000-0000-0000-0000-0000000000b2', '2026-01-01', '00000000-0000-0000-0000-0000000000a2',
                                'police:met', 'la:E09000030', 'high', '{}', 'json', 'h');
                        INSERT INTO placement (id, child_id, placing_authority, provider, host_council, host_police, start_date, status, created_at)
                            VALUES ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000a2', 'la:E10000017',
                                'provider:SC654321', 'la:E10000017', 'police:lancashire', '2026-02-01', 'PLANNED', '2026-01-10');
                        INSERT INTO relationship (child_id, agency_id, kind, source_type, source_id) VALUES
                            ('00000000-0000-0000-0000-0000000000a1', 'police:met', 'referrer', 'referral', '00000000-0000-0000-0000-0000000000b1'),
                            ('00000000-0000-0000-0000-0000000000a1', 'la:E09000030', 'referral-recipient', 'referral', '00000000-0000-0000-0000-0000000000b1'),
                            ('00000000-0000-0000-0000-0000000000a1', 'la:E09000030', 'placing-authority', 'placement', '00000000-0000-0000-0000-0000000000c1'),
                            ('00000000-0000-0000-0000-0000000000a1', 'police:lancashire', 'host-police', 'placement', '00000000-0000-0000-0000-0000000000c1'),
                            ('00000000-0000-0000-0000-0000000000a2', 'la:E09000030', 'referral-recipient', 'referral', '00000000-0000-0000-0000-0000000000b2'),
                            ('00000000-0000-0000-0000-0000000000a2', 'la:E10000017', 'placing-authority', 'placement', '00000000-0000-0000-0000-0000000000c2'),
                            ('00000000-0000-0000-0000-0000000000a2', 'provider:SC654321', 'provider', 'placement', '00000000-0000-0000-0000-0000000000c2');
                        """);
            }
            Flyway.configure().dataSource(db.dataSource(EmbeddedDatabase.OWNER)).locations("classpath:db/migration").load().migrate();
            Map<String, String> standing = new TreeMap<>();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT right(child_id::text, 2) AS child, agency_id, kind, standing, scope, rule "
                            + "FROM relationship")) {
                while (rs.next()) {
                    standing.put(rs.getString("child") + " " + rs.getString("agency_id") + " " + rs.getString("kind"),
                            rs.getString("standing") + " " + rs.getString("scope") + " " + (rs.getString("rule") != null));
                }
            }
            assertEquals(Map.of(
                    "a1 police:met referrer", "asserted own-record true",
                    "a1 la:E09000030 referral-recipient", "confirmed child true",
                    "a1 la:E09000030 placing-authority", "confirmed child true",
                    "a1 police:lancashire host-police", "confirmed child true",
                    "a2 la:E09000030 referral-recipient", "confirmed child true",
                    "a2 la:E10000017 placing-authority", "asserted child true",
                    "a2 provider:SC654321 provider", "asserted child true"), standing);
        }
    }
}
