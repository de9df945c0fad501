package uk.safeguarding.gateway.audit.verify;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.audit.chain.AuditCheckpointer;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.audit.chain.CanonicalEncoding;
import uk.safeguarding.gateway.audit.chain.ChainHash;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * A DBA edits, deletes, inserts and reorders single rows straight in PostgreSQL, with the triggers
 * switched off; the verifier (API and CLI) finds each at the right position. Every test puts the
 * rows back, because the whole suite shares one chain.
 */
@QuarkusTest
class AuditTamperTest {

    @Inject
    AuditSealer sealer;
    @Inject
    AuditCheckpointer checkpointer;

    /** One of this test's audit events and where the sealer put it. */
    record Sealed(UUID id, java.sql.Timestamp recordedAt, long seq) {
    }

    @BeforeEach
    void chainStartsIntact() {
        JsonPath report = AuditTestSupport.verify();
        assertTrue(report.getBoolean("intact"), "precondition: " + report.prettify());
    }

    /** Three fresh audited requests, sealed and covered by a signed checkpoint, in chain order. */
    private List<Sealed> sealedEvents() {
        String prefix = "tamper-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(TestTokens.police()).header("X-Request-Id", prefix + "-" + i)
                    .when().get("/api/v1/whoami").then().statusCode(200);
        }
        AuditTestSupport.sealAndSign(sealer, checkpointer);
        List<Sealed> sealed = new ArrayList<>();
        for (Map<String, Object> row : Db.query("""
                SELECT e.id, e.recorded_at, c.seq FROM audit_chain c
                JOIN audit_event e ON e.recorded_at = c.recorded_at AND e.id = c.event_id
                WHERE e.request_id LIKE ? ORDER BY c.seq""", prefix + "-%")) {
            sealed.add(new Sealed((UUID) row.get("id"), (java.sql.Timestamp) row.get("recorded_at"), (Long) row.get("seq")));
        }
        assertEquals(3, sealed.size());
        return sealed;
    }

    private static void assertFirstProblem(JsonPath report, String kind, Long seq) {
        assertFalse(report.getBoolean("intact"), report.prettify());
        assertEquals(kind, report.getString("firstProblem.kind"), report.prettify());
        if (seq == null) {
            assertNull(report.get("firstProblem.seq"), report.prettify());
        } else {
            assertEquals(seq, report.getLong("firstProblem.seq"), report.prettify());
        }
    }

    private static void assertIntactAgain() {
        JsonPath report = AuditTestSupport.verify();
        assertTrue(report.getBoolean("intact"), "after restoring: " + report.prettify());
    }

    @Test
    void anEditedEventIsFoundAtItsChainPositionByTheApiAndTheCli() throws SQLException {
        Sealed target = sealedEvents().get(1);
        try (Dba dba = new Dba()) {
            assertEquals(1, dba.exec("UPDATE audit_event SET outcome = outcome + 1 WHERE recorded_at = ? AND id = ?",
                    target.recordedAt(), target.id()));
            try {
                JsonPath report = AuditTestSupport.verify();
                assertFirstProblem(report, "EDITED", target.seq());
                assertEquals(target.id().toString(), report.getString("firstProblem.eventId"));
                assertEquals(1, report.getInt("problemCount"), report.prettify());

                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int status = AuditVerifyCli.run(cliArgs(), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
                String printed = out.toString(StandardCharsets.UTF_8);
                assertEquals(1, status, printed);
                assertTrue(printed.contains("EDITED") && printed.contains(" " + target.seq() + " "), printed);
            } finally {
                dba.exec("UPDATE audit_event SET outcome = outcome - 1 WHERE recorded_at = ? AND id = ?",
                        target.recordedAt(), target.id());
            }
        }
        assertIntactAgain();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, AuditVerifyCli.run(cliArgs(), new PrintStream(out, true, StandardCharsets.UTF_8), System.err),
                out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("INTACT"));
    }

    @Test
    void aDeletedEventIsFoundAtItsChainPosition() throws SQLException {
        Sealed target = sealedEvents().get(1);
        try (Dba dba = new Dba()) {
            dba.exec("CREATE TEMP TABLE saved_event AS SELECT * FROM audit_event WHERE recorded_at = ? AND id = ?",
                    target.recordedAt(), target.id());
            assertEquals(1, dba.exec("DELETE FROM audit_event WHERE recorded_at = ? AND id = ?", target.recordedAt(), target.id()));
            try {
                JsonPath report = AuditTestSupport.verify();
                assertFirstProblem(report, "DELETED", target.seq());
                assertEquals(target.id().toString(), report.getString("firstProblem.eventId"));
            } finally {
                dba.exec("INSERT INTO audit_event SELECT * FROM saved_event");
            }
        }
        assertIntactAgain();
    }

    @Test
    void aDeletedChainEntryIsFoundAtItsPosition() throws SQLException {
        Sealed target = sealedEvents().get(1);
        try (Dba dba = new Dba()) {
            dba.exec("CREATE TEMP TABLE saved_entry AS SELECT * FROM audit_chain WHERE seq = ?", target.seq());
            assertEquals(1, dba.exec("DELETE FROM audit_chain WHERE seq = ?", target.seq()));
            try {
                JsonPath report = AuditTestSupport.verify();
                assertFirstProblem(report, "DELETED", target.seq());
                assertTrue(report.getList("problems.kind").contains("CHECKPOINT_MISMATCH"), report.prettify());
            } finally {
                dba.exec("INSERT INTO audit_chain SELECT * FROM saved_entry");
            }
        }
        assertIntactAgain();
    }

    @Test
    void anInsertedEventIsFound() throws SQLException {
        sealedEvents();
        UUID forged = UUID.randomUUID();
        try (Dba dba = new Dba()) {
            dba.exec("""
                    INSERT INTO audit_event (id, recorded_at, request_id, action, decision, outcome)
                    VALUES (?, now() - interval '1 hour', 'forged', 'child.read', 'PERMIT', 200)""", forged);
            try {
                JsonPath report = AuditTestSupport.verify();
                assertFirstProblem(report, "INSERTED", null);
                assertEquals(forged.toString(), report.getString("firstProblem.eventId"));
            } finally {
                dba.exec("DELETE FROM audit_event WHERE id = ?", forged);
            }
        }
        assertIntactAgain();
    }

    @Test
    void aQueuedEventDeletedBeforeSealingIsFoundAndItsQueueRowKept() throws SQLException {
        UUID vanished = UUID.randomUUID();
        // As if the event had been deleted between its commit and the next sealer tick.
        Db.update("INSERT INTO audit_pending (recorded_at, event_id) VALUES (now(), ?)", vanished);
        try {
            JsonPath report = AuditTestSupport.verify();
            assertFirstProblem(report, "DELETED", null);
            assertEquals(vanished.toString(), report.getString("firstProblem.eventId"));
            assertEquals(1, Db.count("SELECT count(*) FROM audit_pending WHERE event_id = ?", vanished),
                    "the sealer put the orphan back instead of losing the evidence");
        } finally {
            // A sealer tick may hold the orphan mid-claim (it takes the queue row and puts it back in one
            // transaction): a DELETE that waited for that transaction misses the row put back, so
            // delete until it stays gone.
            await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
                Db.update("DELETE FROM audit_pending WHERE event_id = ?", vanished);
                return Db.count("SELECT count(*) FROM audit_pending WHERE event_id = ?", vanished) == 0;
            });
        }
        assertIntactAgain();
    }

    @Test
    void reorderedEntriesAreFoundAtTheFirstSwappedPosition() throws SQLException {
        List<Sealed> events = sealedEvents();
        Sealed a = events.get(0);
        Sealed b = events.get(1);
        try (Dba dba = new Dba()) {
            place(dba, a.seq(), b, b.seq(), a);
            try {
                JsonPath report = AuditTestSupport.verify();
                assertFirstProblem(report, "REORDERED", a.seq());
                assertEquals(b.seq(), report.getLong("problems[1].seq"), report.prettify());
            } finally {
                place(dba, a.seq(), a, b.seq(), b);
            }
        }
        assertIntactAgain();
    }

    @Test
    void aChainRecomputedAfterAnEditIsCaughtByTheSignedCheckpoint() throws SQLException {
        Sealed target = sealedEvents().get(0);
        try (Dba dba = new Dba()) {
            dba.exec("UPDATE audit_event SET outcome = outcome + 1 WHERE recorded_at = ? AND id = ?", target.recordedAt(), target.id());
            try {
                relink(dba, target.seq());
                JsonPath report = AuditTestSupport.verify();
                assertFalse(report.getBoolean("intact"));
                assertEquals("CHECKPOINT_MISMATCH", report.getString("firstProblem.kind"), report.prettify());
                assertTrue(report.getLong("firstProblem.seq") <= target.seq()
                        && target.seq() <= report.getLong("firstProblem.lastSeq"), report.prettify());
            } finally {
                dba.exec("UPDATE audit_event SET outcome = outcome - 1 WHERE recorded_at = ? AND id = ?", target.recordedAt(), target.id());
                relink(dba, target.seq());
            }
        }
        assertIntactAgain();
    }

    @Test
    void anAlteredCheckpointFailsItsSignature() throws SQLException {
        sealedEvents();
        long last = Db.count("SELECT max(last_seq) FROM audit_checkpoint");
        try (Dba dba = new Dba()) {
            dba.exec("UPDATE audit_checkpoint SET signed_at = signed_at + interval '1 second' WHERE last_seq = ?", last);
            try {
                JsonPath report = AuditTestSupport.verify();
                assertFalse(report.getBoolean("intact"));
                assertEquals("BAD_CHECKPOINT", report.getString("firstProblem.kind"), report.prettify());
            } finally {
                dba.exec("UPDATE audit_checkpoint SET signed_at = signed_at - interval '1 second' WHERE last_seq = ?", last);
            }
        }
        assertIntactAgain();
    }

    @Test
    void onlyADpoWithADpoPurposeMayVerify() {
        given().when().get("/api/v1/audit/verify").then().statusCode(401);
        given().auth().oauth2(TestTokens.forAgency("la:E09000030").roles("practitioner").sign())
                .header("Purpose-Of-Use", "DPO-REVIEW").when().get("/api/v1/audit/verify").then().statusCode(403);
        given().auth().oauth2(TestTokens.forAgency("la:E09000030").roles("dpo").sign())
                .header("Purpose-Of-Use", "SAFEGUARDING").when().get("/api/v1/audit/verify").then().statusCode(403)
                .body("code", org.hamcrest.Matchers.equalTo("PURPOSE_NOT_PERMITTED"));
    }

    /** Makes chain entry {@code seq1} point at {@code event1} and {@code seq2} at {@code event2}. */
    private static void place(Dba dba, long seq1, Sealed event1, long seq2, Sealed event2) throws SQLException {
        dba.exec("""
                UPDATE audit_chain SET event_id = CASE seq WHEN ? THEN ?::uuid ELSE ?::uuid END,
                    recorded_at = CASE seq WHEN ? THEN ?::timestamptz ELSE ?::timestamptz END
                WHERE seq IN (?, ?)""", seq1, event1.id(), event2.id(), seq1, event1.recordedAt(), event2.recordedAt(), seq1, seq2);
    }

    /**
     * Recomputes every chain hash from {@code fromSeq} to the tip, as a DBA who knows the algorithm would,
     * holding the sealer's lock so no entry is appended meanwhile.
     */
    private static void relink(Dba dba, long fromSeq) throws SQLException {
        dba.connection.setAutoCommit(false);
        try {
            dba.exec("SELECT pg_advisory_xact_lock(?)", AuditSealer.CHAIN_LOCK);
            List<ChainVerifier.ChainRow> rows = new ArrayList<>();
            JdbcAuditSource.readChain(dba.connection, fromSeq, rows::add);
            byte[] prev = rows.get(0).prevHash();
            ChainHash hash = new ChainHash();
            for (ChainVerifier.ChainRow row : rows) {
                byte[] next = hash.link(prev, new CanonicalEncoding().encode(row.event(),
                        CanonicalEncoding.versionOf(row.event(), row.encoding())));
                dba.exec("UPDATE audit_chain SET prev_hash = ?, hash = ? WHERE seq = ?", prev, next, row.seq());
                prev = next;
            }
            dba.connection.commit();
        } finally {
            dba.connection.setAutoCommit(true);
        }
    }

    private static String[] cliArgs() {
        return new String[] {"--url", EmbeddedPostgresResource.database().jdbcUrl(), "--user", EmbeddedPostgresResource.database().superuser(),
            "--public-key", "src/test/resources/audit-keys/ed25519-public.pem"};
    }
}
