package uk.safeguarding.gateway.placement;

import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.alert.Notifier;

/**
 * What a case event did: its id, the record it concerns, every alert queued (recipient, categories
 * released and withheld, deadline, clause), recipients the policy refused, and case roles nobody holds.
 */
public record EventResult(UUID eventId, String event, UUID childId, UUID resourceId, List<Notifier.Sent> notified,
        List<String> refused, List<String> unresolvedRoles) {

    static EventResult of(UUID eventId, String event, UUID childId, UUID resourceId, Notifier.Outcome outcome) {
        return new EventResult(eventId, event, childId, resourceId, outcome.sent(), outcome.refused(),
                outcome.unresolvedRoles());
    }
}
