package uk.safeguarding.gateway.alert;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.NoPurposeRequired;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * Alerts given up after the retry window: visible to administrators and DPOs as metadata only
 * (recipient, event, attempts, last error), never their content. An administrator can requeue one
 * once the recipient's endpoint is fixed.
 */
@Path("/api/v1/admin/dead-letters")
@NoPurposeRequired
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    /** A dead letter without its payload. */
    public record DeadLetter(UUID id, String recipient, String event, UUID childId, int attempts, String lastError,
            Instant createdAt, Instant deadAt) {
    }

    private final Pool pool;
    private final RequestContext context;
    private final AuditTrail audit;
    private final GatewayClock clock;

    DeadLetterResource(Pool pool, RequestContext context, AuditTrail audit, GatewayClock clock) {
        this.pool = pool;
        this.context = context;
        this.audit = audit;
        this.clock = clock;
    }

    @GET
    @RolesAllowed({"admin", "dpo"})
    public Uni<List<DeadLetter>> list() {
        return pool.preparedQuery("""
                        SELECT id, recipient_agency, event, child_id, attempts, last_error, created_at, dead_at
                        FROM alert WHERE status = 'DEAD' ORDER BY dead_at DESC LIMIT 500
                        """).execute()
                .map(rows -> {
                    List<DeadLetter> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new DeadLetter(r.getUUID("id"), r.getString("recipient_agency"), r.getString("event"),
                                r.getUUID("child_id"), r.getInteger("attempts"), r.getString("last_error"),
                                AlertResource.instant(r, "created_at"), AlertResource.instant(r, "dead_at")));
                    }
                    return out;
                });
    }

    /** Puts a dead letter back in the queue, with a fresh retry window. */
    @POST
    @Path("/{id}/requeue")
    @RolesAllowed("admin")
    public Uni<Void> requeue(@PathParam("id") UUID id) {
        context.describe("alert.requeue", "alert", id.toString(), null);
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        UPDATE alert SET status = 'PENDING', next_attempt_at = $2, window_start = $2, dead_at = NULL, attempts = 0
                        WHERE id = $1 AND status = 'DEAD'
                        """)
                .execute(Tuple.of(id, Dispatcher.utc(clock.instant())))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ApiException.notFound();
                    }
                    return audit.record(tx, audit.entryFor(context, "alert.requeue", 204));
                })
                .invoke(context::markAudited));
    }
}
