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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.anomaly.Flags;
import uk.safeguarding.gateway.consent.ConsentConfig;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The emergency path when standing is not yet confirmed: a council whose claim to be the placing
 * authority is waiting for confirmation needs the child's record now, or a police force needs the
 * Philomena profile of a child it has reported missing before the provider or the council has
 * confirmed the episode.
 *
 * <p>How this differs from a consent override ({@code consent.OverrideService}): a consent override
 * is about the child's consent to one kind of sharing; it changes the consent state the engine sees
 * for named categories and one purpose, and needs a supervisor only when consent was refused or
 * withdrawn. A standing override is about whether the agency's relationship with the child is real;
 * it does not touch consent or any protocol rule. With scope {@code relationship} it lets the
 * requester's asserted (unconfirmed) relationships count as confirmed, so the engine decides as for a
 * confirmed holder of those kinds, nothing more; with scope {@code missing} it lets the requester's
 * force treat its own unconfirmed missing episode as confirmed for the Philomena release. It always
 * needs a supervisor of the same agency who is not the requester (there is no consent state to make
 * it lighter), lasts at most 24 hours, is used only by its requester, and is flagged to the DPOs of
 * every agency already involved with the child. It is asked for the same way whether the agency's
 * standing is asserted or already confirmed, so asking reveals nothing.
 */
