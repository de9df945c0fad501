package uk.safeguarding.gateway.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.WithDefault;
import org.awaitility.Awaitility;
import uk.safeguarding.gateway.audit.chain.AuditCheckpointer;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.chain.CanonicalEncoding;
import uk.safeguarding.gateway.audit.chain.ChainHash;
import uk.safeguarding.gateway.audit.verify.Finding.Kind;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * What a database superuser can hide from the database alone, and what a witness's copy of the
 * checkpoints still shows. Each test gets a fresh chain: entries 1..30 under three witnessed
 * checkpoints (1..10, 11..20, 21..30), then 31..35 sealed but not yet checkpointed (the unwitnessed
 * window). The attacker is a superuser session with the append-only triggers switched off.
 */
class WitnessTamperTest extends WitnessedChain {

    private WitnessCopy fromDirectory() throws IOException {
        return WitnessCopy.load(witnessDir.toString());
    }

    private WitnessCopy fromUrl() throws IOException {
        return WitnessCopy.load("http://127.0.0.1:" + witness.port());
    }

    @Test
    void anUntouchedChainAgreesWithItsWitnessAndTheUnwitnessedWindowIsStated() throws Exception {
        VerificationReport report = chain.verify(fromUrl());
        assertTrue(report.intact(), report.toString());
        VerificationReport.Witnessed w = report.witnessed();
        assertEquals(30, w.newestWitnessedSeq());
        assertEquals(5, w.unwitnessedEntries());
        assertEquals(31L, w.unwitnessedFromSeq());
        assertNotNull(w.unwitnessedFrom());
        assertFalse(w.unwitnessedTo().isBefore(w.unwitnessedFrom()));
        assertEquals(3, w.witnesses().get(0).checkpoints());

        String printed = cli(0, "--witness", witnessDir.toString());
        assertTrue(printed.contains("unwitnessed window     5 entries from seq 31"), printed);
    }

    @Test
    void aDeletedTailLooksIntactToTheDatabaseAloneAndIsCaughtByTheWitness() throws Exception {
        try (Connection attacker = chain.attacker(); Statement s = attacker.createStatement()) {
            s.execute("""
                    DELETE FROM audit_event e USING audit_chain c
                    WHERE c.seq > 20 AND e.recorded_at = c.recorded_at AND e.id = c.event_id""");
            s.execute("DELETE FROM audit_chain WHERE seq > 20");
            s.execute("DELETE FROM audit_checkpoint WHERE last_seq > 20");
        }
        // The gap the witness closes: signed checkpoints 1..10 and 11..20 still match, and nothing says 21.. existed.
        VerificationReport alone = chain.verify();
        assertTrue(alone.intact(), alone.toString());
        assertEquals(20, alone.lastSeq());
        cli(0);

        VerificationReport witnessed = chain.verify(fromDirectory());
        assertFalse(witnessed.intact());
        Finding first = witnessed.firstProblem();
        assertEquals(Kind.TRUNCATED, first.kind(), witnessed.toString());
        assertEquals(21L, first.seq());
        assertEquals(30L, first.lastSeq());
        assertTrue(first.detail().contains("entries 21..30"), first.detail());
        String printed = cli(1, "--witness", "http://127.0.0.1:" + witness.port());
        assertTrue(printed.contains("TRUNCATED"), printed);
    }

    @Test
    void aConsistentlyRewrittenChainWithItsCheckpointsDeletedIsCaughtByTheWitness() throws Exception {
        rewriteFrom(15);
        try (Connection attacker = chain.attacker(); Statement s = attacker.createStatement()) {
            s.execute("DELETE FROM audit_checkpoint WHERE last_seq >= 15");
        }
        VerificationReport alone = chain.verify();
        assertTrue(alone.intact(), "the database alone cannot tell: " + alone);

        VerificationReport witnessed = chain.verify(fromUrl());
        assertFalse(witnessed.intact());
        assertEquals(Kind.WITNESS_MISMATCH, witnessed.firstProblem().kind(), witnessed.toString());
        assertEquals(11L, witnessed.firstProblem().seq());
        assertEquals(20L, witnessed.firstProblem().lastSeq());
        assertTrue(witnessed.problems().stream().anyMatch(f -> f.kind() == Kind.WITNESS_MISMATCH && f.seq() == 21L),
                witnessed.toString());
    }

