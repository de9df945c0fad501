package uk.safeguarding.gateway.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.verify.Finding.Kind;
import uk.safeguarding.gateway.audit.witness.WitnessServer;

/**
 * The restore drill (docs/OPERATIONS.md, "Restore"): a filesystem backup (the stopped database's data
 * directory, copied) started as a new instance verifies clean against the chain and the witness; the
 * same backup restored after the primary went on is what a restore to an earlier point looks like:
 * the witness holds checkpoints beyond its head, and the verifier names the entries lost and when
 * they were signed. A gateway that then carries on from the restored head forks the chain, and the
 * witness refuses the new checkpoints for entries it already witnessed.
 */
class RestoreDrillTest {

    private static final Path ROOT = Path.of("target", "restore-drill-" + ProcessHandle.current().pid());
    private WitnessServer witness;

    @AfterEach
    void cleanUp() {
        if (witness != null) {
            witness.close();
        }
        ScratchChain.deleteTree(ROOT);
    }

    @Test
    void aBackupRestoresVerifiedAndAnEarlierRestorePointIsNamedByTheWitness() throws Exception {
        Path primary = ROOT.resolve("primary");
        Path backup = ROOT.resolve("backup");
        witness = ScratchChain.witness(ROOT.resolve("witness"));
        WitnessCopy copy;

        try (ScratchChain chain = ScratchChain.start(primary, ScratchChain.pushUrl(witness))) {
            chain.checkpointed(10);
            chain.checkpointed(10);
            chain.witnessed();
        }
        ScratchChain.copyTree(primary, backup);

        // Restoring the latest backup: a new instance on a copy, verified before any gateway points at it.
        Path restored = ROOT.resolve("restored-1");
        ScratchChain.copyTree(backup, restored);
        try (ScratchChain chain = ScratchChain.start(restored, null)) {
            VerificationReport report = chain.verify(WitnessCopy.load(ROOT.resolve("witness").toString()));
            assertTrue(report.intact(), report.toString());
            assertEquals(20, report.lastSeq());
            assertEquals(20, report.witnessed().newestWitnessedSeq());
            assertEquals(0, report.witnessed().unwitnessedEntries());
        }

        // The primary goes on: twenty more entries, signed and witnessed.
        try (ScratchChain chain = ScratchChain.start(primary, ScratchChain.pushUrl(witness))) {
            chain.checkpointed(10);
            chain.checkpointed(10);
            chain.witnessed();
            copy = WitnessCopy.load("http://127.0.0.1:" + witness.port());
            assertTrue(chain.verify(copy).intact());
        }
        List<String> lostSignedAt = copy.checkpoints().stream().filter(cp -> cp.lastSeq() > 20)
                .map(cp -> cp.signedAt().toString()).toList();
        assertEquals(2, lostSignedAt.size());

        // Now the same backup restored: an earlier point than the witness has seen.
        Path earlier = ROOT.resolve("restored-2");
        ScratchChain.copyTree(backup, earlier);
        try (ScratchChain chain = ScratchChain.start(earlier, ScratchChain.pushUrl(witness))) {
            VerificationReport alone = chain.verify();
            assertTrue(alone.intact(), "the restored database is consistent in itself: " + alone);
            VerificationReport report = chain.verify(copy);
            assertFalse(report.intact());
            Finding lost = report.firstProblem();
            assertEquals(Kind.TRUNCATED, lost.kind(), report.toString());
            assertEquals(21L, lost.seq());
            assertEquals(40L, lost.lastSeq());
            assertTrue(lost.detail().contains("entries 21..40 and their events are gone") && lost.detail().contains(lostSignedAt.get(0))
                    && lost.detail().contains(lostSignedAt.get(1)) && lost.detail().contains("restored to an earlier point"),
                    lost.detail());

            // A gateway pointed at it carries on from entry 21: the witness refuses the fork and records it.
            chain.checkpointed(5);
            chain.witnessed();
            assertEquals(4, witness.store().size(), "the witness kept what it had witnessed");
            VerificationReport forked = chain.verify(WitnessCopy.load("http://127.0.0.1:" + witness.port()));
            assertTrue(forked.problems().stream().anyMatch(f -> f.kind() == Kind.WITNESS_CONFLICT && f.seq() == 21L),
                    forked.toString());
            Finding truncated = forked.problems().stream().filter(f -> f.kind() == Kind.TRUNCATED).findFirst().orElseThrow();
            assertEquals(21L, truncated.seq());
            assertTrue(truncated.detail().contains("entries 26..40 and their events are gone and entries 21..25 can no longer be confirmed"),
                    truncated.detail());
        }
    }
}
