package uk.safeguarding.gateway.alert;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTrail;

/**
 * When an alert is not acknowledged by its deadline, tells the protocol's escalation target: a new
 * alert (event {@code alert-escalated}) carrying ids and the missed deadline, never the original
 * content, written with an audit record in one transaction. Rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so replicas never escalate the same alert twice.
 */
@ApplicationScoped
public class Escalator {

    public static final String EVENT = "alert-escalated";
    private static final Logger LOG = Logger.getLogger(Escalator.class);

    private static final String CLAIM = """
            SELECT id, recipient_agency, event, child_id, duty_ref, ack_due_at, escalation_target, status
            FROM alert
            WHERE ack_due_at <= $1 AND escalated_at IS NULL AND escalation_target IS NOT NULL
              AND status IN ('PENDING', 'DELIVERED')
            ORDER BY ack_due_at LIMIT 100
            FOR UPDATE SKIP LOCKED
            """;

    private final Pool pool;
    private final Outbox outbox;
    private final AuditTrail audit;
    private final GatewayClock clock;
    private final AlertConfig config;
    private final uk.safeguarding.gateway.operations.BusinessMeters meters;

    Escalator(Pool pool, Outbox outbox, AuditTrail audit, GatewayClock clock, AlertConfig config,
            uk.safeguarding.gateway.operations.BusinessMeters meters) {
        this.meters = meters;
        this.pool = pool;
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
        this.config = config;
    }

    @Scheduled(every = "${gateway.alert.escalation-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = DispatcherDisabled.class)
    void tick() {
        try {
            escalateDue();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Escalation run failed; will retry on the next tick");
        }
    }

    /** Escalates every alert whose acknowledgement deadline has passed; returns how many. */
    public int escalateDue() {
        Instant now = clock.instant();
        int escalated = pool.withTransaction(tx -> tx.preparedQuery(CLAIM).execute(Tuple.of(Dispatcher.utc(now)))
                .chain(rows -> {
                    List<Row> due = new ArrayList<>();
                    rows.forEach(due::add);
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (Row row : due) {
                        chain = chain.chain(n -> escalate(tx, row, now).replaceWith(n + 1));
                    }
                    return chain;
                })).await().indefinitely();
        meters.escalated(escalated);
        return escalated;
    }

    private Uni<Void> escalate(SqlClient tx, Row row, Instant now) {
        UUID original = row.getUUID("id");
        UUID childId = row.getUUID("child_id");
        String target = row.getString("escalation_target");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event", EVENT);
        payload.put("escalatedAlertId", original.toString());
        payload.put("originalEvent", row.getString("event"));
        payload.put("originalRecipient", row.getString("recipient_agency"));
        payload.put("childId", childId == null ? null : childId.toString());
        payload.put("dutyRef", row.getString("duty_ref"));
        payload.put("missedDeadline", row.getOffsetDateTime("ack_due_at").toInstant().toString());
        payload.put("statusAtDeadline", row.getString("status"));
        payload.put("addressedTo", "supervisor");
        payload.put("link", config.publicBaseUrl() + "/api/v1/alerts/" + original);
        AlertRequest escalation = new AlertRequest(target, EVENT, childId, "alert", original.toString(), payload,
                List.of(), row.getString("duty_ref"), null, null);
        return tx.preparedQuery("UPDATE alert SET escalated_at = $2 WHERE id = $1")
                .execute(Tuple.of(original, Dispatcher.utc(now)))
                .chain(() -> outbox.enqueue(tx, escalation))
                .chain(id -> audit.record(tx, systemEntry("alert.escalate", "alert", original.toString(), childId,
                        List.of(row.getString("duty_ref") == null ? "ack-deadline" : row.getString("duty_ref")))))
                .invoke(() -> LOG.infof("Alert %s to %s not acknowledged by %s: escalated to %s", original,
                        row.getString("recipient_agency"), row.getOffsetDateTime("ack_due_at"), target));
    }

    /** An audit record for an act of the gateway itself (no user, no request). */
    public static AuditEntry systemEntry(String action, String resourceType, String resourceId, UUID childId,
            List<String> reasons) {
        return new AuditEntry(UUID.randomUUID(), Instant.now(), "system-" + UUID.randomUUID(), "gateway", null,
                "SYSTEM", null, List.of(), null, action, resourceType, resourceId, childId, List.of(), "NONE", reasons,
                null, null, null, null, 200, null, List.of());
    }

}
