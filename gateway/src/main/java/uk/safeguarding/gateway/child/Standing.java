package uk.safeguarding.gateway.child;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What one agency holds with one child, and so which relationship kinds count for a given record.
 * A confirmed relationship counts for everything; an asserted one (an agency's own claim about a child
 * others already knew, not yet confirmed) counts only for records created at or after it, unless the
 * requester holds an approved standing override; an own-record one (a referrer) counts only for the
 * record that created it. The engine is then asked with exactly those kinds, so for a record that
 * existed before an unconfirmed claim the claimant gets what an agency with no relationship gets.
 *
 * @param childKnownSince when the gateway first knew the child (null: no such child)
 * @param overridden the requester holds an active standing override of scope {@code relationship}
 */
public record Standing(String agencyId, UUID childId, Instant childKnownSince, List<Held> held, boolean overridden) {

    /** One live relationship row as standing needs it. */
    public record Held(String kind, String standing, Instant since, String sourceType, UUID sourceId, boolean ownRecord) {
    }

    public Standing {
        held = List.copyOf(held);
    }

    /** True when the agency holds no live relationship at all with the child (or there is no such child). */
    public boolean isEmpty() {
        return held.isEmpty();
    }

    /** The kinds that count for {@code record}. */
    public Set<String> kindsFor(RecordRef record) {
        Set<String> kinds = new TreeSet<>();
        for (Held h : held) {
            if (counts(h, record)) {
                kinds.add(h.kind());
            }
        }
        return kinds;
    }

    private boolean counts(Held h, RecordRef record) {
        if (h.ownRecord()) {
            return record.id() != null && record.id().equals(h.sourceId())
                    && (record.type() == null || record.type().equalsIgnoreCase(h.sourceType()));
        }
        if (Relationships.CONFIRMED.equals(h.standing()) || overridden) {
            return true;
        }
        if (record.createdAt() == null) {
            return true;
        }
        // The whole child's record is as old as the gateway's knowledge of the child.
        Instant created = record.isWholeChild() ? childKnownSince : record.createdAt();
        return created != null && !created.isBefore(h.since());
    }

    /** Kinds held with confirmed standing (they grant everything the protocols allow). */
    public Set<String> confirmedKinds() {
        Set<String> kinds = new TreeSet<>();
        for (Held h : held) {
            if (!h.ownRecord() && Relationships.CONFIRMED.equals(h.standing())) {
                kinds.add(h.kind());
            }
        }
        return kinds;
    }

    /**
     * True when the agency's standing reaches the whole child's record: it may see (and build on) what
     * existed before, such as the current risk level put into an alert it raises.
     */
    public boolean reachesWholeChild() {
        return !kindsFor(RecordRef.wholeChild()).isEmpty();
    }
}
