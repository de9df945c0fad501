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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.dpo.DpoAccess;
import uk.safeguarding.gateway.audit.dpo.DpoScope;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The DPO's side of consent: every override (share without consent, share despite refusal) in the
 * DPO's scope, until reviewed; and, for a withdrawn or live consent, the disclosures already made in
 * reliance on it. Access and scope are the engine's ({@link DpoAccess}), as for the rest of /audit. An
 * override or consent out of scope answers exactly as an id that does not exist.
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
    private final DpoAccess dpo;

    ConsentDpoResource(Pool pool, AuditTrail trail, RequestContext context, ConsentStore store, ConsentService consents,
            ConsentConfig config, DpoAccess dpo) {
        this.pool = pool;
        this.trail = trail;
        this.context = context;
        this.store = store;
        this.consents = consents;
        this.config = config;
        this.dpo = dpo;
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

    /** Overrides in the DPO's scope; {@code status=open} (default) or {@code all}. */
    @GET
    @Path("/consent-overrides")
    public Uni<List<OverrideService.OverrideView>> overrides(@QueryParam("status") String status, @QueryParam("scope") String scope) {
        String s = status == null ? "open" : status;
        if (!s.equals("open") && !s.equals("all")) {
            context.describe("audit.consent-overrides", OverrideService.RESOURCE_TYPE, null, null);
            throw ApiException.badRequest("status", "CODED_VALUE", "status is open or all.");
        }
        return dpo.open(DpoAccess.SEARCH, "audit.consent-overrides", OverrideService.RESOURCE_TYPE, null, null, scope)
                .chain(granted -> {
                    List<Object> params = new ArrayList<>(List.of(s.equals("all")));
                    return pool.preparedQuery("SELECT o.* FROM consent_override o WHERE ($1 OR o.dpo_reviewed_at IS NULL) AND "
                            + overrideInScope(granted, params) + " ORDER BY o.requested_at DESC LIMIT 500")
                            .execute(Tuple.from(params));
                })
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
    public Uni<OverrideService.OverrideView> review(@PathParam("id") UUID id, @QueryParam("scope") String scope, Review body) {
        if (body == null || body.note() == null || body.note().isBlank() || body.note().length() > config.maxTextLength()) {
            context.describe("audit.consent-override-review", OverrideService.RESOURCE_TYPE, id.toString(), null);
            throw ApiException.badRequest("/note", "NOTE_REQUIRED", "Say how the override was reviewed (1 to "
                    + config.maxTextLength() + " characters).");
        }
        return dpo.open(DpoAccess.SEARCH, "audit.consent-override-review", OverrideService.RESOURCE_TYPE, id.toString(), null, scope)
                .chain(granted -> pool.withTransaction(tx -> {
                    List<Object> params = new ArrayList<>(List.of(id, context.requireActor().subject(), body.note()));
                    // Scope and state in one statement: out of scope, reviewed or unknown are one 404.
                    return tx.preparedQuery("UPDATE consent_override o SET dpo_reviewed_at = now(), dpo_reviewed_by = $2,"
                                    + " dpo_note = $3 WHERE id = $1 AND dpo_reviewed_at IS NULL AND " + overrideInScope(granted, params)
                                    + " RETURNING o.*")
                            .execute(Tuple.from(params))
                            .chain(rows -> {
                                if (!rows.iterator().hasNext()) {
                                    throw ApiException.notFound();
                                }
                                Row r = rows.iterator().next();
                                context.describe("audit.consent-override-review", OverrideService.RESOURCE_TYPE, id.toString(),
                                        r.getUUID("child_id"));
                                return trail.record(tx, trail.entryFor(context, "audit.consent-override-review", 200))
                                        .replaceWith(OverrideService.view(r));
                            });
                })).invoke(context::markAudited);
    }

    /**
     * What was shared in reliance on this consent, up to its withdrawal (or now): all of it when the
     * DPO's scope recorded or withdrew the consent; otherwise only the disclosures that released their
     * agency's information; with none of either, 404 as for a consent that does not exist.
     */
    @GET
    @Path("/consents/{id}/disclosures")
    public Uni<ConsentDisclosures> disclosures(@PathParam("id") UUID id, @QueryParam("scope") String scope) {
        return dpo.open(DpoAccess.SEARCH, "audit.consent-disclosures", ConsentService.RESOURCE_TYPE, id.toString(), null, scope)
                .chain(granted -> store.find(pool, id, false).chain(found -> {
                    ConsentRecord c = found.orElseThrow(ApiException::notFound);
                    Instant until = c.withdrawn() ? c.withdrawal().at() : Instant.now();
                    boolean ours = granted.includes(c.recorded().agency())
                            || (c.withdrawn() && granted.includes(c.withdrawal().agency()));
                    Uni<List<ConsentService.PriorDisclosure>> list = ours ? consents.priorDisclosures(pool, c, until)
                            : consents.priorDisclosures(pool, c, until, params -> granted.dataOwners("e", params));
                    return list.map(disclosures -> {
                        if (!ours && disclosures.isEmpty()) {
                            throw ApiException.notFound();
                        }
                        // The child is named in the DPO's record only once the consent is theirs to see.
                        context.describe("audit.consent-disclosures", ConsentService.RESOURCE_TYPE, id.toString(), c.childId());
                        return new ConsentDisclosures(c, disclosures);
                    });
                }));
    }
}
