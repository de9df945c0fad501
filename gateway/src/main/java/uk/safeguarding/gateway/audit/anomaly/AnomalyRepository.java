package uk.safeguarding.gateway.audit.anomaly;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.audit.dpo.DpoScope;

/** The DPO's anomaly-flag statements, each limited to the DPO's scope. */
@ApplicationScoped
public class AnomalyRepository {

    private static final String COLUMNS = """
            id, kind, detected_at, actor_agency, actor_subject, child_id, window_start, window_end, event_count,
            first_event_id, last_event_at, summary, status, resolved_at, resolved_by, resolution_note""";

    private final Pool pool;

    AnomalyRepository(Pool pool) {
        this.pool = pool;
    }

    /** Flags in scope, newest first; {@code status} is OPEN, RESOLVED or ALL, kind and user optional. */
    Uni<RowSet<Row>> find(DpoScope granted, String status, String kind, String user, int most) {
        List<Object> params = new ArrayList<>(java.util.Arrays.asList(status, kind, user, most));
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM audit_anomaly a WHERE ($1 = 'ALL' OR status = $1)"
                        + " AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR actor_subject = $3)"
                        + " AND " + granted.anomalies("a", params) + " ORDER BY detected_at DESC, id DESC LIMIT $4")
                .execute(Tuple.from(params));
    }

    /** Resolves an open flag in scope; no row when it is out of scope, unknown or already resolved. */
    Uni<RowSet<Row>> resolve(SqlClient tx, DpoScope granted, UUID flag, String resolver, String note) {
        List<Object> update = new ArrayList<>(List.of(flag, resolver, note));
        String inScope = granted.anomalies("a", update);
        return tx.preparedQuery("UPDATE audit_anomaly a SET status = 'RESOLVED', resolved_at = now(), "
                        + "resolved_by = $2, resolution_note = $3 WHERE id = $1 AND status = 'OPEN' AND " + inScope
                        + " RETURNING " + COLUMNS)
                .execute(Tuple.from(update));
    }

    Uni<Boolean> existsInScope(SqlClient tx, DpoScope granted, UUID flag) {
        List<Object> exists = new ArrayList<>(List.of(flag));
        String existsInScope = granted.anomalies("a", exists);
        return tx.preparedQuery("SELECT 1 FROM audit_anomaly a WHERE id = $1 AND " + existsInScope)
                .execute(Tuple.from(exists)).map(found -> found.size() != 0);
    }
}
