package uk.safeguarding.gateway.child;

import java.time.Instant;
import java.util.UUID;

/**
 * The record a decision is about, as far as standing is concerned: when it was created (an asserted
 * relationship counts only for records created at or after it) and which record it is (an own-record
 * relationship counts only for the record that created it).
 *
 * @param createdAt null for a record created by the request being decided
 * @param type the record's type as relationships name their source (referral, placement, ...), or null
 */
public record RecordRef(Instant createdAt, String type, UUID id) {

    /** A record this request is creating: every live relationship of the caller counts for it. */
    public static RecordRef created() {
        return new RecordRef(null, null, null);
    }

    /** An existing record. */
    public static RecordRef of(Instant createdAt, String type, UUID id) {
        return new RecordRef(createdAt, type, id);
    }

    /**
     * The child's record as a whole (who else is involved, the risk history, the Philomena profile,
     * consents): as old as the gateway's knowledge of the child, so an asserted relationship counts
     * only when it came with the child itself (the request that first brought the child to the gateway).
     */
    public static RecordRef wholeChild() {
        return new RecordRef(Instant.MIN, null, null);
    }

    boolean isWholeChild() {
        return Instant.MIN.equals(createdAt);
    }
}
