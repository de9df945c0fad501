package uk.safeguarding.gateway.alert;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
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

    private static final String INSERT_ALL = """
            INSERT INTO alert (id, recipient_agency, event, child_id, resource_type, resource_id, payload, categories,
                duty_ref, ack_due_at, escalation_target, trace_parent)
            SELECT i, ra, e, c, rt, ri, p::jsonb, ca::jsonb, d, a, es, t
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
                $9::text[], $10::timestamptz[], $11::text[], $12::text[])
                WITH ORDINALITY AS u(i, ra, e, c, rt, ri, p, ca, d, a, es, t, n)
            ORDER BY n
            """;

    /** The insert for a Hibernate Reactive session: ordinal parameters, payload and categories cast from text. */
    private static final String SESSION_INSERT = uk.safeguarding.gateway.audit.AuditTrail.sessionForm(INSERT, 7, 8);

    /** Queues the alert in the caller's transaction and returns its id (also the webhook id). */
    public Uni<UUID> enqueue(SqlClient transaction, AlertRequest alert) {
        UUID id = UUID.randomUUID();
        return transaction.preparedQuery(INSERT).execute(Tuple.from(values(id, alert))).replaceWith(id);
    }

    /** An alert with the id it will be queued under, known before it is written. */
    public record Queued(UUID id, AlertRequest alert) {

        public static Queued of(AlertRequest alert) {
            return new Queued(UUID.randomUUID(), alert);
        }
    }

    /**
     * As {@link #enqueue(SqlClient, AlertRequest)} for each, in order, in one statement: the same rows under
     * the ids given, so rows that point at them can be written without waiting for this one.
     */
    public Uni<Void> enqueueAll(SqlClient transaction, List<Queued> alerts) {
        if (alerts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = alerts.size();
        Object[][] columns = new Object[12][];
        columns[0] = new UUID[n];
        columns[3] = new UUID[n];
        columns[9] = new OffsetDateTime[n];
        for (int c : new int[] {1, 2, 4, 5, 6, 7, 8, 10, 11}) {
            columns[c] = new String[n];
        }
        for (int i = 0; i < n; i++) {
            Object[] values = values(alerts.get(i).id(), alerts.get(i).alert());
            for (int c = 0; c < values.length; c++) {
                // The JSON goes as its text, which the server parses into the same jsonb.
                columns[c][i] = values[c] instanceof JsonObject o ? o.encode() : values[c] instanceof JsonArray a ? a.encode()
                        : values[c];
            }
        }
        return transaction.preparedQuery(INSERT_ALL).execute(Tuple.from(columns)).replaceWithVoid();
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
