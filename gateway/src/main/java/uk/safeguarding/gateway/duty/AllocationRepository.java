package uk.safeguarding.gateway.duty;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** The allocation resource's statements; each takes the caller's client, so the resource decides the transaction. */
@ApplicationScoped
public class AllocationRepository {

    /** Ends the agency's current relationship of this kind with the child (a new allocation replaces it). */
    Uni<RowSet<Row>> endCurrent(SqlClient tx, UUID childId, String agencyId, String kind) {
        return tx.preparedQuery("""
                        UPDATE relationship SET ended_at = now() WHERE child_id = $1 AND agency_id = $2 AND kind = $3
                            AND ended_at IS NULL
                        """).execute(Tuple.of(childId, agencyId, kind));
    }

    Uni<RowSet<Row>> nameHolder(SqlClient tx, UUID allocationId, String kind, String worker) {
        return tx.preparedQuery("UPDATE relationship SET holder_subject = $3 WHERE source_type = 'allocation' "
                        + "AND source_id = $1 AND kind = $2").execute(Tuple.of(allocationId, kind, worker));
    }
}
