package uk.safeguarding.gateway.consent;

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

/** The DPO's consent-override statements, each limited to the DPO's scope. */
@ApplicationScoped
public class ConsentDpoRepository {

    private final Pool pool;

    ConsentDpoRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * An override is in a DPO's scope when their agency asked for it, or when a disclosure that relied
     * on it released their agency's information (an audit event citing it, about the same child, since
     * it was asked for: served by the audit_event_child index). Parameters are appended to {@code params}.
     */
    private static String overrideInScope(DpoScope scope, List<Object> params) {
        return "(" + scope.agencyColumn("o.requester_agency", params) + " OR EXISTS (SELECT 1 FROM audit_event e"
                + " WHERE e.child_id = o.child_id AND e.recorded_at >= o.requested_at"
                + " AND e.reasons @> jsonb_build_array('consent-override:' || o.id) AND " + scope.dataOwners("e", params) + "))";
    }

    /** Overrides in scope, newest first; every one, or only those not yet reviewed. */
    Uni<RowSet<Row>> overrides(DpoScope granted, boolean all) {
        List<Object> params = new ArrayList<>(List.of(all));
        return pool.preparedQuery("SELECT o.* FROM consent_override o WHERE ($1 OR o.dpo_reviewed_at IS NULL) AND "
                        + overrideInScope(granted, params) + " ORDER BY o.requested_at DESC LIMIT 500")
                .execute(Tuple.from(params));
    }

    /** Scope and state in one statement: out of scope, reviewed or unknown all return no row. */
    Uni<RowSet<Row>> review(SqlClient tx, DpoScope granted, UUID id, String reviewer, String note) {
        List<Object> params = new ArrayList<>(List.of(id, reviewer, note));
        return tx.preparedQuery("UPDATE consent_override o SET dpo_reviewed_at = now(), dpo_reviewed_by = $2,"
                        + " dpo_note = $3 WHERE id = $1 AND dpo_reviewed_at IS NULL AND " + overrideInScope(granted, params)
                        + " RETURNING o.*")
                .execute(Tuple.from(params));
    }
}
