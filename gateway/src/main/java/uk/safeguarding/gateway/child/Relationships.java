package uk.safeguarding.gateway.child;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The legitimate relationships agencies have with children. Every object-level check asks
 * {@link #kinds}; the answer feeds the policy engine, never a hand-written condition.
 */
@ApplicationScoped
public class Relationships {

    /** A relationship kind held by an agency, without any content: for "who else is involved". */
    public record Involvement(String agencyId, String kind, String contact, OffsetDateTime since) {
    }

    /** The kinds of live relationship {@code agencyId} has with the child; empty when none. */
    public Uni<Set<String>> kinds(SqlClient client, String agencyId, UUID childId) {
        return client.preparedQuery(
                        "SELECT DISTINCT kind FROM relationship WHERE child_id = $1 AND agency_id = $2 AND ended_at IS NULL")
                .execute(Tuple.of(childId, agencyId))
                .map(rows -> {
                    Set<String> kinds = new TreeSet<>();
                    for (Row row : rows) {
                        kinds.add(row.getString("kind"));
                    }
                    return kinds;
                });
    }

    /** Records a relationship created by an event; recording the same one twice changes nothing. */
    public Uni<Void> add(SqlClient tx, UUID childId, String agencyId, String kind, String sourceType, UUID sourceId,
            String contact) {
        return tx.preparedQuery("""
                        INSERT INTO relationship (child_id, agency_id, kind, source_type, source_id, contact)
                        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
                        """)
                .execute(Tuple.from(new Object[] {childId, agencyId, kind, sourceType, sourceId, contact}))
                .replaceWithVoid();
    }

    /** Every agency involved with the child, earliest first, one row per agency and kind. */
    public Uni<List<Involvement>> involved(SqlClient client, UUID childId) {
        return client.preparedQuery("""
                        SELECT agency_id, kind, min(contact) AS contact, min(since) AS since FROM relationship
                        WHERE child_id = $1 AND ended_at IS NULL GROUP BY agency_id, kind ORDER BY since, agency_id, kind
                        """)
                .execute(Tuple.of(childId))
                .map(rows -> {
                    List<Involvement> result = new ArrayList<>();
                    for (Row row : rows) {
                        result.add(new Involvement(row.getString("agency_id"), row.getString("kind"),
                                row.getString("contact"), row.getOffsetDateTime("since")));
                    }
                    return result;
                });
    }
}
