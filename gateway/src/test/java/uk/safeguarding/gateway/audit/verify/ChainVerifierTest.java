package uk.safeguarding.gateway.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.chain.CanonicalEncoding;
import uk.safeguarding.gateway.audit.chain.ChainHash;
import uk.safeguarding.gateway.audit.chain.Checkpoint;
import uk.safeguarding.gateway.audit.chain.MerkleTree;
import uk.safeguarding.gateway.audit.chain.SigningKeys;
import uk.safeguarding.gateway.audit.verify.ChainVerifier.ChainRow;
import uk.safeguarding.gateway.audit.verify.Finding.Kind;

/** The verifier on an in-memory chain of 20 entries with checkpoints 1..10 and 11..20. */
class ChainVerifierTest {

    private static final KeyPair KEY = SigningKeys.generate();
    private static final String KEY_ID = SigningKeys.keyId(KEY.getPublic());

    private static AuditEntry event(int i, int outcome) {
        return new AuditEntry(new UUID(0, i), Instant.parse("2025-03-01T09:00:00Z").plusMillis(i), "req-" + i, "user-" + i,
                "police-met", "USER", "police:met", List.of("practitioner"), "SAFEGUARDING", "read", "Referral", "r-" + i,
                null, List.of("identity"), "PERMIT", List.of(), null, "ukgdpr-6-1-e", null, null, outcome, "10.0.0.1");
    }

    /** Seals events in order, as the sealer does. */
    static List<ChainRow> seal(List<AuditEntry> events) {
        List<ChainRow> rows = new ArrayList<>();
        byte[] prev = ChainHash.GENESIS;
        ChainHash hash = new ChainHash();
        for (int i = 0; i < events.size(); i++) {
            byte[] h = hash.link(prev, new CanonicalEncoding().encode(events.get(i)));
            rows.add(new ChainRow(i + 1, events.get(i).id(), prev, h, events.get(i)));
            prev = h;
        }
        return rows;
    }

