package uk.safeguarding.gateway.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.chain.CheckpointAge;
import uk.safeguarding.gateway.audit.chain.CheckpointSigner;
import uk.safeguarding.gateway.audit.verify.Finding.Kind;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * The review's finding 1: one fake audit_checkpoint row used to stop signing and witnessing silently.
 * Each test: entries 1..30 under three witnessed checkpoints, then 31..35 sealed, not yet signed.
 */
class CheckpointForgeryTest extends WitnessedChain {

    private static final String FAKE = """
            INSERT INTO audit_checkpoint (last_seq, first_seq, root, last_hash, signed_at, key_id, algorithm, signature)
            VALUES (%d, %d, decode(repeat('00', 32), 'hex'), %s, now(), 'forged', 'Ed25519', '\\x00'::bytea)""";

    private Connection runtimeRole() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + database.port() + "/" + chain.name,
                EmbeddedDatabase.RUNTIME, EmbeddedDatabase.LOCAL_PASSWORD);
    }

    @Test
    void theRuntimeRoleCannotInsertACheckpointThatDoesNotContinueTheChain() throws Exception {
        try (Connection app = runtimeRole(); Statement s = app.createStatement()) {
            SQLException beyond = assertThrows(SQLException.class,
                    () -> s.execute(FAKE.formatted(1_000_000_000_000L, 1_000_000_000_000L, "decode(repeat('00', 32), 'hex')")));
            assertEquals("23514", beyond.getSQLState(), beyond.getMessage());
            SQLException gap = assertThrows(SQLException.class, () -> s.execute(FAKE.formatted(35, 32,
                    "(SELECT hash FROM audit_chain WHERE seq = 35)")));
            assertTrue(gap.getMessage().contains("does not continue"), gap.getMessage());
            SQLException wrongHash = assertThrows(SQLException.class, () -> s.execute(FAKE.formatted(35, 31,
                    "(SELECT hash FROM audit_chain WHERE seq = 34)")));
            assertTrue(wrongHash.getMessage().contains("hash"), wrongHash.getMessage());
        }
        assertEquals(1, chain.checkpointer.checkpointAll().await().indefinitely(), "the real checkpointer still signs");
        chain.witnessed();
        assertEquals(4, witness.store().size());
    }

    @Test
    void aRowThatContinuesTheChainButIsNotSignedByATrustedKeyStopsNothingSilently() throws Exception {
        CheckpointAge age = new CheckpointAge(chain.pool, chain.vertx, chain.metrics, new CheckpointSigner(ScratchChain.keyPair()));
        try (Connection app = runtimeRole(); Statement s = app.createStatement()) {
            s.execute(FAKE.formatted(35, 31, "(SELECT hash FROM audit_chain WHERE seq = 35)"));
        }
        chain.sealed(3);
        assertEquals(0, chain.checkpointer.checkpointAll().await().indefinitely(), "nothing is built on a forged row");
        assertTrue(chain.metrics.get("gateway.audit.checkpoint.invalid").counter().count() >= 1);
        age.refreshNow().await().indefinitely();
        Thread.sleep(1100);
        double seconds = chain.metrics.get("gateway.audit.checkpoint.age.seconds").gauge().value();
        assertTrue(seconds >= 1, "the forged row does not count as coverage: " + seconds);
    }

    @Test
    void aSealedAtInTheFutureDoesNotHoldTheAgeGaugeAtZero() throws Exception {
        CheckpointAge age = new CheckpointAge(chain.pool, chain.vertx, chain.metrics, new CheckpointSigner(ScratchChain.keyPair()));
        try (Connection attacker = chain.attacker(); Statement s = attacker.createStatement()) {
            s.execute("UPDATE audit_chain SET sealed_at = '9999-01-01' WHERE seq = 31");
        }
        age.refreshNow().await().indefinitely();
        Thread.sleep(1100);
        age.refreshNow().await().indefinitely();
        double seconds = chain.metrics.get("gateway.audit.checkpoint.age.seconds").gauge().value();
        assertTrue(seconds >= 1, "aged from when this replica first saw entry 31 uncovered: " + seconds);
    }

    /**
     * The attack as the reviewer described it: a fake row stops signing; as superuser the tail after the
     * last witnessed checkpoint is deleted with the event wanted gone, the other events are re-queued
     * and re-chained by the sealer, the fake row removed. The database alone and the old witness check
     * said INTACT; the events in the unwitnessed window are older than the limit, so it is now a finding.
     */
    @Test
    void aDeletedTailWithItsOtherEventsReChainedIsAFindingOnceTheyAreOld() throws Exception {
        try (Connection attacker = chain.attacker(); Statement s = attacker.createStatement()) {
            s.execute(FAKE.formatted(1_000_000_000_000L, 1_000_000_000_000L, "decode(repeat('00', 32), 'hex')"));
            assertEquals(0, chain.checkpointer.checkpointAll().await().indefinitely());
            s.execute("""
                    DELETE FROM audit_event e USING audit_chain c
                    WHERE c.seq = 33 AND e.recorded_at = c.recorded_at AND e.id = c.event_id""");
            s.execute("""
                    INSERT INTO audit_pending (recorded_at, event_id)
                    SELECT recorded_at, event_id FROM audit_chain WHERE seq > 30 AND seq <> 33""");
            s.execute("DELETE FROM audit_chain WHERE seq > 30");
            s.execute("DELETE FROM audit_checkpoint WHERE last_seq = 1000000000000");
        }
        assertEquals(4, chain.sealer.sealAvailable(true).await().indefinitely());
        VerificationReport alone = chain.verify();
        assertTrue(alone.intact(), "the database alone cannot tell: " + alone);
        assertTrue(chain.verify(WitnessCopy.load(witnessDir.toString())).intact(), "within the default limit: not yet a finding");

        Thread.sleep(2100);
        VerificationReport late = JdbcAuditSource.verify(chain.connect(), ScratchChain.trustedKeys(),
                List.of(WitnessCopy.load(witnessDir.toString())), Duration.ofSeconds(2));
        assertFalse(late.intact());
        assertEquals(Kind.UNWITNESSED_TOO_LONG, late.firstProblem().kind(), late.toString());
        assertEquals(31L, late.firstProblem().seq());
        String printed = cli(1, "--witness", "http://127.0.0.1:" + witness.port(), "--max-unwitnessed", "2s");
        assertTrue(printed.contains("UNWITNESSED_TOO_LONG"), printed);
    }

    @Test
    void aWitnessUrlMustBeHttpsUnlessLoopback() {
        IOException refused = assertThrows(IOException.class, () -> WitnessCopy.load("http://witness.example.org/checkpoints"));
        assertTrue(refused.getMessage().contains("https"), refused.getMessage());
        cli(2, "--witness", "http://192.0.2.7:8200");
    }

    private String cli(int expectedStatus, String... extra) {
        List<String> args = new ArrayList<>(List.of("--url", "jdbc:postgresql://127.0.0.1:" + database.port() + "/" + chain.name,
                "--user", EmbeddedDatabase.SUPERUSER, "--public-key", "src/test/resources/audit-keys/ed25519-public.pem"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = AuditVerifyCli.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, printed);
        return printed;
    }
}
