package uk.safeguarding.gateway.alert;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The only way a feature sends anything: it enqueues alerts inside its own transaction, and the
 * alert feature delivers them after commit. Nothing outside {@code alert} talks to a recipient.
 */
@ApplicationScoped
public class Outbox {

    private static final String INSERT = """
            INSERT INTO alert (id, recipient_agency, event, child_id, resource_type, resource_id, payload, categories,
                duty_ref, ack_due_at, escalation_target, trace_parent)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            """;

    /** Queues the alert in the caller's transaction and returns its id (also the webhook id). */
    public Uni<UUID> enqueue(SqlClient transaction, AlertRequest alert) {
        UUID id = UUID.randomUUID();
        return transaction.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
                        id, alert.recipientAgency(), alert.event(), alert.childId(), alert.resourceType(),
                        alert.resourceId(), new JsonObject(alert.payload()), new JsonArray(alert.categories()),
                        alert.dutyRef(), alert.ackDueAt() == null ? null : alert.ackDueAt().atOffset(ZoneOffset.UTC),
                        alert.escalationTarget(),
                        // The delivery, made later by any replica, joins the queuing request's trace.
                        uk.safeguarding.gateway.operations.Tracing.traceParent()}))
                .replaceWith(id);
    }
}
