package uk.safeguarding.gateway.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.chain.AuditCheckpointer;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.support.Db;

/**
 * The scheduled verifier, driven by hand (the test profile turns the schedule off): it continues from
 * its stored position, its gauges follow the chain, it finds a tamper in entries it has not verified
 * yet, and only a full pass (POST) finds one in entries it already has. The GET does no verification.
 */
@QuarkusTest
class VerificationJobTest {

    @Inject
    VerificationJob job;
    @Inject
    AuditTrail trail;
    @Inject
    AuditSealer sealer;
    @Inject
    AuditCheckpointer checkpointer;
    @Inject
    MeterRegistry registry;

    /** Events sealed by this test, in chain order: (seq, recorded_at, id). */
    record Sealed(long seq, Timestamp at, AuditEntry entry) {
    }

    @BeforeEach
    void caughtUpAndIntact() throws SQLException {
        assertTrue(AuditTestSupport.verify().getBoolean("intact"), "precondition: a full pass finds the trail intact");
        job.incremental();
        assertTrue(job.status().intact());
    }

    private List<Sealed> sealNew(int n) {
        List<AuditEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(AuditTestSupport.Entry.permit().record(trail));
        }
        AuditTestSupport.sealAndSign(sealer, checkpointer);
        List<Sealed> sealed = new ArrayList<>();
        for (AuditEntry e : entries) {
            Timestamp at = Timestamp.from(e.recordedAt());
            sealed.add(new Sealed(Db.count("SELECT seq FROM audit_chain WHERE recorded_at = ? AND event_id = ?", at, e.id()), at, e));
        }
        return sealed;
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void theVerifiedPositionFollowsTheChainAndTheLagFallsToZero() throws SQLException {
        long before = job.status().verifiedSeq();
        List<Sealed> sealed = sealNew(5);
        long tip = Db.count("SELECT max(seq) FROM audit_chain");
        VerificationStatus waiting = job.status();
        assertEquals(before, waiting.verifiedSeq(), "nothing verified until the job runs");
        assertEquals(tip - before, waiting.lagEvents());

        VerificationJob.Run run = job.incremental();
        assertFalse(run.busy());
        assertEquals(0, run.problems());
        assertEquals(tip - before, run.entries(), "continues from the stored position: not a full pass");
        VerificationStatus status = job.status();
        assertEquals(tip, status.verifiedSeq());
        assertTrue(status.verifiedSeq() >= sealed.get(4).seq());
        assertEquals(0, status.lagEvents());
        assertEquals("INCREMENTAL", status.lastRunKind());
        assertEquals(tip, (long) gauge("gateway.audit.verified.sequence"));
        assertEquals(0, gauge("gateway.audit.verification.lag.events"));
        assertEquals(0, job.incremental().entries(), "nothing new, nothing re-read");
    }

    @Test
    void aTamperNotYetVerifiedIsFoundByTheNextRun() throws SQLException {
        Sealed target = sealNew(3).get(1);
        double failures = registry.get("gateway.audit.verification.failures").counter().count();
        try (Dba dba = new Dba()) {
            dba.exec("UPDATE audit_event SET outcome = outcome + 1 WHERE recorded_at = ? AND id = ?", target.at(), target.entry().id());
            try {
                VerificationJob.Run run = job.incremental();
                assertEquals(1, run.problems());
                VerificationStatus status = job.status();
                assertFalse(status.intact());
                assertEquals(Finding.Kind.EDITED, status.firstProblem().kind());
                assertEquals(target.seq(), status.firstProblem().seq());
                assertEquals(0, status.lagEvents(), "the run goes on past a problem");
                assertEquals(failures + 1, registry.get("gateway.audit.verification.failures").counter().count());
                JsonPath api = AuditTestSupport.dpo().when().get("/api/v1/audit/verify").then().statusCode(200).extract().jsonPath();
                assertFalse(api.getBoolean("intact"));
                assertEquals(target.seq(), api.getLong("firstProblem.seq"));
            } finally {
                dba.exec("UPDATE audit_event SET outcome = outcome - 1 WHERE recorded_at = ? AND id = ?", target.at(), target.entry().id());
            }
        }
        // A full pass replaces the open findings with its own: none, the row being back.
        assertTrue(AuditTestSupport.verify().getBoolean("intact"));
        assertTrue(job.status().intact());
    }

