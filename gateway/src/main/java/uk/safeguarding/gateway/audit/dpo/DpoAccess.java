package uk.safeguarding.gateway.audit.dpo;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.audit.anomaly.Flags;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.Obligation;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.Signatory;

/**
 * The door of every DPO route: the protocol engine decides whether this DPO may search or export the
 * audit (category {@code audit}, dpo-oversight), and its decision becomes the {@link DpoScope} the
 * route's queries take. A denial is a 403 with the engine's code (PURPOSE_NOT_PERMITTED,
 * NO_MATCHING_RULE, SCOPE_NOT_PERMITTED ...) and is audited as such. A partnership view is asked for
 * explicitly ({@code ?scope=partnership}) and raises a PARTNERSHIP_VIEW flag that every signatory's DPO
 * sees, because a view over other agencies' staff must itself be overseen by those agencies.
 */
@ApplicationScoped
public class DpoAccess {

    /** Engine action for reading the trail on screen (search, review queues, dashboards). */
    public static final String SEARCH = "search";
    /** Engine action for taking records away (exports, subject access reports). */
    public static final String EXPORT = "export";
    private static final String CATEGORY = "audit";

    private final PolicyService policy;
    private final RequestContext context;
    private final Flags flags;
    private final Pool pool;

    DpoAccess(PolicyService policy, RequestContext context, Flags flags, Pool pool) {
        this.policy = policy;
        this.context = context;
        this.flags = flags;
        this.pool = pool;
    }

    /**
     * Records what the request does, asks the engine, and returns the scope it granted. {@code scope} is
     * the caller's {@code ?scope=} (null, {@code own} or {@code partnership}); anything else is a 400.
     * The child is recorded only when the route already knows it may name it (see callers).
     */
    public DpoScope decide(String engineAction, String auditAction, String resourceType, String resourceId, UUID childId,
            String scope) {
        context.describe(auditAction, resourceType, resourceId, childId);
        if (!DpoScope.valid(scope)) {
            throw new ApiException(400, "INVALID_FILTER", "One or more filters are invalid; see errors.",
                    List.of(new Problem.FieldError("scope", "UNKNOWN_SCOPE", "scope must be own or partnership.")));
        }
        Actor actor = context.requireActor();
        PurposeOfUse purpose = context.purpose().orElse(null);
        if (purpose == null) {
            // Only routes without a Purpose-Of-Use header get here; the engine needs one to decide.
            context.decided(new RequestContext.AuditedDecision("DENY", List.of(), List.of(), "PURPOSE_NOT_PERMITTED", null, null, null));
            throw ApiException.forbidden("PURPOSE_NOT_PERMITTED", "The audit trail is open only for purpose "
                    + PurposeOfUse.DPO_REVIEW.code() + " or " + PurposeOfUse.SAR.code() + ".");
        }
        boolean partnership = DpoScope.asksPartnership(scope);
        // The audit trail is the gateway's own record: it is the source of what a DPO reads.
        Decision decision = policy.decide(policy.request(actor, engineAction, purpose).categories(CATEGORY)
                .counterparty(uk.safeguarding.gateway.policy.Target.GATEWAY)
                .scope(partnership ? DpoScope.PARTNERSHIP : null).build());
        // No data categories: a DPO reading the trail is oversight, not a disclosure to a recipient, so it
        // never appears in a child's disclosure report (but it is in the trail, and searchable).
        context.decided(new RequestContext.AuditedDecision(decision.effect().name(), List.of(), decision.reasons(),
                decision.denialCode() == null ? null : decision.denialCode().name(), decision.isPermit() ? decision.lawfulBasis() : null,
                null, null));
        if (!decision.isPermit()) {
            throw PolicyService.denied(decision);
        }
        return scopeOf(decision, actor);
    }

    /** {@link #decide} and, for a partnership view, the flag for every signatory's DPO (its own transaction). */
    public Uni<DpoScope> open(String engineAction, String auditAction, String resourceType, String resourceId, UUID childId,
            String scope) {
        DpoScope granted = decide(engineAction, auditAction, resourceType, resourceId, childId, scope);
        if (!granted.partnership()) {
            return Uni.createFrom().item(granted);
        }
        Flags.Flag flag = new Flags.Flag("PARTNERSHIP_VIEW", null, "Partnership-wide audit view (" + auditAction
                + ") by the lead DPO under " + granted.clause(), granted.agencies());
        return pool.withTransaction(tx -> flags.raise(tx, flag)).replaceWith(granted);
    }

    /**
     * The engine's obligations say which scope: PARTNERSHIP_VIEW is every signatory of the granting
     * clause's protocol on this day; RESTRICT_TO_OWN_AGENCY, or a permit that names neither (a protocol
     * author's omission), is the DPO's own agency, the narrowest view that is still a DPO's.
     */
    private DpoScope scopeOf(Decision decision, Actor actor) {
        for (Obligation o : decision.obligations()) {
            if (o.type() == Obligation.Type.PARTNERSHIP_VIEW) {
                String protocolId = o.clause().substring(0, o.clause().indexOf('@'));
                Protocol protocol = policy.engine().protocolSet().protocol(protocolId).orElseThrow();
                LocalDate today = LocalDate.ofInstant(Instant.now(), java.time.ZoneId.of("Europe/London"));
                List<String> members = protocol.signatories().stream().map(Signatory::agencyId)
                        .filter(a -> protocol.hasSignatoryOn(a, today)).sorted().toList();
                return new DpoScope(members, true, o.clause());
            }
        }
        return DpoScope.own(actor.agencyId(), decision.reasons().isEmpty() ? null : decision.reasons().get(0));
    }
}
