package uk.safeguarding.gateway.disagreement;

import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.alert.DispatcherDisabled;
import uk.safeguarding.gateway.alert.DueRows;
import uk.safeguarding.gateway.alert.Escalator;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.audit.AuditTrail;

/**
 * A challenge not resolved by its level's deadline moves up a level by itself (an escalation nobody
 * has to remember to make), with an audit record; claimed with {@code FOR UPDATE SKIP LOCKED}. At the
 * partnership level there is no higher level: the unacknowledged alert escalates as any duty does.
 */
@ApplicationScoped
public class DisagreementClock {

    private static final Logger LOG = Logger.getLogger(DisagreementClock.class);

    private final Pool pool;
    private final Challenges challenges;
    private final AuditTrail audit;
    private final GatewayClock clock;

    DisagreementClock(Pool pool, Challenges challenges, AuditTrail audit, GatewayClock clock) {
        this.pool = pool;
        this.challenges = challenges;
        this.audit = audit;
        this.clock = clock;
    }

    @Scheduled(every = "${gateway.alert.escalation-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = DispatcherDisabled.class)
    void tick() {
        try {
            escalateOverdue();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Disagreement clock failed; will retry on the next tick");
        }
    }

    /** Escalates every open challenge past its level's deadline; returns how many. */
    public int escalateOverdue() {
        Instant now = clock.instant();
        return DueRows.each(pool, """
                        SELECT * FROM challenge WHERE status = 'OPEN' AND due_at <= $1 AND level <> 'partnership'
                        ORDER BY due_at LIMIT 100 FOR UPDATE SKIP LOCKED
                        """, Tuple.of(now.atOffset(ZoneOffset.UTC)),
                (tx, c) -> challenges.escalate(tx, c, "gateway", "gateway",
                                "Not resolved by the " + c.getString("level") + " level's deadline.", now)
                        .chain(outcome -> audit.record(tx, Escalator.systemEntry("disagreement.escalate-overdue",
                                "challenge", c.getUUID("id").toString(), c.getUUID("child_id"),
                                outcome.sent().stream().map(s -> s.dutyRef()).distinct().toList()))));
    }
}
