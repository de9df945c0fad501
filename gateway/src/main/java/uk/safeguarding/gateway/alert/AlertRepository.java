package uk.safeguarding.gateway.alert;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The alert feature's statements run by its resources: the pull inbox, acknowledgement, subscriptions and dead
 * letters. Each takes the caller's client, so the resource decides the transaction.
 */
@ApplicationScoped
public class AlertRepository {

    /** The agency that raised an alert, as its payload names it (for dead letters the raiser may see). */
    public static final String RAISED_BY = "coalesce(payload->>'raisedBy', payload->>'from', payload->>'decidedBy', payload->>'readerAgency')";

    private static final String COLUMNS = """
            id, event, status, created_at, ack_due_at, delivered_at, acknowledged_at, duty_ref, payload, child_id, categories,
            resource_type, resource_id
            """;

    private static final String DEAD_COLUMNS =
            "SELECT id, recipient_agency, event, child_id, attempts, last_error, created_at, dead_at FROM alert";

    private final Pool pool;

    AlertRepository(Pool pool) {
        this.pool = pool;
    }

    Uni<RowSet<Row>> inbox(SqlClient tx, String agencyId, boolean includeAcknowledged, int size) {
        String statuses = includeAcknowledged ? "('PENDING', 'DELIVERED', 'ACKNOWLEDGED')" : "('PENDING', 'DELIVERED')";
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM alert WHERE recipient_agency = $1 AND status IN "
                        + statuses + " ORDER BY created_at, id LIMIT $2")
                .execute(Tuple.of(agencyId, size));
    }

    Uni<RowSet<Row>> markDelivered(SqlClient tx, List<UUID> ids, Instant now) {
        return tx.preparedQuery("UPDATE alert SET status = 'DELIVERED', delivered_at = $2 "
                        + "WHERE id = ANY($1) AND status = 'PENDING'")
                .execute(Tuple.of(ids.toArray(new UUID[0]), Dispatcher.utc(now)));
    }

    Uni<RowSet<Row>> addressedTo(SqlClient tx, UUID id, String agencyId) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM alert WHERE id = $1 AND recipient_agency = $2")
                .execute(Tuple.of(id, agencyId));
    }

    Uni<RowSet<Row>> acknowledge(SqlClient tx, UUID id, String agencyId, Instant now) {
        return tx.preparedQuery("""
                        UPDATE alert SET status = 'ACKNOWLEDGED', acknowledged_at = $3,
                            delivered_at = coalesce(delivered_at, $3)
                        WHERE id = $1 AND recipient_agency = $2 AND status IN ('PENDING', 'DELIVERED')
                        """)
                .execute(Tuple.of(id, agencyId, Dispatcher.utc(now)));
    }

    Uni<RowSet<Row>> insertSubscription(SqlClient tx, UUID id, String agencyId, String url, String sealedSecret,
            String createdBy, Object oauthColumn) {
        return tx.preparedQuery("""
                        INSERT INTO alert_subscription (id, agency_id, url, secrets, created_by, oauth)
                        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (agency_id) DO NOTHING
                        """)
                .execute(Tuple.of(id, agencyId, url, new JsonArray().add(sealedSecret), createdBy, oauthColumn));
    }

    Uni<RowSet<Row>> subscriptions() {
        return pool.preparedQuery("SELECT id, agency_id, url, secrets, oauth, created_at, updated_at FROM alert_subscription ORDER BY agency_id")
                .execute();
    }

    Uni<RowSet<Row>> lockSubscription(SqlClient tx, UUID id) {
        return tx.preparedQuery("SELECT url, secrets FROM alert_subscription WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id));
    }

    Uni<RowSet<Row>> replaceSecrets(SqlClient tx, UUID id, JsonArray live) {
        return tx.preparedQuery("UPDATE alert_subscription SET secrets = $2, updated_at = now() WHERE id = $1 RETURNING *")
                .execute(Tuple.of(id, live));
    }

    Uni<RowSet<Row>> retireSecrets(SqlClient tx, UUID id) {
        return tx.preparedQuery("""
                        UPDATE alert_subscription SET secrets = jsonb_build_array(secrets -> -1), updated_at = now()
                        WHERE id = $1 RETURNING id, agency_id, url, secrets, oauth, created_at, updated_at
                        """)
                .execute(Tuple.of(id));
    }

    Uni<RowSet<Row>> deleteSubscription(SqlClient tx, UUID id) {
        return tx.preparedQuery("DELETE FROM alert_subscription WHERE id = $1").execute(Tuple.of(id));
    }

    /** Every dead letter, newest first (administrators). */
    Uni<RowSet<Row>> deadLetters() {
        return pool.preparedQuery(DEAD_COLUMNS + " WHERE status = 'DEAD' ORDER BY dead_at DESC LIMIT 500").execute();
    }

    /** Dead letters addressed to or raised by the agencies the two scope conditions name. */
    Uni<RowSet<Row>> deadLetters(String recipient, String raiser, List<Object> params) {
        // A UNION of two index scans (alert_dead_recipient, alert_dead_raised_by) rather than one OR.
        return pool.preparedQuery(DEAD_COLUMNS + " WHERE status = 'DEAD' AND " + recipient + " UNION " + DEAD_COLUMNS
                        + " WHERE status = 'DEAD' AND " + raiser + " ORDER BY dead_at DESC LIMIT 500")
                .execute(Tuple.from(params));
    }

    Uni<RowSet<Row>> requeue(SqlClient tx, UUID id, Instant now) {
        return tx.preparedQuery("""
                        UPDATE alert SET status = 'PENDING', next_attempt_at = $2, window_start = $2, dead_at = NULL, attempts = 0
                        WHERE id = $1 AND status = 'DEAD'
                        """)
                .execute(Tuple.of(id, Dispatcher.utc(now)));
    }
}
