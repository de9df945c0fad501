package uk.safeguarding.gateway.disagreement;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/** The challenge resource's statements; each takes the caller's client, so the resource decides the transaction. */
@ApplicationScoped
public class ChallengeRepository {

    Uni<RowSet<Row>> insert(SqlClient tx, UUID id, Challenges.Decision d, String challengingAgency, String subject,
            String grounds, Instant now) {
        return tx.preparedQuery("""
                        INSERT INTO challenge (id, child_id, decision_type, decision_id, challenged_agency,
                            challenging_agency, raised_by_subject, grounds, level, status, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'practitioner', 'OPEN', $9) RETURNING *
                        """)
                .execute(Tuple.from(new Object[] {id, d.childId(), d.type(), d.id(), d.agency(),
                        challengingAgency, subject, grounds, now.atOffset(ZoneOffset.UTC)}));
    }

    Uni<RowSet<Row>> setDue(SqlClient tx, UUID id, Instant due) {
        return tx.preparedQuery("UPDATE challenge SET due_at = $2 WHERE id = $1")
                .execute(Tuple.of(id, due == null ? null : due.atOffset(ZoneOffset.UTC)));
    }

    Uni<RowSet<Row>> resolve(SqlClient tx, UUID id, Instant now, String result) {
        return tx.preparedQuery("UPDATE challenge SET status = 'RESOLVED', resolved_at = $2, outcome = $3, due_at = NULL "
                        + "WHERE id = $1").execute(Tuple.of(id, now.atOffset(ZoneOffset.UTC), result));
    }
}