    @Test
    void aRewriteReSignedWithAStolenKeyIsRefusedByTheWitnessAndCaught() throws Exception {
        rewriteFrom(15);
        try (Connection attacker = chain.attacker(); Statement s = attacker.createStatement()) {
            s.execute("DELETE FROM audit_checkpoint WHERE last_seq >= 15");
        }
        // The thief signs the rewritten entries 11..35 with the real key; the checkpointer also pushes them.
        assertEquals(1, chain.checkpointer.checkpointAll().await().indefinitely());
        chain.witnessed();
        assertTrue(chain.verify().intact(), "with the key, the database alone is consistent");

        VerificationReport witnessed = chain.verify(fromDirectory());
        assertFalse(witnessed.intact());
        assertTrue(witnessed.problems().stream().anyMatch(f -> f.kind() == Kind.WITNESS_MISMATCH && f.seq() == 11L),
                witnessed.toString());
        Finding conflict = witnessed.problems().stream().filter(f -> f.kind() == Kind.WITNESS_CONFLICT).findFirst().orElseThrow();
        assertEquals(11L, conflict.seq());
        assertEquals(35L, conflict.lastSeq());
        assertEquals(3, witness.store().size(), "the witness kept its original copy");
        assertEquals(1, chain.metrics.get("gateway.audit.witness.failures").counter().count());
    }

    @Test
    void deletedCheckpointsAreNamedByTheWitness() throws Exception {
        try (Connection attacker = chain.attacker(); Statement s = attacker.createStatement()) {
            s.execute("DELETE FROM audit_checkpoint WHERE last_seq = 30");
        }
        assertTrue(chain.verify().intact(), "the newest checkpoint gone just widens the unsigned tail");
        VerificationReport witnessed = chain.verify(fromDirectory());
        assertFalse(witnessed.intact());
        assertEquals(Kind.DELETED, witnessed.firstProblem().kind(), witnessed.toString());
        assertEquals(21L, witnessed.firstProblem().seq());
    }

    @Test
    void editsInTheUnwitnessedWindowAreNotCaughtAndTheWindowIsSaid() throws Exception {
        rewriteFrom(33);
        VerificationReport witnessed = chain.verify(fromDirectory());
        assertTrue(witnessed.intact(), "a limit, stated: entries after the newest witnessed checkpoint can be rewritten");
        assertEquals(5, witnessed.witnessed().unwitnessedEntries());
    }

    @Test
    void holdingTheChainLockStopsTheSealerAndEventsDeletedMeanwhileAreNotCaught() throws Exception {
        try (Connection attacker = chain.attacker(); Statement s = attacker.createStatement()) {
            // A session-level advisory lock on the chain key stalls the sealer of every replica.
            s.execute("SELECT pg_advisory_lock(" + uk.safeguarding.gateway.audit.chain.AuditSealer.CHAIN_LOCK + ")");
            for (int i = 0; i < 3; i++) {
                uk.safeguarding.gateway.audit.AuditTestSupport.Entry.permit().record(chain.trail);
            }
            assertEquals(0, chain.sealer.sealAvailable(false).await().indefinitely());
            VerificationReport stalled = chain.verify(fromDirectory());
            assertTrue(stalled.intact(), stalled.toString());
            assertEquals(3, stalled.pendingEvents(), "the stall is visible: events queued, not sealed");

            s.execute("""
                    WITH gone AS (DELETE FROM audit_pending WHERE event_id = (SELECT event_id FROM audit_pending LIMIT 1)
                                  RETURNING recorded_at, event_id)
                    DELETE FROM audit_event e USING gone WHERE e.recorded_at = gone.recorded_at AND e.id = gone.event_id""");
            VerificationReport after = chain.verify(fromDirectory());
            assertTrue(after.intact(), "a limit, stated: an event deleted with its queue row before sealing leaves no trace");
            assertEquals(2, after.pendingEvents());
            s.execute("SELECT pg_advisory_unlock_all()");
        }
        assertEquals(2, chain.sealer.sealAvailable(false).await().indefinitely());
    }

