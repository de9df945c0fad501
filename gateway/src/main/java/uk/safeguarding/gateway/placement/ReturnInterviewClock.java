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

/**
 * The 72-hour return home interview clock: when an episode's interview is neither offered nor
 * recorded by its due time, raises {@code return-home-interview-due} (the protocol sends it to the placing council and
 * the IRO) with an audit record, once, claimed with {@code FOR UPDATE SKIP LOCKED}.
 */
@ApplicationScoped
public class ReturnInterviewClock {

    private static final Logger LOG = Logger.getLogger(ReturnInterviewClock.class);

    private final Pool pool;
    private final Cases cases;
    private final MissingCases missingCases;
    private final AuditTrail audit;
    private final GatewayClock clock;

    ReturnInterviewClock(Pool pool, Cases cases, MissingCases missingCases, AuditTrail audit, GatewayClock clock) {
        this.pool = pool;
        this.cases = cases;
        this.missingCases = missingCases;
        this.audit = audit;
        this.clock = clock;
    }

    @Scheduled(every = "${gateway.alert.escalation-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = DispatcherDisabled.class)
    void tick() {
        try {
            escalateOverdue();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Return interview clock failed; will retry on the next tick");
        }
    }

    /** Raises the overdue event for every episode past its interview deadline; returns how many. */
    public int escalateOverdue() {
        Instant now = clock.instant();
        return DueRows.each(pool, """
                        SELECT * FROM missing_episode
                        WHERE rhi_due_at <= $1 AND rhi_completed_at IS NULL AND rhi_offered_at IS NULL AND rhi_escalated_at IS NULL
                        ORDER BY rhi_due_at LIMIT 100 FOR UPDATE SKIP LOCKED
                        """, Tuple.of(now.atOffset(ZoneOffset.UTC)), (tx, row) -> overdue(tx, row, now));
    }

    private Uni<Void> overdue(SqlClient tx, Row row, Instant now) {
        UUID id = row.getUUID("id");
        UUID childId = row.getUUID("child_id");
        UUID eventId = UUID.randomUUID();
        Map<String, Object> missing = new LinkedHashMap<>();
        missing.put("episodeId", id.toString());
        missing.put("foundAt", row.getOffsetDateTime("found_at").toInstant().toString());
        missing.put("returnInterviewDue", row.getOffsetDateTime("rhi_due_at").toInstant().toString());
        missing.put("returnInterviewCompleted", false);
        return tx.preparedQuery("UPDATE missing_episode SET rhi_escalated_at = $2 WHERE id = $1")
                .execute(Tuple.of(id, now.atOffset(ZoneOffset.UTC)))
                // A child missing from home has no placement: the episode's home council is told.
                .chain(() -> missingCases.caseOf(tx, childId, MissingCases.EpisodeRoles.of(row), null))
                .chain(episodeCase -> {
                    var placement = episodeCase.placement();
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("identity", PlacementResource.identity(childId,
                            placement.map(Cases.Placement::identity).orElse(null), null));
                    details.put("missing", missing);
                    return cases.record(tx, new Notifier.CaseEvent(eventId, "return-home-interview-due", childId, "gateway", now,
                            "MISSING-RESPONSE", false, details), "gateway", episodeCase.main());
                })
                .chain(outcome -> audit.record(tx, Escalator.systemEntry("missing.return-interview-overdue",
                        "missing-episode", id.toString(), childId,
                        outcome.sent().stream().map(s -> s.dutyRef()).distinct().toList())))
                .invoke(() -> LOG.infof("Return home interview for episode %s overdue: escalated", id));
    }
}
