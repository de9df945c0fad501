package uk.safeguarding.gateway.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.chain.CanonicalEncoding;
import uk.safeguarding.gateway.audit.chain.ChainHash;
import uk.safeguarding.gateway.audit.chain.Checkpoint;
import uk.safeguarding.gateway.audit.chain.JsonStringArrays;
import uk.safeguarding.gateway.audit.verify.ChainVerifier.ChainRow;
import uk.safeguarding.gateway.audit.verify.Finding.Kind;

/** The verifier continuing a chain from a verified position, and the strings-only finding. */
class IncrementalChainVerifierTest {

    private static VerificationReport after(List<ChainRow> rows, int afterSeq, long afterCheckpointSeq, List<Checkpoint> checkpoints) {
        byte[] afterHash = afterSeq == 0 ? ChainHash.GENESIS : rows.get(afterSeq - 1).hash();
        ChainVerifier verifier = new ChainVerifier(Map.of(ChainVerifierTest.KEY_ID, ChainVerifierTest.KEY.getPublic()), checkpoints,
                afterSeq, afterHash, afterCheckpointSeq);
        for (Checkpoint cp : checkpoints) {
            if (cp.lastSeq() <= afterSeq) {
                verifier.checkpointBehind(cp, rows.get((int) cp.lastSeq() - 1).hash());
            }
        }
        rows.subList(afterSeq, rows.size()).forEach(verifier::accept);
        return verifier.finish(0, 1);
    }

    @Test
    void aRunContinuesFromTheVerifiedHashAndChecksACheckpointThatBeganBeforeIt() {
        List<ChainRow> rows = ChainVerifierTest.seal(ChainVerifierTest.events());
        // Entries 1..7 verified earlier; checkpoint 1..10 began before this run and is checked by its last hash.
        List<Checkpoint> checkpoints = List.of(ChainVerifierTest.checkpoint(rows, 1, 10), ChainVerifierTest.checkpoint(rows, 11, 20));
        VerificationReport report = after(rows, 7, 0, checkpoints);
        assertTrue(report.intact(), String.valueOf(report.problems()));
        assertEquals(13, report.entriesChecked());
        assertEquals(20, report.lastSeq());
        assertEquals(2, report.checkpointsChecked());
    }

    @Test
    void aRunFromAWrongHashFindsTheBrokenLink() {
        List<ChainRow> rows = ChainVerifierTest.seal(ChainVerifierTest.events());
        ChainVerifier verifier = new ChainVerifier(Map.of(), List.of(), 7, rows.get(5).hash(), 0);
        rows.subList(7, rows.size()).forEach(verifier::accept);
        VerificationReport report = verifier.finish(0, 1);
        assertEquals(Kind.CHAIN_ALTERED, report.firstProblem().kind());
        assertEquals(8L, report.firstProblem().seq());
    }

    @Test
    void anEditInTheNewRangeIsFound() {
        List<ChainRow> rows = ChainVerifierTest.seal(ChainVerifierTest.events());
        ChainRow twelve = rows.get(11);
        AuditEntry edited = ChainVerifierTest.event(12, 500);
        rows.set(11, new ChainRow(twelve.seq(), edited.id(), twelve.prevHash(), twelve.hash(), edited));
        VerificationReport report = after(rows, 10, 10, List.of(ChainVerifierTest.checkpoint(rows, 11, 20)));
        assertEquals(Kind.EDITED, report.firstProblem().kind());
        assertEquals(12L, report.firstProblem().seq());
    }

    @Test
    void aCheckpointSignedAfterItsEntriesWereVerifiedIsCheckedAgainstTheChain() {
        List<ChainRow> rows = ChainVerifierTest.seal(ChainVerifierTest.events());
        Checkpoint late = ChainVerifierTest.checkpoint(rows, 1, 10);
        ChainVerifier verifier = new ChainVerifier(Map.of(ChainVerifierTest.KEY_ID, ChainVerifierTest.KEY.getPublic()), List.of(late),
                20, rows.get(19).hash(), 0);
        verifier.checkpointBehind(late, rows.get(8).hash());
        VerificationReport report = verifier.finish(0, 1);
        assertEquals(Kind.CHECKPOINT_MISMATCH, report.firstProblem().kind());
        assertEquals(1, report.checkpointsChecked());
    }

    @Test
    void aCheckpointThatDoesNotFollowTheLastOneCheckedIsReported() {
        List<ChainRow> rows = ChainVerifierTest.seal(ChainVerifierTest.events());
        // The run before checked checkpoints up to 5; the next one starts at 11: 6..10 went missing.
        VerificationReport report = after(rows, 10, 5, List.of(ChainVerifierTest.checkpoint(rows, 11, 20)));
        assertEquals(Kind.BAD_CHECKPOINT, report.firstProblem().kind());
    }

    /**
     * A version-1 row hashed {@code [1]} and {@code ["1"]} alike, so a non-string element sealed (or
     * swapped in) there hashes correctly: the finding is what reports it.
     */
    @Test
    void aNonStringElementThatHashesCorrectlyIsStillReported() {
        List<AuditEntry> events = new ArrayList<>(ChainVerifierTest.events());
        AuditEntry e = events.get(4);
        String stored = "{\"kind\": \"practitioner\"}";
        AuditEntry odd = new AuditEntry(e.id(), e.recordedAt(), e.requestId(), e.actorSubject(), e.actorClient(), e.actorKind(),
                e.actorAgency(), JsonStringArrays.parse("[" + stored + "]"), e.purpose(), e.action(), e.resourceType(),
                e.resourceId(), e.childId(), JsonStringArrays.parse("[1]"), e.decision(), e.reasons(), e.denialCode(),
                e.lawfulBasis(), e.overrideJustification(), e.overrideApprover(), e.outcome(), e.sourceAddress());
        events.set(4, odd);
        List<ChainRow> rows = ChainVerifierTest.seal(events);
        assertEquals(CanonicalEncoding.VERSION_1, CanonicalEncoding.versionOf(odd, rows.get(4).encoding()));
        VerificationReport report = after(rows, 0, 0, List.of());
        assertEquals(1, report.problemCount(), String.valueOf(report.problems()));
        assertEquals(Kind.NON_STRING_ELEMENT, report.firstProblem().kind());
        assertEquals(5L, report.firstProblem().seq());
        assertTrue(report.firstProblem().detail().contains("actor_roles, categories"), report.firstProblem().detail());
    }
}