    @Test
    void byDefaultEveryEventIsCheckpointedWithinTenSeconds() throws Exception {
        Duration maxInterval = configDefault(uk.safeguarding.gateway.audit.AuditConfig.Checkpoint.class, "maxInterval");
        Duration tick = configDefault(uk.safeguarding.gateway.audit.AuditConfig.Sealer.class, "interval");
        assertTrue(maxInterval.plus(tick).plus(tick).compareTo(Duration.ofSeconds(10)) <= 0,
                "sealed within a tick, signed within max-interval and the next tick: " + maxInterval + " + 2 x " + tick);

        // And the checkpointer keeps to max-interval: not before it, soon after (2 s here, to keep the test short).
        chain.checkpointer.checkpointAll().await().indefinitely();
        AuditCheckpointer checkpointer = new AuditCheckpointer(chain.pool,
                new uk.safeguarding.gateway.audit.chain.CheckpointSigner(ScratchChain.keyPair()), 1000, Duration.ofSeconds(2), 10_000);
        chain.sealed(1);
        long sealed = System.nanoTime();
        assertTrue(checkpointer.checkpointIfDue(false).await().indefinitely().isEmpty(), "one fresh entry is not due yet");
        Awaitility.await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(150))
                .until(() -> checkpointer.checkpointIfDue(false).await().indefinitely().isPresent());
        long waited = Duration.ofNanos(System.nanoTime() - sealed).toMillis();
        assertTrue(waited >= 1800 && waited < 4000, "signed after " + waited + " ms");
    }

    private static Duration configDefault(Class<?> group, String key) throws NoSuchMethodException {
        return DurationConverter.parseDuration(group.getMethod(key).getAnnotation(WithDefault.class).value());
    }

    /** Edits the event at {@code seq} and recomputes every chain hash from there: a consistent rewrite. */
    private void rewriteFrom(long seq) throws SQLException {
        try (Connection attacker = chain.attacker()) {
            try (PreparedStatement edit = attacker.prepareStatement("""
                    UPDATE audit_event e SET outcome = 299 FROM audit_chain c
                    WHERE c.seq = ? AND e.recorded_at = c.recorded_at AND e.id = c.event_id""")) {
                edit.setLong(1, seq);
                assertEquals(1, edit.executeUpdate());
            }
            List<ChainVerifier.ChainRow> rows = new ArrayList<>();
            JdbcAuditSource.readChain(attacker, 1, rows::add);
            byte[] previous = rows.get((int) seq - 2).hash();
            ChainHash chainHash = new ChainHash();
            try (PreparedStatement update = attacker.prepareStatement("UPDATE audit_chain SET prev_hash = ?, hash = ? WHERE seq = ?")) {
                for (ChainVerifier.ChainRow row : rows.subList((int) seq - 1, rows.size())) {
                    byte[] hash = chainHash.link(previous, new CanonicalEncoding().encode(row.event(),
                            CanonicalEncoding.versionOf(row.event(), row.encoding())));
                    update.setBytes(1, previous);
                    update.setBytes(2, hash);
                    update.setLong(3, row.seq());
                    assertEquals(1, update.executeUpdate());
                    previous = hash;
                }
            }
        }
    }

    private String cli(int expectedStatus, String... extra) {
        List<String> args = new ArrayList<>(List.of("--url", "jdbc:postgresql://127.0.0.1:" + database.port() + "/" + chain.name,
                "--user", EmbeddedDatabase.SUPERUSER, "--public-key", "src/test/resources/audit-keys/ed25519-public.pem"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AuditVerifyCli.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, printed);
        return printed;
    }
}
