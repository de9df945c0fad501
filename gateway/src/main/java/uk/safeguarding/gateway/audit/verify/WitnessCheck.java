package uk.safeguarding.gateway.audit.verify;

import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.safeguarding.gateway.audit.chain.Checkpoint;
import uk.safeguarding.gateway.audit.chain.MerkleTree;
import uk.safeguarding.gateway.audit.chain.SigningKeys;
import uk.safeguarding.gateway.audit.verify.Finding.Kind;

/**
 * Compares the database's chain with checkpoints held by witnesses, in the same single pass as
 * {@link ChainVerifier}: each witnessed range's Merkle root and last hash are recomputed from the
 * chain entries as they stream past. {@link ChainVerifier} proves the events still hash to those
 * entries, so together: the events are what the witness saw. Catches what the database alone cannot:
 * a deleted tail (a witnessed checkpoint beyond the chain's end), a consistently rewritten chain with
 * its checkpoints deleted, and deleted checkpoints. States the unwitnessed window.
 */
final class WitnessCheck {

    private static final int MAX_LISTED = ChainVerifier.MAX_LISTED;
    /** Default of bin/audit-verify --max-unwitnessed: checkpoints are signed within seconds and pushed at once. */
    static final Duration DEFAULT_MAX_UNWITNESSED = Duration.ofMinutes(5);

    /** A witnessed checkpoint being recomputed from the chain. */
    private static final class Tracking {
        final Checkpoint cp;
        final String source;
        final MerkleTree tree = new MerkleTree();
        long expected;
        boolean missing;

        Tracking(Checkpoint cp, String source) {
            this.cp = cp;
            this.source = source;
            this.expected = cp.firstSeq();
        }
    }

    private final List<Finding> findings = new ArrayList<>();
    private final List<Tracking> witnessed = new ArrayList<>();
    private final List<Tracking> active = new ArrayList<>();
    private final Set<Long> databaseCheckpoints = new HashSet<>();
    private final List<VerificationReport.Witness> summaries = new ArrayList<>();
    private final long newestWitnessed;
    private Instant newestWitnessedAt;
    private int next;
    private long head;
    private long unwitnessed;
    private Long unwitnessedFromSeq;
    private Instant unwitnessedFrom;
    private Instant unwitnessedTo;
    private Long oldestUnwitnessedSeq;
    private Instant oldestUnwitnessed;
    private final Duration maxUnwitnessed;
    private final Instant now;

    WitnessCheck(Map<String, PublicKey> trustedKeys, List<WitnessCopy> copies, List<Checkpoint> inDatabase,
            Duration maxUnwitnessed, Instant now) {
        this.maxUnwitnessed = maxUnwitnessed;
        this.now = now;
        inDatabase.forEach(cp -> databaseCheckpoints.add(cp.lastSeq()));
        // Keyed by the statement (range, root, last hash): the same checkpoint from several witnesses is tracked once.
        Map<String, Tracking> byStatement = new HashMap<>();
        long newest = 0;
        for (WitnessCopy copy : copies) {
            Checkpoint newestHere = null;
            for (Checkpoint cp : copy.checkpoints()) {
                if (!signedByTrustedKey(trustedKeys, cp, copy.source())) {
                    continue;
                }
                byStatement.computeIfAbsent(statement(cp), k -> {
                    Tracking t = new Tracking(cp, copy.source());
                    witnessed.add(t);
                    return t;
                });
                newestHere = newestHere == null || cp.lastSeq() > newestHere.lastSeq() ? cp : newestHere;
            }
            for (Checkpoint conflict : copy.conflicts()) {
                add(Kind.WITNESS_CONFLICT, conflict.firstSeq(), conflict.lastSeq(), "witness " + copy.source()
                        + " refused checkpoint " + range(conflict) + " signed at " + conflict.signedAt() + " by key "
                        + conflict.keyId() + ": it had witnessed different entries there (the chain forked: rewritten "
                        + "and re-signed, or restored to an earlier point and continued)");
            }
            if (newestHere != null && newestHere.lastSeq() > newest) {
                newest = newestHere.lastSeq();
                newestWitnessedAt = newestHere.signedAt();
            }
            summaries.add(new VerificationReport.Witness(copy.source(), copy.checkpoints().size(),
                    newestHere == null ? null : newestHere.lastSeq(), newestHere == null ? null : newestHere.signedAt(),
                    copy.conflicts().size()));
        }
        this.newestWitnessed = newest;
        witnessed.sort(Comparator.comparingLong((Tracking t) -> t.cp.firstSeq()).thenComparingLong(t -> t.cp.lastSeq()));
    }

