package uk.safeguarding.gateway.child;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The statements of the standing resources: relationship claims and their decisions, standing overrides. Each
 * takes the caller's client, so the resource decides the transaction.
 */
@ApplicationScoped
public class StandingRepository {

    private final Pool pool;

    StandingRepository(Pool pool) {
        this.pool = pool;
    }

    /** Claims the agency is asked to confirm; {@code chosen} is ALL or PENDING. */
    Uni<RowSet<Row>> claimsFor(String agencyId, String chosen) {
        return pool.preparedQuery("SELECT * FROM relationship_claim WHERE confirmers @> ARRAY[$1::text] "
                        + "AND ($2 = 'ALL' OR status = 'PENDING') ORDER BY due_at, id LIMIT 200")
                .execute(Tuple.of(agencyId, chosen));
    }

    Uni<RowSet<Row>> decideClaim(SqlClient tx, UUID id, String outcome, Instant now, String agencyId, String subject,
            String reason) {
        return tx.preparedQuery("""
                        UPDATE relationship_claim SET status = $2, decided_at = $3, decided_by_agency = $4,
                            decided_by_subject = $5, reason = $6 WHERE id = $1 RETURNING *
                        """)
                .execute(Tuple.from(new Object[] {id, outcome, now.atOffset(ZoneOffset.UTC), agencyId, subject, reason}));
    }

    /** The claimed relationship follows the decision: confirmed, or refused and ended. */
    Uni<RowSet<Row>> settleClaimedRelationship(SqlClient tx, UUID claimId, String outcome, Instant now) {
        return tx.preparedQuery(outcome.equals("CONFIRMED")
                        ? "UPDATE relationship SET standing = 'confirmed', decided_at = $2 WHERE claim_id = $1 AND standing = 'asserted'"
                        : "UPDATE relationship SET standing = 'refused', decided_at = $2, ended_at = $2 WHERE claim_id = $1 AND ended_at IS NULL")
                .execute(Tuple.of(claimId, now.atOffset(ZoneOffset.UTC)));
    }

    /** Whoever decides settles the duty for every agency asked. */
    Uni<RowSet<Row>> acknowledgeClaimAlerts(SqlClient tx, UUID claimId, Instant now) {
        return tx.preparedQuery("UPDATE alert SET status = 'ACKNOWLEDGED', acknowledged_at = $2, "
                        + "delivered_at = coalesce(delivered_at, $2) WHERE resource_type = 'case-event' "
                        + "AND resource_id = $1 AND status IN ('PENDING', 'DELIVERED')")
                .execute(Tuple.of(claimId.toString(), now.atOffset(ZoneOffset.UTC)));
    }

    /** The claim, when the agency holds a confirmed relationship with its child and is not the claimant. */
    Uni<RowSet<Row>> visibleClaim(SqlClient tx, UUID id, String agency, boolean forUpdate) {
        return tx.preparedQuery("""
                        SELECT c.* FROM relationship_claim c WHERE c.id = $1 AND c.agency_id <> $2 AND EXISTS (
                            SELECT 1 FROM relationship r WHERE r.child_id = c.child_id AND r.agency_id = $2
                                AND r.standing = 'confirmed' AND r.scope = 'child' AND r.ended_at IS NULL)
                        """ + (forUpdate ? " FOR UPDATE OF c" : ""))
                .execute(Tuple.of(id, agency));
    }

    /** Whether the agency holds any live, unrefused relationship with the whole child. */
    Uni<RowSet<Row>> anyStanding(SqlClient tx, UUID childId, String agencyId) {
        return tx.preparedQuery("SELECT 1 FROM relationship WHERE child_id = $1 AND agency_id = $2 "
                        + "AND ended_at IS NULL AND standing <> 'refused' AND scope = 'child' LIMIT 1")
                .execute(Tuple.of(childId, agencyId));
    }

    Uni<RowSet<Row>> insertOverride(SqlClient tx, UUID id, UUID childId, String agencyId, String subject, String scope,
            String justification, Instant now) {
        return tx.preparedQuery("""
                        INSERT INTO standing_override (id, child_id, agency_id, requester_subject, scope, justification,
                            status, requested_at) VALUES ($1, $2, $3, $4, $5, $6, 'PENDING_APPROVAL', $7) RETURNING *
                        """)
                .execute(Tuple.from(new Object[] {id, childId, agencyId, subject, scope, justification,
                        now.atOffset(ZoneOffset.UTC)}));
    }

    Uni<RowSet<Row>> approveOverride(SqlClient tx, UUID id, String approverSubject, Instant now, Instant expires) {
        return tx.preparedQuery("""
                        UPDATE standing_override SET status = 'ACTIVE', approver_subject = $2, approved_at = $3, expires_at = $4
                        WHERE id = $1 RETURNING *
                        """)
                .execute(Tuple.of(id, approverSubject, now.atOffset(ZoneOffset.UTC), expires.atOffset(ZoneOffset.UTC)));
    }

    Uni<RowSet<Row>> ownOverride(SqlClient tx, UUID id, String agencyId, boolean forUpdate) {
        return tx.preparedQuery("SELECT * FROM standing_override WHERE id = $1 AND agency_id = $2" + (forUpdate ? " FOR UPDATE" : ""))
                .execute(Tuple.of(id, agencyId));
    }
}
