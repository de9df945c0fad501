package uk.safeguarding.gateway.child;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.anomaly.Flags;
import uk.safeguarding.gateway.placement.Cases;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.CaseContext;

/**
 * Claims to a relationship with a child other agencies already knew (see {@link Standings}): the
 * agencies asked list them; any agency holding a confirmed relationship with the child may confirm
 * or refuse one. Access is decided before anything about the claim is revealed: a claim about a child
 * the caller holds no confirmed relationship with answers exactly like a claim that does not exist.
 */
@Tag(name = "Relationships", description = "Where an agency's standing with a child comes from: claims other agencies confirm or refuse, and the supervised standing override for emergencies.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1/relationship-claims")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"practitioner", "supervisor"})
public class ClaimResource {

    private static final int MAX_REASON = 2000;

    /** A claim as an agency that may decide it sees it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Claim(UUID id, UUID childId, String claimant, String kind, String event, String rule,
            String sourceType, UUID sourceId, Instant assertedAt, List<String> confirmers, Instant dueAt, String status,
            Instant decidedAt, String decidedByAgency, String decidedBy, String reason) {
    }

    /** The decision's note; required for a refusal. */
    public record Decision(String reason) {
    }

    private final Pool pool;
    private final StandingRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final Cases cases;
    private final Flags flags;
    private final GatewayClock clock;

    ClaimResource(Pool pool, StandingRepository repository, RequestContext context, AuditTrail audit, Cases cases, Flags flags, GatewayClock clock) {
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.cases = cases;
        this.flags = flags;
        this.clock = clock;
    }

