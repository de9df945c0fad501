package uk.safeguarding.gateway.consent;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
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
    private final ConsentDpoRepository repository;
    private final AuditTrail trail;
    private final RequestContext context;
    private final ConsentStore store;
    private final ConsentService consents;
    private final ConsentConfig config;
    private final DpoAccess dpo;

    ConsentDpoResource(Pool pool, ConsentDpoRepository repository, AuditTrail trail, RequestContext context, ConsentStore store, ConsentService consents,
            ConsentConfig config, DpoAccess dpo) {
        this.pool = pool;
        this.repository = repository;
        this.trail = trail;
        this.context = context;
        this.store = store;
        this.consents = consents;
        this.config = config;
        this.dpo = dpo;
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
                .chain(granted -> repository.overrides(granted, s.equals("all")))
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
                    // Scope and state in one statement: out of scope, reviewed or unknown are one 404.
                    return repository.review(tx, granted, id, context.requireActor().subject(), body.note())
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
