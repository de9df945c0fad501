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

    /** The insert for a Hibernate Reactive session: ordinal parameters, payload and categories cast from text. */
    private static final String SESSION_INSERT = uk.safeguarding.gateway.audit.AuditTrail.sessionForm(INSERT, 7, 8);

    /** Queues the alert in the caller's transaction and returns its id (also the webhook id). */
    public Uni<UUID> enqueue(SqlClient transaction, AlertRequest alert) {
        UUID id = UUID.randomUUID();
        return transaction.preparedQuery(INSERT).execute(Tuple.from(values(id, alert))).replaceWith(id);
    }

    /**
     * Queues the alert inside the caller's Hibernate Reactive session (its transaction), with the same
     * row as {@link #enqueue(SqlClient, AlertRequest)}; returns its id.
     */
    public Uni<UUID> enqueue(org.hibernate.reactive.mutiny.Mutiny.Session session, AlertRequest alert) {
        UUID id = UUID.randomUUID();
        var query = session.createNativeQuery(SESSION_INSERT);
        Object[] values = values(id, alert);
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            query.setParameter(i + 1, v instanceof JsonObject o ? o.encode() : v instanceof JsonArray a ? a.encode() : v);
        }
        return query.executeUpdate().replaceWith(id);
    }

    private static Object[] values(UUID id, AlertRequest alert) {
        return new Object[] {
                id, alert.recipientAgency(), alert.event(), alert.childId(), alert.resourceType(),
                alert.resourceId(), new JsonObject(alert.payload()), new JsonArray(alert.categories()),
                alert.dutyRef(), alert.ackDueAt() == null ? null : alert.ackDueAt().atOffset(ZoneOffset.UTC),
                alert.escalationTarget(),
                // The delivery, made later by any replica, joins the queuing request's trace.
                uk.safeguarding.gateway.operations.Tracing.traceParent()};
    }
}
