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
 *
 * @param dataOwners the agencies whose information the event disclosed (the DPO scope's second half);
 *     null only for rows written before the column existed, which are hashed with encoding version 1
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
        String sourceAddress,
        List<String> dataOwners) {

    public AuditEntry {
        actorRoles = copy(actorRoles);
        categories = copy(categories);
        reasons = copy(reasons);
        dataOwners = dataOwners == null ? null : copy(dataOwners);
    }

    /** A row as written before data owners were recorded (encoding version 1). */
    public AuditEntry(UUID id, Instant recordedAt, String requestId, String actorSubject, String actorClient,
            String actorKind, String actorAgency, List<String> actorRoles, String purpose, String action,
            String resourceType, String resourceId, UUID childId, List<String> categories, String decision,
            List<String> reasons, String denialCode, String lawfulBasis, String overrideJustification,
            String overrideApprover, int outcome, String sourceAddress) {
        this(id, recordedAt, requestId, actorSubject, actorClient, actorKind, actorAgency, actorRoles, purpose, action,
                resourceType, resourceId, childId, categories, decision, reasons, denialCode, lawfulBasis,
                overrideJustification, overrideApprover, outcome, sourceAddress, null);
    }

    /** Unmodifiable, but keeping null elements: a tampered row read back must still be hashable as it is. */
    private static List<String> copy(List<String> values) {
        if (values instanceof uk.safeguarding.gateway.audit.chain.JsonStringArrays.NotAnArray) {
            return values; // immutable, and its type is what encoding version 3 hashes
        }
        if (values instanceof uk.safeguarding.gateway.audit.chain.JsonStringArrays.Parsed) {
            return values; // immutable already: read from a row, where copying it cost a list per column
        }
        return values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
    }
}
