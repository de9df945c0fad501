package uk.safeguarding.gateway.audit.dpo;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditEntry;

/**
 * One audit record as the DPO sees it: the event and its chain position ({@code seq}, null while
 * it waits to be sealed), and whose information it disclosed ({@code dataOwners}; absent on rows
 * written before that was recorded). The DPO sees identities; subject access reports do not (see
 * {@link DisclosureReport}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEventView(UUID id, Long seq, Instant recordedAt, String requestId, Actor actor, String purpose,
        String action, String resourceType, String resourceId, UUID childId, List<String> categories, String decision,
        List<String> reasons, String denialCode, String lawfulBasis, Override override, int outcome,
        String sourceAddress, List<String> dataOwners) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Actor(String subject, String client, String kind, String agency, List<String> roles) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Override(String justification, String approver) {
    }

    static AuditEventView of(AuditEntry e, Long seq) {
        boolean override = e.overrideJustification() != null || e.overrideApprover() != null;
        return new AuditEventView(e.id(), seq, e.recordedAt(), e.requestId(),
                new Actor(e.actorSubject(), e.actorClient(), e.actorKind(), e.actorAgency(), e.actorRoles()),
                e.purpose(), e.action(), e.resourceType(), e.resourceId(), e.childId(), e.categories(), e.decision(),
                e.reasons(), e.denialCode(), e.lawfulBasis(),
                override ? new Override(e.overrideJustification(), e.overrideApprover()) : null,
                e.outcome(), e.sourceAddress(), e.dataOwners());
    }

    /** The record as written, for exports that keep every column. */
    AuditEntry entry() {
        return new AuditEntry(id, recordedAt, requestId, actor.subject(), actor.client(), actor.kind(), actor.agency(),
                actor.roles(), purpose, action, resourceType, resourceId, childId, categories, decision, reasons,
                denialCode, lawfulBasis, override == null ? null : override.justification(),
                override == null ? null : override.approver(), outcome, sourceAddress, dataOwners);
    }
}
