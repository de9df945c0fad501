package uk.safeguarding.gateway.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.support.Db;

/**
 * New entries are sealed in encoding version 3 and say so; the version is hashed, so a DBA who changes
 * it (to have the entry read in another version) breaks the entry.
 */
@QuarkusTest
class EncodingVersionTest {

    @Inject
    AuditTrail trail;
    @Inject
    AuditSealer sealer;

    @Test
    void newEntriesRecordVersionThreeAndChangingItIsAnEdit() throws SQLException {
        AuditEntry entry = AuditTestSupport.Entry.permit().owners("police:met").record(trail);
        AuditTestSupport.sealEverything(sealer);
        Timestamp at = Timestamp.from(entry.recordedAt());
        long seq = Db.count("SELECT seq FROM audit_chain WHERE recorded_at = ? AND event_id = ?", at, entry.id());
        assertEquals(3, Db.count("SELECT encoding FROM audit_chain WHERE seq = ?", seq));
        // 1 or 2 is refused outright (CHECK encoding >= 3); NULL reads it as version 2, 4 as an unknown version.
        try (Dba dba = new Dba()) {
            SQLException refused = assertThrows(SQLException.class,
                    () -> dba.exec("UPDATE audit_chain SET encoding = 2 WHERE seq = ?", seq));
            assertEquals("23514", refused.getSQLState());
        }
        for (String downgrade : new String[] {"NULL", "4"}) {
            try (Dba dba = new Dba()) {
                dba.exec("UPDATE audit_chain SET encoding = " + downgrade + " WHERE seq = ?", seq);
                try {
                    JsonPath report = AuditTestSupport.verify();
                    assertFalse(report.getBoolean("intact"), downgrade);
                    assertEquals("EDITED", report.getString("firstProblem.kind"), downgrade + ": " + report.prettify());
                    assertEquals(seq, report.getLong("firstProblem.seq"));
                } finally {
                    dba.exec("UPDATE audit_chain SET encoding = 3 WHERE seq = ?", seq);
                }
            }
        }
        assertTrue(AuditTestSupport.verify().getBoolean("intact"));
    }
}
