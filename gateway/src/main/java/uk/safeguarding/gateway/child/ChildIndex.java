package uk.safeguarding.gateway.child;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * One internal id per child, found by any identifier an agency knows it by (NHS number, a local
 * authority's case number, ...). Referrals about the same child are linked through it.
 */
@ApplicationScoped
public class ChildIndex {

    public static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";

    /** A child's id, and whether this request brought the child to the gateway (nothing existed before). */
    public record Resolved(UUID id, boolean created) {
    }

    /** The child's id for this identifier, creating the child the first time it is seen. */
    public Uni<UUID> resolveOrCreate(SqlClient tx, String system, String value) {
        return resolve(tx, system, value).map(Resolved::id);
    }

    /** As {@link #resolveOrCreate}, saying whether the child was created by this call. */
    public Uni<Resolved> resolve(SqlClient tx, String system, String value) {
        return tx.preparedQuery("""
                        WITH existing AS (
                            SELECT child_id FROM child_identifier WHERE system = $1 AND value = $2),
                        new_child AS (
                            INSERT INTO child (id) SELECT $3 WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING id),
                        new_identifier AS (
                            INSERT INTO child_identifier (system, value, child_id) SELECT $1, $2, id FROM new_child
                            ON CONFLICT DO NOTHING RETURNING child_id)
                        SELECT child_id, false AS created FROM existing
                        UNION ALL SELECT child_id, true AS created FROM new_identifier
                        """)
                .execute(Tuple.of(system, value, UUID.randomUUID()))
                .chain(rows -> rows.iterator().hasNext()
                        ? Uni.createFrom().item(new Resolved(rows.iterator().next().getUUID("child_id"),
                                rows.iterator().next().getBoolean("created")))
                        // A concurrent request created the child first; its row is visible to a new statement.
                        : find(tx, system, value).map(found -> new Resolved(found.orElseThrow(), false)));
    }

    public Uni<Optional<UUID>> find(SqlClient client, String system, String value) {
        return client.preparedQuery("SELECT child_id FROM child_identifier WHERE system = $1 AND value = $2")
                .execute(Tuple.of(system, value))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? Optional.of(it.next().getUUID("child_id")) : Optional.empty();
                });
    }

}