    /** Claims the caller's agency was asked to decide: {@code status} PENDING (default) or ALL. */
    @Operation(summary = "Relationship claims the caller's agency was asked to decide",
        description = "status PENDING (default) or ALL.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The claims.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Claim.class, type = SchemaType.ARRAY)))
    @GET
    public Uni<List<Claim>> list(@QueryParam("status") String status) {
        Actor actor = context.requireActor();
        String chosen = status == null || status.isBlank() ? "PENDING" : status;
        if (!chosen.equals("PENDING") && !chosen.equals("ALL")) {
            throw ApiException.badRequest("status", "UNKNOWN_STATUS", "status must be PENDING or ALL.");
        }
        context.describe("standing.claims", "RelationshipClaim", null, null);
        return repository.claimsFor(actor.agencyId(), chosen)
                .map(rows -> {
                    List<Claim> out = new ArrayList<>();
                    rows.forEach(r -> out.add(claim(r)));
                    return out;
                });
    }

    @Operation(summary = "One relationship claim",
        description = "Only for an agency holding a confirmed relationship with the child (not the claimant); otherwise 404 like an unknown id.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The claim.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Claim.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/{id}")
    public Uni<Claim> read(@PathParam("id") UUID id) {
        context.describe("standing.claim.read", "RelationshipClaim", id.toString(), null);
        return pool.withTransaction(tx -> visible(tx, id, false).map(ClaimResource::claim));
    }

    @Operation(summary = "Confirm a relationship claim",
        description = "The claimant's relationship counts as confirmed from now; the note is optional.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = false, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = Decision.class),
                        examples = @ExampleObject(name = "example", value = "{\"reason\": \"Confirmed with the placing authority's team manager by phone.\"}"))})
    @APIResponse(responseCode = "200", description = "Confirmed.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Claim.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/{id}/confirmation")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Claim> confirm(@PathParam("id") UUID id, Decision body) {
        return decide(id, "CONFIRMED", body == null ? null : body.reason());
    }

    @Operation(summary = "Refuse a relationship claim",
        description = "A reason is required; every relationship the claim created ends. 409 CLAIM_DECIDED when already decided.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = Decision.class),
                        examples = @ExampleObject(name = "example", value = "{\"reason\": \"Not the placing authority of this child.\"}"))})
    @APIResponse(responseCode = "200", description = "Refused.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Claim.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/{id}/refusal")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Claim> refuse(@PathParam("id") UUID id, Decision body) {
        String reason = body == null ? null : body.reason();
        if (reason == null || reason.isBlank()) {
            throw ApiException.badRequest("/reason", "REASON_REQUIRED",
                    "Say why the claim is refused: the claimant and both agencies' DPOs will read it.");
        }
        return decide(id, "REFUSED", reason);
    }

    private Uni<Claim> decide(UUID id, String outcome, String reason) {
        Actor actor = context.requireActor();
        String action = outcome.equals("CONFIRMED") ? "standing.claim.confirm" : "standing.claim.refuse";
        context.describe(action, "RelationshipClaim", id.toString(), null);
        if (reason != null && reason.length() > MAX_REASON) {
            throw ApiException.badRequest("/reason", "TEXT_TOO_LONG", "reason is at most " + MAX_REASON + " characters.");
        }
        Instant now = clock.instant();
        return pool.withTransaction(tx -> visible(tx, id, true).chain(row -> {
            UUID childId = row.getUUID("child_id");
            context.describe(action, "RelationshipClaim", id.toString(), childId);
            context.decided(new RequestContext.AuditedDecision("PERMIT", List.of(), List.of(row.getString("rule"),
                    "standing:" + outcome.toLowerCase() + " by an agency holding a confirmed relationship"), null, null, null, null));
            if (!"PENDING".equals(row.getString("status"))) {
                throw new ApiException(409, "CLAIM_DECIDED", "This claim was already " + row.getString("status").toLowerCase()
                        + ".", List.of());
            }
            String claimant = row.getString("agency_id");
            return repository.decideClaim(tx, id, outcome, now, actor.agencyId(), actor.subject(), reason)
                    .chain(updated -> tellClaimant(tx, row, outcome, reason, now)
                            // The claimant hears while it still holds the relationship; a refusal ends it after.
                            .chain(() -> repository.settleClaimedRelationship(tx, id, outcome, now))
                            // Whoever decides settles the duty for every agency asked.
                            .chain(() -> repository.acknowledgeClaimAlerts(tx, id, now))
                            .chain(() -> outcome.equals("REFUSED")
                                    ? flags.raise(tx, new Flags.Flag("STANDING_DECIDED", childId, actor.agencyId() + " refused "
                                            + claimant + "'s claim " + id + " to be " + row.getString("kind") + " of this child",
                                            List.of(claimant)))
                                    : Uni.createFrom().voidItem())
                            .chain(() -> audit.record(tx, audit.entryFor(context, action, 200)))
                            .invoke(context::markAudited)
                            .map(ignored -> claim(updated.iterator().next())));
        }));
    }

    private Uni<Void> tellClaimant(SqlClient tx, Row claim, String outcome, String reason, Instant now) {
        UUID childId = claim.getUUID("child_id");
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("childId", childId.toString());
        identity.put("claimId", claim.getUUID("id").toString());
        identity.put("kind", claim.getString("kind"));
        identity.put("decision", outcome);
        identity.put("decidedBy", context.requireActor().agencyId());
        if (reason != null) {
            identity.put("reason", reason);
        }
        CaseContext ctx = CaseContext.builder().role(Standings.CLAIMANT, claim.getString("agency_id")).build();
        return cases.record(tx, new Notifier.CaseEvent(UUID.randomUUID(), Standings.EVENT_DECIDED, childId,
                context.requireActor().agencyId(), now, "SAFEGUARDING", false, Map.of("identity", identity)),
                context.requireActor().subject(), ctx).replaceWithVoid();
    }

    /**
     * The claim, if the caller's agency holds a confirmed relationship with its child (and is not the
     * claimant); otherwise the same 404 as an id that does not exist.
     */
    private Uni<Row> visible(SqlClient tx, UUID id, boolean forUpdate) {
        String agency = context.requireActor().agencyId();
        return repository.visibleClaim(tx, id, agency, forUpdate)
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    Row r = rows.iterator().next();
                    context.describe(context.action().orElse("standing.claim.read"), "RelationshipClaim", id.toString(),
                            r.getUUID("child_id"));
                    return r;
                });
    }

    static Claim claim(Row r) {
        return new Claim(r.getUUID("id"), r.getUUID("child_id"), r.getString("agency_id"), r.getString("kind"),
                r.getString("event"), r.getString("rule"), r.getString("source_type"), r.getUUID("source_id"),
                instant(r.getOffsetDateTime("asserted_at")), List.of(r.getArrayOfStrings("confirmers")),
                instant(r.getOffsetDateTime("due_at")), r.getString("status"), instant(r.getOffsetDateTime("decided_at")),
                r.getString("decided_by_agency"), r.getString("decided_by_subject"), r.getString("reason"));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