    @Test
    void aChainEntryDeletedBeforeItWasVerifiedIsFoundAndTheRunGoesOn() throws SQLException {
        List<Sealed> sealed = sealNew(3);
        Sealed target = sealed.get(1);
        try (Dba dba = new Dba()) {
            dba.exec("CREATE TEMP TABLE saved_entry AS SELECT * FROM audit_chain WHERE seq = ?", target.seq());
            assertEquals(1, dba.exec("DELETE FROM audit_chain WHERE seq = ?", target.seq()));
            try {
                VerificationJob.Run run = job.incremental();
                assertTrue(run.problems() >= 1, String.valueOf(run));
                VerificationStatus status = job.status();
                assertEquals(Finding.Kind.DELETED, status.firstProblem().kind(), String.valueOf(status.problems()));
                assertEquals(target.seq(), status.firstProblem().seq());
                assertTrue(status.verifiedSeq() >= sealed.get(2).seq(), "past the gap");
            } finally {
                dba.exec("INSERT INTO audit_chain SELECT * FROM saved_entry");
                dba.exec("DROP TABLE saved_entry");
            }
        }
        assertTrue(AuditTestSupport.verify().getBoolean("intact"));
    }

    @Test
    void aTamperInVerifiedEntriesIsFoundByAFullPassOnly() throws SQLException {
        Sealed target = sealNew(3).get(1);
        job.incremental();
        assertTrue(job.status().verifiedSeq() >= target.seq());
        try (Dba dba = new Dba()) {
            dba.exec("UPDATE audit_event SET outcome = outcome + 1 WHERE recorded_at = ? AND id = ?", target.at(), target.entry().id());
            try {
                assertEquals(0, job.incremental().problems(), "an incremental run does not re-read verified entries");
                assertTrue(job.status().intact());
                JsonPath full = AuditTestSupport.verify();
                assertFalse(full.getBoolean("intact"));
                assertEquals("EDITED", full.getString("firstProblem.kind"));
                assertEquals(target.seq(), full.getLong("firstProblem.seq"));
                VerificationStatus status = job.status();
                assertFalse(status.intact(), "the GET now reports what the full pass found");
                assertEquals("FULL", status.lastRunKind());
                assertEquals(target.seq(), status.firstProblem().seq());
            } finally {
                dba.exec("UPDATE audit_event SET outcome = outcome - 1 WHERE recorded_at = ? AND id = ?", target.at(), target.entry().id());
            }
        }
        assertTrue(AuditTestSupport.verify().getBoolean("intact"));
    }

    @Test
    void theGetAnswersFromStateAndThePostDoesAFullPass() throws SQLException {
        sealNew(2);
        Map<String, Object> before = Db.query("SELECT full_passes, last_run_at, last_seq FROM audit_verification").get(0);
        for (int i = 0; i < 3; i++) {
            JsonPath state = AuditTestSupport.dpo().when().get("/api/v1/audit/verify").then().statusCode(200).extract().jsonPath();
            assertTrue(state.getLong("lagEvents") >= 2, state.prettify());
            assertEquals(((Number) before.get("full_passes")).longValue(), state.getLong("fullPasses"));
        }
        assertEquals(before, Db.query("SELECT full_passes, last_run_at, last_seq FROM audit_verification").get(0),
                "three GETs verified nothing");
        JsonPath report = AuditTestSupport.verify();
        assertTrue(report.getLong("entriesChecked") >= Db.count("SELECT max(seq) FROM audit_chain") - 2, report.prettify());
        VerificationStatus after = job.status();
        assertEquals(((Number) before.get("full_passes")).longValue() + 1, after.fullPasses());
        // The POST's own audit event (and the GETs') may be sealed meanwhile: the position is where the pass ended.
        assertEquals(report.getLong("lastSeq"), after.verifiedSeq(), "a full pass moves the verified position to where it ended");
    }

    @Test
    void aFullPassStartInTheFutureIsTamperingAndTheDailyPassRunsAnyway() throws Exception {
        Db.update("UPDATE audit_verification SET full_started_at = '9999-01-01'");
        long passes = job.status().fullPasses();
        double tampered = registry.get("gateway.audit.verification.state.tampered").counter().count();
        VerificationReport report = job.fullPass(java.time.Duration.ofDays(1), () -> { });
        assertTrue(report.intact(), report.toString());
        assertEquals(passes + 1, job.status().fullPasses(), "the pass ran, not skipped as 'too soon'");
        assertEquals(tampered + 1, registry.get("gateway.audit.verification.state.tampered").counter().count());
        assertTrue(gauge("gateway.audit.full.pass.age.seconds") < 5, "this replica remembers its own pass");
        assertEquals(1, Db.count("SELECT count(*) FROM audit_verification WHERE full_started_at <= now()"));
    }
}
