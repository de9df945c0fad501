package uk.safeguarding.gateway.policy;

import java.time.Instant;
import java.util.UUID;
import uk.safeguarding.gateway.child.RecordRef;

/**
 * What a decision is about: the child, the agency the data comes from (the engine's counterparty:
 * a rule restricted by its source matches only a named source), and the record, whose age and
 * identity decide which of the caller's relationships count (see {@link uk.safeguarding.gateway.child.Standing}).
 *
 * @param source the owning agency of the data read, or {@link #GATEWAY} for what the gateway itself
 *     holds about the child (who is involved, its index); for an action where the caller is the sender
 *     (refer, record-consent, risk-downgrade) the recipient, or null when there is none in particular
 */
public record Target(UUID childId, String source, RecordRef record) {

    /** The gateway's own records about a child (the child index, who is involved): no agency owns them. */
    public static final String GATEWAY = "gateway:index";

    /** An existing record owned by {@code source}. */
    public static Target record(UUID childId, String source, Instant createdAt, String type, UUID id) {
        return new Target(childId, source, RecordRef.of(createdAt, type, id));
    }

    /** The child's record as a whole, as held by {@code source}. */
    public static Target wholeChild(UUID childId, String source) {
        return new Target(childId, source, RecordRef.wholeChild());
    }

    /** A record this request creates (the caller's own data, or data it sends to {@code recipient}). */
    public static Target created(UUID childId, String recipient) {
        return new Target(childId, recipient, RecordRef.created());
    }
}
