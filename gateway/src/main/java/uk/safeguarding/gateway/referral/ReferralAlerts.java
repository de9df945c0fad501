package uk.safeguarding.gateway.referral;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.alert.AlertRequest;
import uk.safeguarding.gateway.alert.Outbox;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.child.RecordRef;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.protocol.engine.Actor;
import uk.safeguarding.protocol.engine.CaseContext;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DecisionRequest;
import uk.safeguarding.protocol.engine.DutyNotice;

/**
 * The alerts a referral causes, each released by the engine's {@code receive-alert} decision for the
 * recipient agency's system (never by a hand-written condition): the routing alert to each recipient,
 * and the outcome alert to the referrer when a recipient accepts or declines (the protocol's
 * {@code referral-decided} duty). Both run inside the caller's transaction.
 */
@ApplicationScoped
public class ReferralAlerts {

    private static final Logger LOG = Logger.getLogger(ReferralAlerts.class);

    public static final String OUTCOME_EVENT = "referral-decided";

    private final PolicyService policy;
    private final Relationships relationships;
    private final Outbox outbox;

    ReferralAlerts(PolicyService policy, Relationships relationships, Outbox outbox) {
        this.policy = policy;
        this.relationships = relationships;
        this.outbox = outbox;
    }

    /** The engine's receive-alert decision for an agency's system holding {@code relationships}. */
    Decision receiveAlert(String agency, Set<String> relationships, List<String> categories, String counterparty,
            Instant at) {
        return policy.decide(DecisionRequest.builder(Actor.of(agency, Notifier.SYSTEM_ROLES, "alert-recipient:" + agency))
                .action("receive-alert").purpose("SAFEGUARDING").relationships(relationships).categories(categories)
                .counterparty(counterparty).at(at).build());
    }

    /**
     * Tells the referrer what a recipient decided, by the protocol's referral-decided duty: who, what,
     * when, and (when the engine releases {@code risk} to the referrer) the reason. Returns the alerts queued.
     */
    Uni<List<UUID>> outcome(SqlClient tx, UUID referralId, UUID childId, String referrer, String homeCouncil,
            String decidedBy, String status, String reason, Instant at) {
        CaseContext caseContext = CaseContext.builder().role("home-council", homeCouncil).role("referrer", referrer)
                .build();
        Uni<List<UUID>> chain = Uni.createFrom().item(new ArrayList<>());
        for (DutyNotice duty : policy.engine().duties(OUTCOME_EVENT, caseContext, at, decidedBy)) {
            for (String agency : duty.agencies()) {
                // The referrer's standing is its own referral: the outcome of that referral is its record.
                chain = chain.chain(queued -> relationships.standing(tx, agency, null, childId)
                        .map(s -> s.kindsFor(RecordRef.of(null, ReferralService.SOURCE_TYPE, referralId)))
                        .chain(kinds -> {
                    Decision decision = receiveAlert(agency, kinds, List.of(Referral.IDENTITY, Referral.RISK),
                            decidedBy, at);
                    if (!decision.isPermit()) {
                        LOG.warnf("Outcome of referral %s not pushed to %s: %s by %s", referralId, agency,
                                decision.denialCode(), decision.rule());
                        return Uni.createFrom().item(queued);
                    }
                    Map<String, Object> payload = new LinkedHashMap<>();
                    payload.put("referralId", referralId.toString());
                    payload.put("link", "/api/v1/referrals/" + referralId);
                    payload.put("decidedBy", decidedBy);
                    payload.put("status", status);
                    payload.put("decidedAt", at.toString());
                    if (decision.permittedCategories().contains(Referral.RISK) && reason != null) {
                        payload.put("reason", reason);
                    }
                    payload.put("ackDueAt", duty.deadline().toString());
                    payload.put("sharedUnder", decision.reasons());
                    String escalation = duty.escalation() == null || duty.escalation().agencies().isEmpty() ? null
                            : duty.escalation().agencies().get(0);
                    return outbox.enqueue(tx, new AlertRequest(agency, OUTCOME_EVENT, childId,
                                    ReferralService.RESOURCE_TYPE, referralId.toString(), payload,
                                    decision.permittedCategories(), duty.clause(), duty.deadline(), escalation))
                            .map(id -> {
                                queued.add(id);
                                return queued;
                            });
                }));
            }
        }
        return chain;
    }

    /** A recipient that responded to the referral has acted on its alert: no escalation follows. */
    static Uni<Void> acknowledgeAlert(SqlClient tx, UUID referralId, String agency, Instant at) {
        return tx.preparedQuery("""
                        UPDATE alert SET status = 'ACKNOWLEDGED', acknowledged_at = $3
                        WHERE id = (SELECT alert_id FROM referral_recipient WHERE referral_id = $1 AND agency_id = $2)
                          AND status IN ('PENDING', 'DELIVERED')
                        """)
                .execute(Tuple.of(referralId, agency, ReferralService.utc(at)))
                .replaceWithVoid();
    }
}
