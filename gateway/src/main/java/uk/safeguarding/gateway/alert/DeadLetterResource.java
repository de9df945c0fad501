package uk.safeguarding.gateway.alert;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.dpo.DpoAccess;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.NoPurposeRequired;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * Alerts given up after the retry window: visible to administrators and DPOs as metadata only
 * (recipient, event, attempts, last error), never their content. An administrator sees all of them
 * (the operator must fix endpoints); a DPO sees those in their scope: addressed to their agency, or
 * raised by it (see {@link #RAISED_BY}). An administrator can requeue one once the recipient's endpoint
 * is fixed.
 */
@Tag(name = "Administration", description = "Signatories, webhook subscriptions and dead letters; administrators (dead letters: DPOs too). No purpose header.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Path("/api/v1/admin/dead-letters")
@NoPurposeRequired
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    /** A dead letter without its payload. */
    public record DeadLetter(UUID id, String recipient, String event, UUID childId, int attempts, String lastError,
            Instant createdAt, Instant deadAt) {
    }

    /**
     * The agency whose act an alert reports, from its payload (case events, referrals, referral
     * outcomes, access notifications). Written exactly as index alert_dead_raised_by (V61_1) has it.
     */
    public static final String RAISED_BY = AlertRepository.RAISED_BY;

    private final Pool pool;
    private final AlertRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final GatewayClock clock;
    private final DpoAccess dpo;

    DeadLetterResource(Pool pool, AlertRepository repository, RequestContext context, AuditTrail audit, GatewayClock clock, DpoAccess dpo) {
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.clock = clock;
        this.dpo = dpo;
    }

    @Operation(summary = "Alerts given up after the retry window, as metadata",
        description = "Recipient, event, attempts and last error, never the content. An administrator sees all; a DPO those addressed to or raised by their agency (scope=partnership: a lead DPO's partnership view).")
    @APIResponse(responseCode = "200", description = "Dead letters, newest first.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = DeadLetter.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @GET
    @RolesAllowed({"admin", "dpo"})
    public Uni<List<DeadLetter>> list(@QueryParam("scope") String scope) {
        Actor actor = context.requireActor();
        if (actor.roles().contains("admin")) {
            return repository.deadLetters().map(DeadLetterResource::read);
        }
        if (context.purpose().isEmpty()) {
            // The route takes no Purpose-Of-Use (administrators have none); a DPO here is reviewing.
            context.purposeOfPage(PurposeOfUse.DPO_REVIEW);
        }
        return dpo.open(DpoAccess.SEARCH, "audit.dead-letters", "alert", null, null, scope).chain(granted -> {
            List<Object> params = new ArrayList<>();
            String recipient = granted.agencyColumn("recipient_agency", params);
            String raiser = granted.agencyColumn(RAISED_BY, params);
            return repository.deadLetters(recipient, raiser, params);
        }).map(DeadLetterResource::read);
    }

    private static List<DeadLetter> read(RowSet<Row> rows) {
        List<DeadLetter> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new DeadLetter(r.getUUID("id"), r.getString("recipient_agency"), r.getString("event"),
                    r.getUUID("child_id"), r.getInteger("attempts"), r.getString("last_error"),
                    AlertResource.instant(r, "created_at"), AlertResource.instant(r, "dead_at")));
        }
        return out;
    }

    /** Puts a dead letter back in the queue, with a fresh retry window. */
    @Operation(summary = "Requeue a dead letter with a fresh retry window",
        description = "Administrators only, once the recipient's endpoint is fixed.")
    @APIResponse(responseCode = "204", description = "Queued again.")
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/{id}/requeue")
    @RolesAllowed("admin")
    public Uni<Void> requeue(@PathParam("id") UUID id) {
        context.describe("alert.requeue", "alert", id.toString(), null);
        return pool.withTransaction(tx -> repository.requeue(tx, id, clock.instant())
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ApiException.notFound();
                    }
                    return audit.record(tx, audit.entryFor(context, "alert.requeue", 204));
                })
                .invoke(context::markAudited));
    }
}