@Tag(name = "Relationships", description = "Where an agency's standing with a child comes from: claims other agencies confirm or refuse, and the supervised standing override for emergencies.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"practitioner", "supervisor", "provider"})
public class StandingOverrideResource {

    static final Duration MAX_VALIDITY = Duration.ofHours(24);
    private static final Set<String> SCOPES = Set.of("relationship", "missing");

    /** What the requester asks for. */
    public record Request(String scope, String justification) {
    }

    /** An override as its agency sees it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Override(UUID id, UUID childId, String agency, String scope, String justification, String status,
            String requestedBy, Instant requestedAt, String approvedBy, Instant approvedAt, Instant expiresAt) {
    }

    private final Pool pool;
    private final StandingRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final Flags flags;
    private final Standings standings;
    private final ConsentConfig config;
    private final GatewayClock clock;

    StandingOverrideResource(Pool pool, StandingRepository repository, RequestContext context, AuditTrail audit, Flags flags, Standings standings,
            ConsentConfig config, GatewayClock clock) {
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.flags = flags;
        this.standings = standings;
        this.config = config;
        this.clock = clock;
    }

    @Operation(summary = "Ask for a standing override",
        description = "Emergency access while the agency's standing is unconfirmed: scope relationship (its asserted relationships count as confirmed) or missing (its own unconfirmed missing episode counts as confirmed for the Philomena release), with a justification. Needs a supervisor of the same agency who is not the requester; lasts at most 24 hours; flagged to the DPOs of every involved agency.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = Request.class),
                        examples = @ExampleObject(name = "example", value = "{\"scope\": \"relationship\", \"justification\": \"The child is missing tonight and we need her record to find her.\"}"))})
    @APIResponse(responseCode = "201", description = "Recorded, awaiting a supervisor.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = StandingOverrideResource.Override.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/children/{childId}/standing-overrides")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> request(@PathParam("childId") UUID childId, Request body) {
        Actor actor = context.requireActor();
        UUID id = UUID.randomUUID();
        context.describe("standing.override.request", "StandingOverride", id.toString(), childId);
        String scope = body == null || body.scope() == null ? "relationship" : body.scope();
        if (!SCOPES.contains(scope)) {
            throw ApiException.badRequest("/scope", "UNKNOWN_SCOPE", "scope must be relationship or missing.");
        }
        String justification = body == null ? null : body.justification();
        if (justification == null || justification.strip().length() < config.minJustificationLength()) {
            throw ApiException.badRequest("/justification", "OVERRIDE_JUSTIFICATION_REQUIRED", "Say why the child's "
                    + "safety needs this now, in at least " + config.minJustificationLength() + " characters.");
        }
        Instant now = clock.instant();
        return pool.withTransaction(tx -> repository.anyStanding(tx, childId, actor.agencyId())
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    notADisclosure("standing-override:requested");
                    return repository.insertOverride(tx, id, childId, actor.agencyId(), actor.subject(), scope,
                            justification, now);
                })
                .chain(rows -> audit.record(tx, audit.entryFor(context, "standing.override.request", 201))
                        .replaceWith(view(rows.iterator().next()))))
                .invoke(context::markAudited)
                .map(o -> Response.created(URI.create("/api/v1/standing-overrides/" + id)).entity(o).build());
    }

    @Operation(summary = "A standing override of the caller's agency",
        description = "Any other id answers 404 like an unknown one.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The override.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = StandingOverrideResource.Override.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/standing-overrides/{id}")
    public Uni<Override> read(@PathParam("id") UUID id) {
        context.describe("standing.override.read", "StandingOverride", id.toString(), null);
        return pool.withTransaction(tx -> own(tx, id, false).map(StandingOverrideResource::view));
    }

    /** A supervisor of the requester's agency, not the requester, makes the override usable now. */
    @Operation(summary = "A supervisor approves a standing override",
        description = "A supervisor of the requester's agency, not the requester (403 OVERRIDE_SELF_APPROVAL, OVERRIDE_APPROVER_NOT_SUPERVISOR); 409 OVERRIDE_NOT_PENDING.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "Approved; usable by its requester until it expires.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = StandingOverrideResource.Override.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/standing-overrides/{id}/approval")
    public Uni<Override> approve(@PathParam("id") UUID id) {
        Actor approver = context.requireActor();
        context.describe("standing.override.approve", "StandingOverride", id.toString(), null);
        Instant now = clock.instant();
        Duration validity = config.overrideValidity().compareTo(MAX_VALIDITY) > 0 ? MAX_VALIDITY : config.overrideValidity();
        return pool.withTransaction(tx -> own(tx, id, true).chain(row -> {
            UUID childId = row.getUUID("child_id");
            if (!approver.hasRole("supervisor")) {
                throw ApiException.forbidden("OVERRIDE_APPROVER_NOT_SUPERVISOR", "Only a supervisor of your agency approves an override.");
            }
            if (approver.subject().equals(row.getString("requester_subject"))) {
                throw ApiException.forbidden("OVERRIDE_SELF_APPROVAL", "The requester cannot approve their own override.");
            }
            if (!"PENDING_APPROVAL".equals(row.getString("status"))) {
                throw new ApiException(409, "OVERRIDE_NOT_PENDING", "This override is already " + row.getString("status") + ".", List.of());
            }
            notADisclosure("standing-override:approved");
            Instant expires = now.plus(validity);
            return repository.approveOverride(tx, id, approver.subject(), now, expires)
                    .chain(updated -> standings.involvedAgencies(tx, childId)
                            .chain(involved -> flags.raise(tx, new Flags.Flag("STANDING_OVERRIDE", childId,
                                    row.getString("agency_id") + " may act on its unconfirmed " + row.getString("scope")
                                            + " standing until " + expires + " (override " + id + ", requested by "
                                            + row.getString("requester_subject") + ", approved by " + approver.subject() + ")",
                                    involved)))
                            .chain(() -> audit.record(tx, audit.entryFor(context, "standing.override.approve", 200)))
                            .replaceWith(view(updated.iterator().next())));
        })).invoke(context::markAudited);
    }

    /** The override, if it belongs to the caller's agency; any other id answers like one that does not exist. */
    private Uni<Row> own(SqlClient tx, UUID id, boolean forUpdate) {
        return repository.ownOverride(tx, id, context.requireActor().agencyId(), forUpdate)
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    Row r = rows.iterator().next();
                    context.describe(context.action().orElse("standing.override.read"), "StandingOverride", id.toString(),
                            r.getUUID("child_id"));
                    return r;
                });
    }

    private void notADisclosure(String reason) {
        context.decided(new RequestContext.AuditedDecision("PERMIT", List.of(), List.of(reason), null, null, null, null));
    }

    static Override view(Row r) {
        return new Override(r.getUUID("id"), r.getUUID("child_id"), r.getString("agency_id"), r.getString("scope"),
                r.getString("justification"), r.getString("status"), r.getString("requester_subject"),
                instant(r.getOffsetDateTime("requested_at")), r.getString("approver_subject"),
                instant(r.getOffsetDateTime("approved_at")), instant(r.getOffsetDateTime("expires_at")));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
