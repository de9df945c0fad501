package uk.safeguarding.gateway.risk;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.alert.DispatcherDisabled;
import uk.safeguarding.gateway.alert.DueRows;
import uk.safeguarding.gateway.alert.Escalator;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.audit.AuditTrail;

/**
 * Review overdue is a duty: when an agency's current risk level passes its review date (London time)
 * with no newer assessment, raises {@code risk-review-overdue} to that agency (the risk-change
 * protocol gives the deadline and the escalation to its supervisor), once per current level, with an
 * audit record; rows are claimed with {@code FOR UPDATE SKIP LOCKED}.
 */
@ApplicationScoped
public class RiskReviewClock {

    private static final Logger LOG = Logger.getLogger(RiskReviewClock.class);

    private static final String DUE = """
            SELECT l.*, a.previous_level, a.rationale, a.indicators, a.assessed_by_subject, a.assessed_by_agency
            FROM risk_level l JOIN risk_assessment a ON a.id = l.assessment_id
            WHERE l.review_by < $1
              AND NOT EXISTS (SELECT 1 FROM risk_level n WHERE n.child_id = l.child_id AND n.agency_id = l.agency_id
                              AND (n.effective_at, n.id) > (l.effective_at, l.id))
              AND NOT EXISTS (SELECT 1 FROM risk_review_overdue o WHERE o.risk_level_id = l.id)
            ORDER BY l.review_by LIMIT 100 FOR UPDATE OF l SKIP LOCKED
            """;

    private final Pool pool;
    private final RiskEvents events;
    private final AuditTrail audit;
    private final GatewayClock clock;

    RiskReviewClock(Pool pool, RiskEvents events, AuditTrail audit, GatewayClock clock) {
        this.pool = pool;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    @Scheduled(every = "${gateway.alert.escalation-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = DispatcherDisabled.class)
    void tick() {
        try {
            raiseOverdue();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Risk review clock failed; will retry on the next tick");
        }
    }

    /** Raises the duty for every current level past its review date; returns how many. */
    public int raiseOverdue() {
        Instant now = clock.instant();
        // Due "by" the date: overdue from the day after it.
        LocalDate today = LocalDate.ofInstant(now, RiskResource.LONDON);
        return DueRows.each(pool, DUE, Tuple.of(today), (tx, row) -> overdue(tx, row, now));
    }

    private Uni<Void> overdue(SqlClient tx, Row l, Instant now) {
        List<String> indicators = new ArrayList<>();
        l.getJsonArray("indicators").forEach(i -> indicators.add((String) i));
        // The agency's own level (it may have adopted it by agreement): the review is the agency's.
        RiskEvents.About about = new RiskEvents.About(l.getUUID("assessment_id"), l.getUUID("child_id"),
                l.getString("level"), l.getString("previous_level"), l.getString("rationale"), indicators,
                l.getLocalDate("review_by"), l.getString("agency_id"), l.getString("assessed_by_subject"));
        return tx.preparedQuery("INSERT INTO risk_review_overdue (risk_level_id, raised_at) VALUES ($1, $2)")
                .execute(Tuple.of(l.getUUID("id"), now.atOffset(ZoneOffset.UTC)))
                .chain(() -> events.reviewOverdue(tx, about, now))
                .chain(outcome -> audit.record(tx, Escalator.systemEntry("risk.review-overdue", "risk-assessment",
                        l.getUUID("assessment_id").toString(), l.getUUID("child_id"),
                        outcome.sent().stream().map(s -> s.dutyRef()).distinct().toList())))
                .invoke(() -> LOG.infof("Risk review of assessment %s by %s overdue: duty raised",
                        l.getUUID("assessment_id"), l.getString("agency_id")));
    }
}
