package uk.safeguarding.gateway.audit.verify;

import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.chain.CanonicalEncoding;
import uk.safeguarding.gateway.audit.chain.ChainHash;
import uk.safeguarding.gateway.audit.chain.Checkpoint;
import uk.safeguarding.gateway.audit.chain.JsonStringArrays;
import uk.safeguarding.gateway.audit.chain.MerkleTree;
import uk.safeguarding.gateway.audit.chain.SigningKeys;
import uk.safeguarding.gateway.audit.verify.Finding.Kind;

/**
 * Checks the audit trail from a stream of rows, in one pass and bounded memory: every chain link,
 * every event against its hash, every checkpoint's root, last hash and signature. Pure Java (no
 * database, no Quarkus), fed by {@link JdbcAuditSource} from the API and the CLI alike.
 *
 * <p>A mismatching event is classified after a look at its neighbours: if its bytes hash correctly
 * at another position within {@value #WINDOW} entries it was REORDERED, if the next entry's link
 * is broken too the chain entry itself was changed (CHAIN_ALTERED), otherwise the event was EDITED.
 */
public final class ChainVerifier {

    /**
     * One chain entry joined to its event; {@code event} is null when the event row is gone, {@code
     * encoding} is audit_chain.encoding (null for entries sealed before it was recorded).
     */
    public record ChainRow(long seq, UUID eventId, byte[] prevHash, byte[] hash, AuditEntry event, Short encoding) {

        /** An entry with no recorded encoding: version 1 or 2, as its event implies. */
        public ChainRow(long seq, UUID eventId, byte[] prevHash, byte[] hash, AuditEntry event) {
            this(seq, eventId, prevHash, hash, event, null);
        }
    }

    static final int WINDOW = 64;
    static final int MAX_LISTED = 100;

    private final CanonicalEncoding encoding = new CanonicalEncoding();
    private final ChainHash chainHash = new ChainHash();
    private final List<Checkpoint> checkpoints;
    private final List<Finding> findings = new ArrayList<>();
    private long findingCount;

    /** The last WINDOW entries (seq, prev, hash), newest last, to classify a mismatch against. */
    private final Deque<ChainRow> recent = new ArrayDeque<>(WINDOW + 1);
    private final List<Suspect> suspects = new ArrayList<>();

    /** The first entry this verifier sees: 1 for a full pass, later for an incremental run. */
    private final long startSeq;
    private long expectedSeq;
    private byte[] lastHash;
    private byte[] hashBeforeLast;
    private long entries;

    private int checkpointIndex;
    private MerkleTree tree = new MerkleTree();
    private int checkpointsChecked;

    /** An entry whose event does not hash to the stored value, waiting for classification. */
    private static final class Suspect {
        final long seq;
        final UUID eventId;
        final byte[] encoded;
        Kind kind = Kind.EDITED;
        String detail;

        Suspect(long seq, UUID eventId, byte[] encoded) {
            this.seq = seq;
            this.eventId = eventId;
            this.encoded = encoded;
        }
    }

    /**
     * @param trustedKeys the public keys checkpoints may be signed with, by key id
     * @param checkpoints every checkpoint, in any order
     */
    public ChainVerifier(Map<String, PublicKey> trustedKeys, List<Checkpoint> checkpoints) {
        this(trustedKeys, checkpoints, 0, ChainHash.GENESIS, 0);
    }

