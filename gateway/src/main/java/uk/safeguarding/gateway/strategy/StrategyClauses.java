package uk.safeguarding.gateway.strategy;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import uk.safeguarding.gateway.child.RecordRef;
import uk.safeguarding.gateway.child.Standing;
import uk.safeguarding.gateway.consent.ChildConsents;
import uk.safeguarding.gateway.policy.ConsentedDecision;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.CaseContext;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DutyNotice;

/**
 * The strategy-discussion protocol's decisions (protocol-policies strategy-discussion.yaml): who may
 * convene (the engine, on the caller's standing with the child as a whole), who may read a discussion
 * (its convener and invitees, as the record-scoped relationship {@value #PARTICIPANT}, category
 * {@value #CATEGORY}), and the overdue action's duty. The invitation is the fact the relationship comes
 * from: the convener's recorded act, never the reader's request.
 */
@ApplicationScoped
public class StrategyClauses {

    static final String CONVENE = "convene-strategy";
    static final String PARTICIPANT = "strategy-participant";
    static final String CATEGORY = "strategy";

    private final PolicyService policy;
    private final RequestContext context;

    StrategyClauses(PolicyService policy, RequestContext context) {
        this.policy = policy;
        this.context = context;
    }

    /** The engine's decision on convening, from the caller's standing with the whole child; kept for the audit. */
    Decision convene(Standing standing) {
        return decided(standing.kindsFor(RecordRef.wholeChild()), CONVENE, null);
    }

    /** The engine's decision on a participant's read of a discussion convened by {@code convener}; kept for the audit. */
    Decision participantRead(String convener) {
        return decided(Set.of(PARTICIPANT), "read", convener);
    }

    /**
     * Whether the caller's read of a discussion convened by {@code convener} would pass the same clause;
     * not kept for the audit: a list (the inbox) filters its entries by it, so the list's own record stands.
     */
    boolean participantMayRead(String convener) {
        return consented(Set.of(PARTICIPANT), "read", convener).decision().isPermit();
    }

    private Decision decided(Set<String> kinds, String action, String source) {
        var consented = consented(kinds, action, source);
        context.decided(consented.audited());
        return consented.decision();
    }

    private ConsentedDecision consented(Set<String> kinds, String action, String source) {
        return policy.decide(context.requireActor(), action, context.purpose().orElseThrow(), kinds,
                List.of(CATEGORY), ChildConsents.NONE, b -> source == null ? b : b.counterparty(source));
    }

    /** The overdue action's duty as the protocols declare it; empty where no protocol in force does. */
    Optional<DutyNotice> overdueDuty(String owner, String convener, Instant now) {
        return policy.engine().duties(StrategyActionClock.OVERDUE, CaseContext.builder().role("action-owner", owner)
                .role("strategy-convener", convener).build(), now).stream().findFirst();
    }
}
