package uk.safeguarding.gateway.audit;

import java.time.Instant;
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
        actorRoles = actorRoles == null ? List.of() : List.copyOf(actorRoles);
        categories = categories == null ? List.of() : List.copyOf(categories);
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
}