    /**
     * A verifier that continues the chain after entry {@code afterSeq}, whose hash was {@code afterHash}
     * when last verified (an incremental run). {@code checkpoints} are those ending after {@code
     * afterCheckpointSeq}, the last one an earlier run checked, so the first must start right after it.
     * A checkpoint that began before {@code afterSeq} is checked by its signature and its last hash
     * (which commits to every entry before it), not by its Merkle root, which needs entries not read
     * here; one that ends before it is checked through {@link #checkpointBehind}.
     */
    public ChainVerifier(Map<String, PublicKey> trustedKeys, List<Checkpoint> checkpoints, long afterSeq, byte[] afterHash,
            long afterCheckpointSeq) {
        this.startSeq = afterSeq + 1;
        this.expectedSeq = afterSeq + 1;
        this.lastHash = afterHash;
        this.checkpoints = checkpoints.stream().sorted(Comparator.comparingLong(Checkpoint::lastSeq)).toList();
        long coveredTo = afterCheckpointSeq;
        for (Checkpoint cp : this.checkpoints) {
            if (cp.firstSeq() != coveredTo + 1) {
                addRange(Kind.BAD_CHECKPOINT, cp.firstSeq(), cp.lastSeq(), null, "checkpoints are not contiguous: expected one starting at "
                        + (coveredTo + 1) + ", found " + cp.firstSeq() + ".." + cp.lastSeq()
                        + " (a checkpoint was deleted or inserted)");
            }
            PublicKey key = trustedKeys.get(cp.keyId());
            if (key == null) {
                addRange(Kind.UNKNOWN_KEY, cp.firstSeq(), cp.lastSeq(), null, "checkpoint " + cp.firstSeq() + ".." + cp.lastSeq()
                        + " is signed by key " + cp.keyId() + ", which is not trusted");
            } else if (!SigningKeys.verify(key, cp.signedMessage(), cp.signature())) {
                addRange(Kind.BAD_CHECKPOINT, cp.firstSeq(), cp.lastSeq(), null, "checkpoint " + cp.firstSeq() + ".." + cp.lastSeq()
                        + ": the signature does not verify (the checkpoint row was altered)");
            }
            coveredTo = Math.max(coveredTo, cp.lastSeq());
        }
        while (checkpointIndex < this.checkpoints.size() && this.checkpoints.get(checkpointIndex).lastSeq() < startSeq) {
            checkpointIndex++;
        }
    }

    /**
     * A checkpoint signed after an earlier run verified its entries: its last hash must be the hash the
     * chain holds at its last entry now ({@code chainHash}, null when that entry is gone).
     */
    public void checkpointBehind(Checkpoint cp, byte[] chainHash) {
        checkpointsChecked++;
        if (!Arrays.equals(cp.lastHash(), chainHash)) {
            addRange(Kind.CHECKPOINT_MISMATCH, cp.firstSeq(), cp.lastSeq(), null, "entries " + cp.firstSeq() + ".."
                    + cp.lastSeq() + " no longer match the checkpoint signed at " + cp.signedAt()
                    + " (the entry at " + cp.lastSeq() + " is gone or was changed)");
        }
    }

    public void accept(ChainRow row) {
        entries++;
        long seq = row.seq();
        boolean gap = seq != expectedSeq;
        if (seq < expectedSeq) {
            add(Kind.REORDERED, seq, row.eventId(), "entry " + seq + " arrived after entry " + (expectedSeq - 1));
            return;
        }
        boolean linkBroken = false;
        if (gap) {
            addRange(Kind.DELETED, expectedSeq, seq - 1, null, seq - expectedSeq == 1 ? "chain entry " + expectedSeq
                    + " is missing" : "chain entries " + expectedSeq + ".." + (seq - 1) + " are missing");
            closeCheckpointsBefore(seq);
        } else if (!Arrays.equals(row.prevHash(), lastHash)) {
            linkBroken = true;
            brokenLink(row);
        }
        if (row.event() == null) {
            add(Kind.DELETED, seq, row.eventId(), "the audit event sealed at entry " + seq + " is missing");
        } else {
            stringsOnly(row);
            encoding.encode(row.event(), CanonicalEncoding.versionOf(row.event(), row.encoding()));
            if (!Arrays.equals(chainHash.link(row.prevHash(), encoding), row.hash())) {
                byte[] encoded = encoding.toByteArray();
                // If only this entry's prev_hash was changed, the event still hashes from the true previous
                // hash: that is the broken link already reported, not an edited event.
                if (!(linkBroken && hashesTo(lastHash, encoded, row.hash()))) {
                    Suspect suspect = new Suspect(seq, row.eventId(), encoded);
                    lookBack(suspect);
                    suspects.add(suspect);
                }
            }
        }
        lookForward(row);
        merkle(row);
        remember(row);
        hashBeforeLast = lastHash;
        lastHash = row.hash();
        expectedSeq = seq + 1;
    }

