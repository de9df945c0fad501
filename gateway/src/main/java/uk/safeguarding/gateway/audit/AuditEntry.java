package uk.safeguarding.gateway.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * One audit record: who (actor), why (purpose), what (action, resource, child, categories), the
 * decision and its reasons, and how it ended (HTTP status). Ids only: never a name or free text
 * about a child, except an override's justification, which the DPO must be able to review.
 */
public record AuditEntry(
        UUID id,
        Instant recordedAt,
        String requestId,
        String actorSubject,
        String actorClient,
        String actorKind,
        String actorAgency,
        List<String> actorRoles,
        String purpose,
        String action,
        String resourceType,
        String resourceId,
        UUID childId,
        List<String> categories,
        String decision,
        List<String> reasons,
        String denialCode,
        String lawfulBasis,
        String overrideJustification,
        String overrideApprover,
        int outcome,
        String sourceAddress) {

    public AuditEntry {
        actorRoles = copy(actorRoles);
        categories = copy(categories);
        reasons = copy(reasons);
    }

    /** Unmodifiable, but keeping null elements: a tampered row read back must still be hashable as it is. */
    private static List<String> copy(List<String> values) {
        return values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
    }
}
