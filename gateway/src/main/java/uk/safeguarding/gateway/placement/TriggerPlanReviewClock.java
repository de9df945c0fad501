package uk.safeguarding.gateway.placement;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.alert.DispatcherDisabled;
import uk.safeguarding.gateway.alert.DueRows;
import uk.safeguarding.gateway.alert.Escalator;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.protocol.engine.CaseContext;

/**
 * A current trigger plan past its review date (the day after it, London time) with no newer version
 * raises {@code trigger-plan-review-due} once: the protocol sends it to the placing council and the
 * provider with a deadline, and the alert machinery escalates it when nobody acknowledges. A new
 * version is the answer; it starts its own review clock. Claimed with {@code FOR UPDATE SKIP LOCKED}.
 */
@ApplicationScoped
public class TriggerPlanReviewClock {

    private static final Logger LOG = Logger.getLogger(TriggerPlanReviewClock.class);

    private final Pool pool;
    private final Cases cases;
    private final AuditTrail audit;
    private final GatewayClock clock;

    TriggerPlanReviewClock(Pool pool, Cases cases, AuditTrail audit, GatewayClock clock) {
        this.pool = pool;
        this.cases = cases;
        this.audit = audit;
        this.clock = clock;
    }

    @Scheduled(every = "${gateway.alert.escalation-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = DispatcherDisabled.class)
    void tick() {
        try {
            raiseOverdue();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Trigger plan review clock failed; will retry on the next tick");
        }
    }

    /** Raises the review duty for every current plan past its review date; returns how many. */
    public int raiseOverdue() {
        Instant now = clock.instant();
        return DueRows.each(pool, """
                        SELECT * FROM trigger_plan t
                        WHERE t.review_due_at <= $1 AND t.review_escalated_at IS NULL
                          AND NOT EXISTS (SELECT 1 FROM trigger_plan n WHERE n.supersedes = t.id)
                        ORDER BY t.review_due_at LIMIT 100 FOR UPDATE SKIP LOCKED
                        """, Tuple.of(now.atOffset(ZoneOffset.UTC)), (tx, row) -> overdue(tx, row, now));
    }

    private Uni<Void> overdue(SqlClient tx, Row row, Instant now) {
        UUID id = row.getUUID("id");
        UUID childId = row.getUUID("child_id");
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("version", id.toString());
        plan.put("reviewDate", row.getLocalDate("review_date").toString());
        plan.put("reviewOverdue", true);
        plan.put("link", "/api/v1/children/" + childId + "/trigger-plan");
        return tx.preparedQuery("UPDATE trigger_plan SET review_escalated_at = $2 WHERE id = $1")
                .execute(Tuple.of(id, now.atOffset(ZoneOffset.UTC)))
                .chain(() -> cases.currentPlacement(tx, childId))
                .chain(placement -> {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("identity", PlacementResource.identity(childId,
                            placement.map(Cases.Placement::identity).orElse(null), null));
                    details.put("trigger-plan", plan);
                    return cases.record(tx, new Notifier.CaseEvent(UUID.randomUUID(), "trigger-plan-review-due", childId,
                            "gateway", now, "MISSING-RESPONSE", false, details), "gateway",
                            placement.map(Cases.Placement::context).orElseGet(CaseContext::builder).build());
                })
                .chain(outcome -> audit.record(tx, Escalator.systemEntry("trigger-plan.review-overdue", "trigger-plan",
                        id.toString(), childId, outcome.sent().stream().map(s -> s.dutyRef()).distinct().toList())))
                .invoke(() -> LOG.infof("Trigger plan %s past its review date: review duty raised", id));
    }
}