    private boolean signedByTrustedKey(Map<String, PublicKey> keys, Checkpoint cp, String source) {
        PublicKey key = keys.get(cp.keyId());
        if (key == null) {
            add(Kind.UNKNOWN_KEY, cp.firstSeq(), cp.lastSeq(), "witness " + source + " holds checkpoint " + range(cp)
                    + " signed by key " + cp.keyId() + ", which is not trusted (ignored)");
            return false;
        }
        if (!SigningKeys.verify(key, cp.signedMessage(), cp.signature())) {
            add(Kind.BAD_CHECKPOINT, cp.firstSeq(), cp.lastSeq(), "witness " + source + " holds checkpoint " + range(cp)
                    + " whose signature does not verify (ignored)");
            return false;
        }
        return true;
    }

    void accept(ChainVerifier.ChainRow row) {
        long seq = row.seq();
        while (next < witnessed.size() && witnessed.get(next).cp.firstSeq() <= seq) {
            Tracking t = witnessed.get(next++);
            t.missing = t.cp.firstSeq() < seq;
            active.add(t);
        }
        for (Iterator<Tracking> it = active.iterator(); it.hasNext(); ) {
            Tracking t = it.next();
            if (!t.missing && seq == t.expected) {
                t.tree.addEntry(row.hash());
                t.expected++;
            } else {
                t.missing = true;
            }
            if (seq >= t.cp.lastSeq()) {
                compare(t, row.hash());
                it.remove();
            }
        }
        if (seq > newestWitnessed) {
            unwitnessed++;
            if (unwitnessedFromSeq == null) {
                unwitnessedFromSeq = seq;
                unwitnessedFrom = row.event() == null ? null : row.event().recordedAt();
            }
            unwitnessedTo = row.event() == null ? unwitnessedTo : row.event().recordedAt();
            if (row.event() != null && (oldestUnwitnessed == null || row.event().recordedAt().isBefore(oldestUnwitnessed))) {
                oldestUnwitnessed = row.event().recordedAt();
                oldestUnwitnessedSeq = seq;
            }
        }
        head = Math.max(head, seq);
    }

    private void compare(Tracking t, byte[] hashAtLast) {
        if (t.missing) {
            add(Kind.WITNESS_MISMATCH, t.cp.firstSeq(), t.cp.lastSeq(), "entries " + range(t.cp) + " witnessed by "
                    + t.source + " (signed " + t.cp.signedAt() + ") are no longer all in the chain (entries deleted)");
        } else if (!Arrays.equals(t.tree.root(), t.cp.root()) || !Arrays.equals(hashAtLast, t.cp.lastHash())) {
            add(Kind.WITNESS_MISMATCH, t.cp.firstSeq(), t.cp.lastSeq(), "entries " + range(t.cp) + " differ from what "
                    + t.source + " witnessed (signed " + t.cp.signedAt() + "): the chain was rewritten since");
        } else if (!databaseCheckpoints.contains(t.cp.lastSeq())) {
            add(Kind.DELETED, t.cp.firstSeq(), t.cp.lastSeq(), "checkpoint " + range(t.cp) + ", witnessed by " + t.source
                    + ", is missing from the database (checkpoints deleted)");
        }
    }

