package uk.safeguarding.protocol.model;

import java.util.List;
import java.util.Map;

/**
 * A sharing clause: who ({@code from}) may share which categories with whom ({@code to}), by which
 * action, for which purposes, under which conditions. Whether the request's actor is matched against
 * {@code from} or {@code to} depends on the action (see {@link Vocabulary#actorIsSender(String)}): the
 * actor sends when it refers, and receives when it reads, searches, exports or receives an alert.
 *
 * <p>Fields that only make sense for permits ({@code consent}, {@code lawfulBasis}, obligations) are
 * null or empty on deny rules; {@code denyCode} is null on permits.
 *
 * @param whenChildMissing null when the rule does not depend on the child being missing
 * @param whenFoundByReader null when the rule does not depend on the asking agency having found the child
 * @param notifyOwner the actor roles whose use of this rule notifies the owning agency (empty: silent)
 * @param handling category to the handling condition that travels with the data
 * @param secondApproverRole when set, the act needs a rationale and a second approver with this role
 * @param scope null; {@code own-agency} when results must be limited to the actor's own agency; or
 *     {@code partnership}: results across the protocol's signatories, for the protocol's lead DPO only,
 *     and only when the request asks for that scope ({@link #PARTNERSHIP})
 */
public record SharingRule(
        String id,
        String description,
        Effect effect,
        List<String> actions,
        Party from,
        Party to,
        RelationshipRequirement relationship,
        List<String> categories,
        Choice purposes,
        Boolean whenChildMissing,
        Boolean whenFoundByReader,
        ConsentRequirement consent,
        String lawfulBasis,
        String secondApproverRole,
        Choice notifyOwner,
        AuditLevel audit,
        Map<String, String> handling,
        String scope,
        DenialCode denyCode,
        String citation,
        Origin origin) {

    /** Scope: results limited to the actor's own agency. */
    public static final String OWN_AGENCY = "own-agency";
    /** Scope: results across every signatory of the protocol; only its lead DPO's agency, only when asked. */
    public static final String PARTNERSHIP = "partnership";

    public SharingRule {
        actions = List.copyOf(actions);
        categories = List.copyOf(categories);
        handling = Map.copyOf(handling);
    }

    public boolean isDeny() {
        return effect == Effect.DENY;
    }

    public boolean isPartnership() {
        return PARTNERSHIP.equals(scope);
    }
}