    static List<AuditEntry> events() {
        List<AuditEntry> events = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            events.add(event(i, 200));
        }
        return events;
    }

    private static Checkpoint checkpoint(List<ChainRow> rows, int first, int last) {
        MerkleTree tree = new MerkleTree();
        for (int s = first; s <= last; s++) {
            tree.addEntry(rows.get(s - 1).hash());
        }
        Instant at = Instant.parse("2025-03-01T10:00:00Z");
        byte[] lastHash = rows.get(last - 1).hash();
        byte[] signature = SigningKeys.sign(KEY.getPrivate(), Checkpoint.signedMessage(first, last, tree.root(), lastHash, at, KEY_ID));
        return new Checkpoint(first, last, tree.root(), lastHash, at, KEY_ID, "Ed25519", signature);
    }

    private static List<Checkpoint> checkpoints(List<ChainRow> rows) {
        return List.of(checkpoint(rows, 1, 10), checkpoint(rows, 11, 20));
    }

    private static VerificationReport verify(List<ChainRow> rows, List<Checkpoint> checkpoints) {
        ChainVerifier verifier = new ChainVerifier(Map.of(KEY_ID, KEY.getPublic()), checkpoints);
        rows.forEach(verifier::accept);
        return verifier.finish(0, 1);
    }

    private static ChainRow withEvent(ChainRow row, AuditEntry event) {
        return new ChainRow(row.seq(), event == null ? row.eventId() : event.id(), row.prevHash(), row.hash(), event);
    }

    @Test
    void anUntouchedChainIsIntact() {
        List<ChainRow> rows = seal(events());
        VerificationReport report = verify(rows, checkpoints(rows));
        assertTrue(report.intact(), String.valueOf(report.problems()));
        assertEquals(20, report.entriesChecked());
        assertEquals(2, report.checkpointsChecked());
        assertEquals(0, report.unsignedEntries());
        assertNull(report.firstProblem());
    }

    @Test
    void anEditedEventIsFoundAtItsPosition() {
        List<ChainRow> rows = seal(events());
        List<Checkpoint> checkpoints = checkpoints(rows);
        rows.set(6, withEvent(rows.get(6), event(7, 500)));
        VerificationReport report = verify(rows, checkpoints);
        assertEquals(Kind.EDITED, report.firstProblem().kind());
        assertEquals(7L, report.firstProblem().seq());
        assertEquals(1, report.problemCount());
    }

    @Test
    void aDeletedEventIsFoundAtItsPosition() {
        List<ChainRow> rows = seal(events());
        List<Checkpoint> checkpoints = checkpoints(rows);
        rows.set(6, withEvent(rows.get(6), null));
        VerificationReport report = verify(rows, checkpoints);
        assertEquals(Kind.DELETED, report.firstProblem().kind());
        assertEquals(7L, report.firstProblem().seq());
    }

    @Test
    void aDeletedChainEntryIsFoundBeforeTheCheckpointItBreaks() {
        List<ChainRow> rows = seal(events());
        List<Checkpoint> checkpoints = checkpoints(rows);
        rows.remove(6);
        VerificationReport report = verify(rows, checkpoints);
        assertEquals(Kind.DELETED, report.firstProblem().kind());
        assertEquals(7L, report.firstProblem().seq());
        assertTrue(report.problems().stream().anyMatch(f -> f.kind() == Kind.CHECKPOINT_MISMATCH && f.seq() == 1L));
    }

    @Test
    void swappedEventsAreReportedAsReordered() {
        List<ChainRow> rows = seal(events());
        List<Checkpoint> checkpoints = checkpoints(rows);
        ChainRow seven = rows.get(6);
        ChainRow eight = rows.get(7);
        rows.set(6, withEvent(seven, eight.event()));
        rows.set(7, withEvent(eight, seven.event()));
        VerificationReport report = verify(rows, checkpoints);
        assertEquals(Kind.REORDERED, report.firstProblem().kind());
        assertEquals(7L, report.firstProblem().seq());
        assertEquals(Kind.REORDERED, report.problems().get(1).kind());
        assertEquals(8L, report.problems().get(1).seq());
    }

    @Test
    void eventsSwappedFarApartAreStillReordered() {
        List<ChainRow> rows = seal(events());
        ChainRow three = rows.get(2);
        ChainRow nineteen = rows.get(18);
        rows.set(2, withEvent(three, nineteen.event()));
        rows.set(18, withEvent(nineteen, three.event()));
        VerificationReport report = verify(rows, checkpoints(seal(events())));
        assertEquals(Kind.REORDERED, report.firstProblem().kind());
        assertEquals(3L, report.firstProblem().seq());
    }

    @Test
    void aChangedChainHashIsReportedAsChainAltered() {
        List<ChainRow> rows = seal(events());
        List<Checkpoint> checkpoints = checkpoints(rows);
        ChainRow seven = rows.get(6);
        byte[] forged = seven.hash().clone();
        forged[0] ^= 1;
        rows.set(6, new ChainRow(7, seven.eventId(), seven.prevHash(), forged, seven.event()));
        VerificationReport report = verify(rows, checkpoints);
        assertEquals(Kind.CHAIN_ALTERED, report.firstProblem().kind());
        assertEquals(7L, report.firstProblem().seq());
    }

    @Test
    void aSplicedInEntryIsReportedAsInserted() {
        List<AuditEntry> events = events();
        List<ChainRow> original = seal(events);
        List<Checkpoint> checkpoints = checkpoints(original);
        // A forger links a new event after entry 6 and renumbers the rest; it cannot re-link entry 7.
        AuditEntry forged = event(99, 200);
        byte[] forgedHash = new ChainHash().link(original.get(5).hash(), new CanonicalEncoding().encode(forged));
        List<ChainRow> rows = new ArrayList<>(original.subList(0, 6));
        rows.add(new ChainRow(7, forged.id(), original.get(5).hash(), forgedHash, forged));
        for (ChainRow row : original.subList(6, 20)) {
            rows.add(new ChainRow(row.seq() + 1, row.eventId(), row.prevHash(), row.hash(), row.event()));
        }
        VerificationReport report = verify(rows, checkpoints);
        assertEquals(Kind.INSERTED, report.firstProblem().kind());
        assertEquals(7L, report.firstProblem().seq());
    }

    @Test
    void aConsistentlyRewrittenChainIsCaughtByTheSignedCheckpoint() {
        List<Checkpoint> signed = checkpoints(seal(events()));
        List<AuditEntry> edited = events();
        edited.set(6, event(7, 500));
        VerificationReport report = verify(seal(edited), signed);
        assertEquals(Kind.CHECKPOINT_MISMATCH, report.firstProblem().kind());
        assertEquals(1L, report.firstProblem().seq());
        assertEquals(10L, report.firstProblem().lastSeq());
        assertEquals(2, report.problemCount(), "both checkpoints: the second commits to the first through last_hash");
    }

    @Test
    void aTruncatedTailCoveredByACheckpointIsReportedDeleted() {
        List<ChainRow> rows = seal(events());
        List<Checkpoint> checkpoints = checkpoints(rows);
        VerificationReport report = verify(rows.subList(0, 18), checkpoints);
        assertEquals(Kind.DELETED, report.firstProblem().kind());
        assertEquals(19L, report.firstProblem().seq());
        assertEquals(20L, report.firstProblem().lastSeq());
    }

    @Test
    void anAlteredCheckpointFailsItsSignature() {
        List<ChainRow> rows = seal(events());
        Checkpoint good = checkpoint(rows, 1, 10);
        Checkpoint moved = new Checkpoint(1, 10, good.root(), good.lastHash(), good.signedAt().plusSeconds(1), KEY_ID,
                "Ed25519", good.signature());
        VerificationReport report = verify(rows, List.of(moved, checkpoint(rows, 11, 20)));
        assertEquals(Kind.BAD_CHECKPOINT, report.firstProblem().kind());
    }

    @Test
    void aDeletedCheckpointLeavesAGap() {
        List<ChainRow> rows = seal(events());
        VerificationReport report = verify(rows, List.of(checkpoint(rows, 11, 20)));
        assertEquals(Kind.BAD_CHECKPOINT, report.firstProblem().kind());
    }

    @Test
    void aCheckpointByAnUntrustedKeyIsReported() {
        List<ChainRow> rows = seal(events());
        KeyPair other = SigningKeys.generate();
        ChainVerifier verifier = new ChainVerifier(Map.of(SigningKeys.keyId(other.getPublic()), other.getPublic()),
                checkpoints(rows));
        rows.forEach(verifier::accept);
        VerificationReport report = verifier.finish(0, 1);
        assertFalse(report.intact());
        assertEquals(Kind.UNKNOWN_KEY, report.firstProblem().kind());
    }

    @Test
    void eventsOutsideTheChainAreInsertions() {
        List<ChainRow> rows = seal(events());
        ChainVerifier verifier = new ChainVerifier(Map.of(KEY_ID, KEY.getPublic()), checkpoints(rows));
        rows.forEach(verifier::accept);
        UUID stray = UUID.randomUUID();
        verifier.eventOutsideChain(stray, Instant.now());
        VerificationReport report = verifier.finish(0, 1);
        assertEquals(Kind.INSERTED, report.firstProblem().kind());
        assertEquals(stray, report.firstProblem().eventId());
        assertNull(report.firstProblem().seq());
    }
}
