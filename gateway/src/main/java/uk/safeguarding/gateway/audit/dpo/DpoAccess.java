package uk.safeguarding.gateway.audit.dpo;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The interim rule for DPO routes until they are routed through the policy engine: role {@code dpo}
 * (checked by {@code @RolesAllowed}) and purpose DPO-REVIEW or SAR (checked here). Each call also
 * names the action for the request's audit record, so every DPO action is itself audited.
 */
public final class DpoAccess {

    private static final Set<PurposeOfUse> PURPOSES = Set.of(PurposeOfUse.DPO_REVIEW, PurposeOfUse.SAR);

    private DpoAccess() {
    }

    /** Records what the request does and refuses any purpose but DPO-REVIEW or SAR (403 PURPOSE_NOT_PERMITTED). */
    public static void permit(RequestContext context, String action, String resourceType, String resourceId, UUID childId) {
        context.describe(action, resourceType, resourceId, childId);
        if (context.purpose().filter(PURPOSES::contains).isEmpty()) {
            throw ApiException.forbidden("PURPOSE_NOT_PERMITTED", "The audit trail is open only for purpose "
                    + PurposeOfUse.DPO_REVIEW.code() + " or " + PurposeOfUse.SAR.code() + ".");
        }
        // No data categories: a DPO reading the trail is oversight, not a disclosure to a recipient,
        // so it never appears in a child's disclosure report (but it is in the trail, and searchable).
        context.decided(new RequestContext.AuditedDecision("PERMIT", List.of(), List.of("role:dpo"), null, null, null, null));
    }
}