    /** The gateway writes arrays of strings only; anything else in a sealed event came from elsewhere. */
    private void stringsOnly(ChainRow row) {
        AuditEntry e = row.event();
        List<String> columns = new ArrayList<>(1);
        if (!JsonStringArrays.stringsOnly(e.actorRoles())) {
            columns.add("actor_roles");
        }
        if (!JsonStringArrays.stringsOnly(e.categories())) {
            columns.add("categories");
        }
        if (!JsonStringArrays.stringsOnly(e.reasons())) {
            columns.add("reasons");
        }
        if (!JsonStringArrays.stringsOnly(e.dataOwners())) {
            columns.add("data_owners");
        }
        if (!columns.isEmpty()) {
            add(Kind.NON_STRING_ELEMENT, row.seq(), row.eventId(), "the audit event at entry " + row.seq() + " holds "
                    + "something other than an array of strings in " + String.join(", ", columns)
                    + " (the gateway writes strings only)");
        }
    }

    /** An event neither sealed nor queued for sealing: written behind the gateway's back. */
    public void eventOutsideChain(UUID eventId, Instant recordedAt) {
        add(Kind.INSERTED, null, eventId, "audit event recorded at " + recordedAt + " is neither sealed nor queued");
    }

    /** A queue row whose event is gone: the event was deleted before it could be sealed. */
    public void pendingWithoutEvent(UUID eventId, Instant recordedAt) {
        add(Kind.DELETED, null, eventId, "audit event recorded at " + recordedAt + " was queued but no longer exists");
    }

    /** The same event sealed again at {@code laterSeq}, after an earlier entry. */
    public void sealedTwice(UUID eventId, long laterSeq) {
        add(Kind.INSERTED, laterSeq, eventId, "entry " + laterSeq + " seals an event already sealed at an earlier entry");
    }

    public VerificationReport finish(long pendingEvents, long elapsedNanos) {
        for (Suspect suspect : suspects) {
            settle(suspect);
        }
        suspects.clear();
        for (; checkpointIndex < checkpoints.size(); checkpointIndex++) {
            Checkpoint cp = checkpoints.get(checkpointIndex);
            addRange(Kind.DELETED, Math.max(cp.firstSeq(), expectedSeq), cp.lastSeq(), null, "checkpoint " + cp.firstSeq() + ".." + cp.lastSeq()
                    + " covers entries up to " + cp.lastSeq() + " but the chain ends at " + (expectedSeq - 1));
        }
        findings.sort(Comparator.comparingLong(Finding::end).thenComparing(f -> f.kind().ordinal()));
        Checkpoint last = checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
        long lastSeq = expectedSeq - 1;
        long millis = elapsedNanos / 1_000_000;
        return new VerificationReport(findingCount == 0, entries, lastSeq, ChainHash.hex(lastHash), checkpointsChecked,
                last == null ? null : new VerificationReport.CheckpointSummary(last.firstSeq(), last.lastSeq(),
                        ChainHash.hex(last.root()), last.signedAt(), last.keyId()),
                Math.max(0, lastSeq - (last == null ? 0 : last.lastSeq())), pendingEvents, findingCount,
                findings.isEmpty() ? null : findings.get(0), List.copyOf(findings), millis,
                elapsedNanos <= 0 ? 0 : entries * 1_000_000_000L / elapsedNanos);
    }

    private void brokenLink(ChainRow row) {
        long seq = row.seq();
        Suspect previous = suspects.isEmpty() ? null : suspects.get(suspects.size() - 1);
        if (hashBeforeLast != null && Arrays.equals(row.prevHash(), hashBeforeLast)) {
            add(Kind.INSERTED, seq - 1, null, "entry " + (seq - 1) + " was spliced in: entry " + seq
                    + " links to entry " + (seq - 2));
        } else if (previous != null && previous.seq == seq - 1 && previous.kind == Kind.EDITED) {
            previous.kind = Kind.CHAIN_ALTERED;
            previous.detail = "the hash stored in chain entry " + previous.seq + " was changed";
        } else {
            add(Kind.CHAIN_ALTERED, seq, row.eventId(), "entry " + seq + " does not link to entry " + (seq - 1)
                    + " (an entry was replaced, or entries removed and renumbered)");
        }
    }

