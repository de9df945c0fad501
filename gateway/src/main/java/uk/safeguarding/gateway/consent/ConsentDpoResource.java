package uk.safeguarding.gateway.consent;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.dpo.DpoAccess;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The DPO's side of consent: every override (share without consent, share despite refusal) of a child
 * their agency is involved with, until reviewed; and, for a withdrawn or live consent, the disclosures
 * already made in reliance on it. DPO role and purpose DPO-REVIEW or SAR, as for the rest of /audit.
 */
@Path("/api/v1/audit")
@RolesAllowed("dpo")
@Produces(MediaType.APPLICATION_JSON)
public class ConsentDpoResource {

    /** The DPO's note on the review. */
    public record Review(String note) {
    }

    /** A consent and the disclosures made under it. */
    public record ConsentDisclosures(ConsentRecord consent, List<ConsentService.PriorDisclosure> disclosures) {
    }

    private final Pool pool;
    private final AuditTrail trail;
    private final RequestContext context;
    private final ConsentStore store;
    private final ConsentService consents;
    private final ConsentConfig config;

    ConsentDpoResource(Pool pool, AuditTrail trail, RequestContext context, ConsentStore store, ConsentService consents,
            ConsentConfig config) {
        this.pool = pool;
        this.trail = trail;
        this.context = context;
        this.store = store;
        this.consents = consents;
        this.config = config;
    }

    /** Overrides of children the DPO's agency is involved with; {@code status=open} (default) or {@code all}. */
    @GET
    @Path("/consent-overrides")
    public Uni<List<OverrideService.OverrideView>> overrides(@QueryParam("status") String status) {
        DpoAccess.permit(context, "audit.consent-overrides", OverrideService.RESOURCE_TYPE, null, null);
        String s = status == null ? "open" : status;
        if (!s.equals("open") && !s.equals("all")) {
            throw ApiException.badRequest("status", "CODED_VALUE", "status is open or all.");
        }
        return pool.preparedQuery("""
                        SELECT o.* FROM consent_override o
                        WHERE EXISTS (SELECT 1 FROM relationship r WHERE r.child_id = o.child_id AND r.agency_id = $1)
                            AND ($2 OR o.dpo_reviewed_at IS NULL)
                        ORDER BY o.requested_at DESC LIMIT 500
                        """)
                .execute(Tuple.of(context.requireActor().agencyId(), s.equals("all")))
                .map(rows -> {
                    List<OverrideService.OverrideView> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(OverrideService.view(r));
                    }
                    return out;
                });
    }

    @POST
    @Path("/consent-overrides/{id}/review")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<OverrideService.OverrideView> review(@PathParam("id") UUID id, Review body) {
        DpoAccess.permit(context, "audit.consent-override-review", OverrideService.RESOURCE_TYPE, id.toString(), null);
        if (body == null || body.note() == null || body.note().isBlank() || body.note().length() > config.maxTextLength()) {
            throw ApiException.badRequest("/note", "NOTE_REQUIRED", "Say how the override was reviewed (1 to "
                    + config.maxTextLength() + " characters).");
        }
        String agency = context.requireActor().agencyId();
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        UPDATE consent_override o SET dpo_reviewed_at = now(), dpo_reviewed_by = $2, dpo_note = $3
                        WHERE id = $1 AND dpo_reviewed_at IS NULL
                            AND EXISTS (SELECT 1 FROM relationship r WHERE r.child_id = o.child_id AND r.agency_id = $4)
                        RETURNING o.*
                        """)
                .execute(Tuple.of(id, context.requireActor().subject(), body.note(), agency))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    Row r = rows.iterator().next();
                    context.describe("audit.consent-override-review", OverrideService.RESOURCE_TYPE, id.toString(),
                            r.getUUID("child_id"));
                    return trail.record(tx, trail.entryFor(context, "audit.consent-override-review", 200))
                            .replaceWith(OverrideService.view(r));
                })).invoke(context::markAudited);
    }

    /** What was shared in reliance on this consent, up to its withdrawal (or now). */
    @GET
    @Path("/consents/{id}/disclosures")
    public Uni<ConsentDisclosures> disclosures(@PathParam("id") UUID id) {
        DpoAccess.permit(context, "audit.consent-disclosures", ConsentService.RESOURCE_TYPE, id.toString(), null);
        String agency = context.requireActor().agencyId();
        return store.find(pool, id, false).chain(found -> {
            ConsentRecord c = found.orElseThrow(ApiException::notFound);
            context.describe("audit.consent-disclosures", ConsentService.RESOURCE_TYPE, id.toString(), c.childId());
            return pool.preparedQuery("SELECT 1 FROM relationship WHERE child_id = $1 AND agency_id = $2 LIMIT 1")
                    .execute(Tuple.of(c.childId(), agency))
                    .chain(rows -> {
                        if (rows.size() == 0) {
                            throw ApiException.notFound();
                        }
                        return consents.priorDisclosures(pool, c, c.withdrawn() ? c.withdrawal().at() : java.time.Instant.now())
                                .map(list -> new ConsentDisclosures(c, list));
                    });
        });
    }
}
