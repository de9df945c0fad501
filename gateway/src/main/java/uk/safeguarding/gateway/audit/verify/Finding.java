package uk.safeguarding.gateway.audit.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * One thing wrong with the audit trail, at a chain position ({@code seq}) where there is one, or
 * over a range {@code seq..lastSeq} where only the range is known (missing entries, a checkpoint
 * that no longer matches). The detail names ids and positions only, never an event's content.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Finding(Kind kind, Long seq, Long lastSeq, UUID eventId, String detail) {

    /** Where the problem is known to end: findings are reported in this order, exact positions first. */
    long end() {
        return lastSeq != null ? lastSeq : seq != null ? seq : Long.MAX_VALUE;
    }

    public enum Kind {
        /** An event's content no longer matches the hash it was sealed with. */
        EDITED,
        /** A sealed event, a chain entry or a checkpointed range is gone, or a queue row's event is. */
        DELETED,
        /** An event exists outside the chain and the queue, is sealed twice, or a chain entry was spliced in. */
        INSERTED,
        /** Sealed events sit at each other's positions. */
        REORDERED,
        /** A chain entry's own hashes were changed (the link to its neighbour is broken). */
        CHAIN_ALTERED,
        /** A signed checkpoint no longer matches the chain it covers (the range was rewritten). */
        CHECKPOINT_MISMATCH,
        /** A checkpoint's signature does not verify, or checkpoints are missing between others. */
        BAD_CHECKPOINT,
        /** A checkpoint is signed by a key this verifier was not told to trust. */
        UNKNOWN_KEY,
        /**
         * A sealed event's array column holds a non-string element, or is not an array: the gateway never
         * writes one, and since V69_1 PostgreSQL refuses one in a new row, so only an older row can.
         */
        NON_STRING_ELEMENT,
        /** A witnessed checkpoint no longer matches the chain (the range was rewritten after it was witnessed). */
        WITNESS_MISMATCH,
        /** A witness holds a checkpoint beyond the chain's end (the tail was deleted, or the database restored to an earlier point). */
        TRUNCATED,
        /** A witness refused a different checkpoint for entries it had already witnessed (a fork). */
        WITNESS_CONFLICT,
        /**
         * Entries after the newest witnessed checkpoint hold an event recorded longer ago than the limit
         * (bin/audit-verify --max-unwitnessed): signing or witnessing stopped, or the tail was deleted and
         * older events re-chained.
         */
        UNWITNESSED_TOO_LONG
    }
}