    /** A swap with an earlier entry: does the suspect's event hash correctly at a recent position? */
    private void lookBack(Suspect suspect) {
        for (ChainRow earlier : recent) {
            if (suspect.seq - earlier.seq() <= WINDOW && matchesAt(suspect, earlier)) {
                reordered(suspect, earlier.seq());
                return;
            }
        }
    }

    /** A swap with a later entry: checked as the later entries stream past. */
    private void lookForward(ChainRow row) {
        for (Iterator<Suspect> it = suspects.iterator(); it.hasNext(); ) {
            Suspect suspect = it.next();
            if (suspect.seq != row.seq() && suspect.kind == Kind.EDITED && matchesAt(suspect, row)) {
                reordered(suspect, row.seq());
            }
            if (row.seq() - suspect.seq >= WINDOW) {
                settle(suspect);
                it.remove();
            }
        }
    }

    private boolean matchesAt(Suspect suspect, ChainRow position) {
        return hashesTo(position.prevHash(), suspect.encoded, position.hash());
    }

    private boolean hashesTo(byte[] previous, byte[] encoded, byte[] expected) {
        return Arrays.equals(chainHash.link(previous, encoded, encoded.length), expected);
    }

    private static void reordered(Suspect suspect, long belongsAt) {
        suspect.kind = Kind.REORDERED;
        suspect.detail = "the event at entry " + suspect.seq + " was sealed at entry " + belongsAt
                + " (entries were reordered)";
    }

    private void settle(Suspect suspect) {
        add(suspect.kind, suspect.seq, suspect.eventId, suspect.detail != null ? suspect.detail
                : "the audit event at entry " + suspect.seq + " no longer matches the hash it was sealed with (edited)");
    }

    private void merkle(ChainRow row) {
        if (checkpointIndex >= checkpoints.size()) {
            return;
        }
        Checkpoint cp = checkpoints.get(checkpointIndex);
        if (row.seq() < cp.firstSeq()) {
            return;
        }
        tree.addEntry(row.hash());
        if (row.seq() == cp.lastSeq()) {
            boolean rootKnown = cp.firstSeq() >= startSeq;
            if (rootKnown && !Arrays.equals(tree.root(), cp.root()) || !Arrays.equals(row.hash(), cp.lastHash())) {
                addRange(Kind.CHECKPOINT_MISMATCH, cp.firstSeq(), cp.lastSeq(), null, "entries " + cp.firstSeq() + ".."
                        + cp.lastSeq() + " no longer match the checkpoint signed at " + cp.signedAt() + " (rewritten since)");
            }
            checkpointsChecked++;
            checkpointIndex++;
            tree = new MerkleTree();
        }
    }

    /** Entries are missing: any checkpoint ending before {@code seq} cannot match any more. */
    private void closeCheckpointsBefore(long seq) {
        while (checkpointIndex < checkpoints.size() && checkpoints.get(checkpointIndex).lastSeq() < seq) {
            Checkpoint cp = checkpoints.get(checkpointIndex);
            addRange(Kind.CHECKPOINT_MISMATCH, cp.firstSeq(), cp.lastSeq(), null, "entries " + cp.firstSeq() + ".."
                    + cp.lastSeq() + " no longer match the checkpoint signed at " + cp.signedAt() + " (entries missing)");
            checkpointsChecked++;
            checkpointIndex++;
            tree = new MerkleTree();
        }
    }

    private void remember(ChainRow row) {
        if (recent.size() == WINDOW) {
            recent.removeFirst();
        }
        // Only what classification needs: the event itself is not kept.
        recent.addLast(new ChainRow(row.seq(), row.eventId(), row.prevHash(), row.hash(), null));
    }

    private void add(Kind kind, Long seq, UUID eventId, String detail) {
        addRange(kind, seq, null, eventId, detail);
    }

    private void addRange(Kind kind, Long seq, Long lastSeq, UUID eventId, String detail) {
        findingCount++;
        if (findings.size() < MAX_LISTED) {
            findings.add(new Finding(kind, seq, lastSeq != null && lastSeq.equals(seq) ? null : lastSeq, eventId, detail));
        }
    }
}
