package uk.safeguarding.gateway.consent;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.protocol.engine.ConsentState;

/**
 * The consent state that applies to one share: this child, this data category, a recipient of this
 * agency type, for this purpose, now. Pure, so the whole rule is unit-tested.
 *
 * <ul>
 *   <li>A record waiting for another agency's approval (it would loosen that agency's refusal) does not
 *       count at all until approved.</li>
 *   <li>Only records whose period covers the moment count; the most recently recorded one that has a
 *       provision covering the share decides (a newer record replaces an older one).</li>
 *   <li>In an active record a covering {@code deny} beats a covering {@code permit}: REFUSED, else GRANTED.</li>
 *   <li>A withdrawn record whose {@code permit} covers the share gives WITHDRAWN, at once and for every
 *       later share. A withdrawn refusal no longer refuses (older records are consulted).</li>
 *   <li>Nothing covers the share: NOT_SOUGHT.</li>
 * </ul>
 */
public final class ConsentStates {

    /** The state and the record it came from (null for NOT_SOUGHT). */
    public record Applied(ConsentState state, UUID consentId) {
        static final Applied NOT_SOUGHT = new Applied(ConsentState.NOT_SOUGHT, null);
    }

    private ConsentStates() {
    }

    /** @param newestFirst the child's consent records, most recently recorded first */
    public static Applied stateFor(List<ConsentRecord> newestFirst, String category, String agencyType, String purpose,
            Instant at) {
        for (ConsentRecord c : newestFirst) {
            if (c.pending() || !c.period().covers(at)) {
                continue;
            }
            boolean permit = false;
            boolean deny = false;
            for (ConsentRecord.Provision p : c.provisions()) {
                if (p.covers(category, agencyType, purpose)) {
                    permit |= "permit".equals(p.type());
                    deny |= "deny".equals(p.type());
                }
            }
            if (c.withdrawn()) {
                if (permit) {
                    return new Applied(ConsentState.WITHDRAWN, c.id());
                }
                continue;
            }
            if (deny) {
                return new Applied(ConsentState.REFUSED, c.id());
            }
            if (permit) {
                return new Applied(ConsentState.GRANTED, c.id());
            }
        }
        return Applied.NOT_SOUGHT;
    }
}
