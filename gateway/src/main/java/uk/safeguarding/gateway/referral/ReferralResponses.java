package uk.safeguarding.gateway.referral;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/** A recipient's responses to a referral: acknowledge, accept, decline (with the referrer told the outcome). */
@ApplicationScoped
public class ReferralResponses {

    private final Pool pool;
    private final PolicyService policy;
    private final AuditTrail audit;
    private final RequestContext context;
    private final ReferralAlerts alerts;
    private final GatewayClock clock;
    private final ReferralRepository repository;

    ReferralResponses(Pool pool, PolicyService policy, AuditTrail audit, RequestContext context, ReferralAlerts alerts,
            GatewayClock clock, ReferralRepository repository) {
        this.pool = pool;
        this.policy = policy;
        this.audit = audit;
        this.context = context;
        this.alerts = alerts;
        this.clock = clock;
        this.repository = repository;
    }

    /** A recipient's response. Only the recipient agency itself may respond; others get 404. */
    Uni<ReferralViews.Recipient> respond(UUID id, String action, String reason) {
        Actor actor = context.requireActor();
        String auditAction = "referral." + action;
        context.describe(auditAction, ReferralService.RESOURCE_TYPE, id.toString(), null);
        if ("decline".equals(action) && (reason == null || reason.isBlank())) {
            throw ApiException.badRequest("/reason", "REASON_REQUIRED",
                    "A decline needs a reason: the referrer must be told why no action follows.");
        }
        Instant now = clock.instant();
        return pool.withTransaction(tx -> repository.load(tx, id).chain(row -> {
                    UUID childId = row.getUUID("child_id");
                    context.describe(auditAction, ReferralService.RESOURCE_TYPE, id.toString(), childId);
                    // The protocol's acknowledge/accept/decline action, with the caller's live relationships.
                    return policy.authorise(tx, ReferralService.target(row), action, List.of(Referral.IDENTITY), b -> b)
                            .chain(decision -> repository.lockRecipient(tx, id, actor.agencyId()))
                            .chain(rows -> {
                                if (!rows.iterator().hasNext()) {
                                    throw ApiException.notFound();
                                }
                                String current = rows.iterator().next().getString("status");
                                String decided = switch (action) {
                                    case "accept" -> "ACCEPTED";
                                    case "decline" -> "DECLINED";
                                    default -> null;
                                };
                                Uni<List<UUID>> feedback = decided == null ? Uni.createFrom().item(List.of())
                                        : alerts.outcome(tx, id, childId, row.getString("requester_agency"),
                                                row.getString("home_council"), actor.agencyId(), decided, reason, now);
                                return repository.respond(tx, id, actor.agencyId(), action, current, reason)
                                        .chain(() -> ReferralAlerts.acknowledgeAlert(tx, id, actor.agencyId(), now))
                                        .chain(() -> feedback)
                                        .chain(() -> audit.record(tx, audit.entryFor(context, auditAction, 200)))
                                        .chain(() -> repository.recipients(tx, id));
                            });
                }))
                .invoke(() -> context.markAudited())
                .map(recipients -> recipients.stream().filter(r -> r.agency().equals(actor.agencyId())).findFirst()
                        .orElseThrow());
    }
}