    /** Adds the witnesses' findings and summary to the database verifier's report. */
    VerificationReport finish(VerificationReport base) {
        List<Tracking> beyond = new ArrayList<>();
        for (Tracking t : active) {
            beyond.add(t);
        }
        for (; next < witnessed.size(); next++) {
            beyond.add(witnessed.get(next));
        }
        Instant firstLost = null;
        Instant lastLost = null;
        long lostFrom = Long.MAX_VALUE;
        long lostTo = 0;
        List<String> sources = new ArrayList<>();
        for (Tracking t : beyond) {
            lostFrom = Math.min(lostFrom, t.cp.firstSeq());
            lostTo = Math.max(lostTo, t.cp.lastSeq());
            firstLost = firstLost == null || t.cp.signedAt().isBefore(firstLost) ? t.cp.signedAt() : firstLost;
            lastLost = lastLost == null || t.cp.signedAt().isAfter(lastLost) ? t.cp.signedAt() : lastLost;
            if (!sources.contains(t.source)) {
                sources.add(t.source);
            }
        }
        if (!beyond.isEmpty()) {
            // A witnessed range the chain now ends inside cannot be confirmed in part either (its root covers all of it).
            String unconfirmed = lostFrom <= head ? " and entries " + lostFrom + ".." + head + " can no longer be confirmed" : "";
            add(Kind.TRUNCATED, lostFrom, lostTo, "the chain ends at entry " + head + " but " + String.join(", ", sources)
                    + " witnessed checkpoints for entries " + lostFrom + ".." + lostTo + " (signed " + firstLost + " to "
                    + lastLost + "): entries " + (head + 1) + ".." + lostTo + " and their events are gone" + unconfirmed
                    + " (the tail was deleted, or the database was restored to an earlier point)");
        }
        if (oldestUnwitnessed != null && oldestUnwitnessed.isBefore(now.minus(maxUnwitnessed))) {
            // Checkpoints are signed within seconds and pushed at once: an old event still unwitnessed means signing or
            // pushing stopped, or the tail was deleted and older events re-chained after the last witnessed checkpoint.
            add(Kind.UNWITNESSED_TOO_LONG, unwitnessedFromSeq, head, "entries " + unwitnessedFromSeq + ".." + head
                    + " are not covered by any witnessed checkpoint, and the event at entry " + oldestUnwitnessedSeq
                    + " was recorded at " + oldestUnwitnessed + ", more than " + maxUnwitnessed + " before this check "
                    + "(signing or witnessing stopped, or the chain's tail was deleted and older events re-chained)");
        }
        List<Finding> all = new ArrayList<>(base.problems());
        all.addAll(findings);
        all.sort(Comparator.comparingLong(Finding::end).thenComparing(f -> f.kind().ordinal()));
        List<Finding> listed = List.copyOf(all.subList(0, Math.min(all.size(), MAX_LISTED)));
        boolean intact = base.intact() && findings.isEmpty();
        VerificationReport.Witnessed view = new VerificationReport.Witnessed(List.copyOf(summaries), newestWitnessed,
                newestWitnessedAt, unwitnessed, unwitnessedFromSeq, unwitnessedFrom, unwitnessedTo);
        return new VerificationReport(intact, base.entriesChecked(), base.lastSeq(), base.lastHash(), base.checkpointsChecked(),
                base.lastCheckpoint(), base.unsignedEntries(), base.pendingEvents(), base.problemCount() + findings.size(),
                listed.isEmpty() ? null : listed.get(0), listed, base.elapsedMillis(), base.eventsPerSecond(), view);
    }

    private void add(Kind kind, long seq, long lastSeq, String detail) {
        findings.add(new Finding(kind, seq, lastSeq == seq ? null : lastSeq, null, detail));
    }

    private static String statement(Checkpoint cp) {
        HexFormat hex = HexFormat.of();
        return cp.firstSeq() + ":" + cp.lastSeq() + ":" + hex.formatHex(cp.root()) + ":" + hex.formatHex(cp.lastHash());
    }

    private static String range(Checkpoint cp) {
        return cp.firstSeq() + ".." + cp.lastSeq();
    }
}
