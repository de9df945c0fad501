package uk.safeguarding.gateway.strategy;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.alert.AlertRequest;
import uk.safeguarding.gateway.alert.DispatcherDisabled;
import uk.safeguarding.gateway.alert.DueRows;
import uk.safeguarding.gateway.alert.Escalator;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Outbox;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.protocol.engine.DutyNotice;

/**
 * An action still open after its due date (London time) is a duty: raises
 * {@code strategy-action-overdue} to the owner agency, to be acknowledged by the end of that day (London time), escalating
 * to the convener when it is not (the alert feature's Escalator), once per action, with an audit record.
 * Claimed as every deadline clock claims ({@link DueRows}, {@code FOR UPDATE SKIP LOCKED}) through the
 * Vert.x client: a scheduled loop over rows is not an aggregate's write path (docs/ARCHITECTURE.md).
 */
@ApplicationScoped
public class StrategyActionClock {

    static final String OVERDUE = "strategy-action-overdue";
    /**
     * The duty's reference where no protocol in force declares it (the shipped strategy-discussion
     * protocol does: docs/STRATEGY.md); the Escalator names it in the escalation as it names a protocol's.
     */
    static final String DUTY_REF = "gateway:strategy-discussion#action-overdue";
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final Logger LOG = Logger.getLogger(StrategyActionClock.class);

    private static final String DUE = """
            SELECT a.id, a.discussion_id, a.child_id, a.owner_agency, a.due_on, d.convener_agency
            FROM strategy_action a JOIN strategy_discussion d ON d.id = a.discussion_id
            WHERE a.status = 'OPEN' AND a.overdue_at IS NULL AND a.due_on < $1
            ORDER BY a.due_on LIMIT 100 FOR UPDATE OF a SKIP LOCKED
            """;

    private final Pool pool;
    private final Outbox outbox;
    private final AuditTrail audit;
    private final GatewayClock clock;
    private final StrategyClauses clauses;

    StrategyActionClock(Pool pool, Outbox outbox, AuditTrail audit, GatewayClock clock, StrategyClauses clauses) {
        this.clauses = clauses;
        this.pool = pool;
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
    }

    @Scheduled(every = "${gateway.alert.escalation-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = DispatcherDisabled.class)
    void tick() {
        try {
            raiseOverdue();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Strategy action clock failed; will retry on the next tick");
        }
    }

    /** Raises the duty for every open action past its due date; returns how many. */
    public int raiseOverdue() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, LONDON);
        return DueRows.each(pool, DUE, Tuple.of(today), (tx, row) -> overdue(tx, row, now));
    }

    private Uni<Void> overdue(SqlClient tx, Row a, Instant now) {
        String id = a.getUUID("id").toString();
        String convener = a.getString("convener_agency");
        // The protocol's duty gives the deadline, the escalation target and the clause; a protocol set
        // without it (an external folder) keeps the gateway's own end of the London day, to the convener.
        var duty = clauses.overdueDuty(a.getString("owner_agency"), convener, now);
        Instant ack = duty.map(DutyNotice::deadline)
                .orElseGet(() -> LocalDate.ofInstant(now, LONDON).plusDays(1).atStartOfDay(LONDON).toInstant());
        String ref = duty.map(DutyNotice::clause).orElse(DUTY_REF);
        String escalateTo = duty.map(DutyNotice::escalation).map(e -> e.agencies().isEmpty() ? null : e.agencies().get(0))
                .orElse(convener);
        return tx.preparedQuery("UPDATE strategy_action SET overdue_at = $2 WHERE id = $1")
                .execute(Tuple.of(a.getUUID("id"), now.atOffset(ZoneOffset.UTC)))
                .chain(() -> outbox.enqueue(tx, new AlertRequest(a.getString("owner_agency"), OVERDUE, a.getUUID("child_id"),
                        "strategy-action", id, Map.of("actionId", id, "discussionId", a.getUUID("discussion_id").toString(),
                                "dueOn", a.getLocalDate("due_on").toString(),
                                "link", "/api/v1/strategy-discussions/" + a.getUUID("discussion_id")),
                        List.of(), ref, ack, escalateTo)))
                .chain(alert -> audit.record(tx, Escalator.systemEntry("strategy.action-overdue", "strategy-action", id,
                        a.getUUID("child_id"), List.of(alert.toString()))))
                .invoke(() -> LOG.infof("Strategy action %s overdue: duty raised to %s", id, a.getString("owner_agency")));
    }
}
