package uk.safeguarding.gateway.placement;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The Philomena profile: kept (each save a new version) by the placing council or the provider whose
 * staff usually fill it in; released as {@link MissingRelease} decides (the host and home police while
 * the child is missing, the force that found the child just after).
 */
@Path("/api/v1/children/{childId}/philomena")
@Tag(name = "Missing episodes")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class PhilomenaResource {

    static final MissingRelease.Kind KIND = new MissingRelease.Kind("philomena", "philomena.read", "philomena-profile");

    /** Who may keep the profile: the council that has the child in its care, and the child's provider. */
    static final Set<String> KEEPERS = Set.of("placing-authority", "provider");

    /** The newest Philomena profile version. */
    public record Philomena(UUID childId, UUID version, Instant recordedAt, String recordedBy, Map<String, Object> profile) {
    }

    private final Pool pool;
    private final PlacementRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final GatewayClock clock;
    private final MissingRelease release;

    PhilomenaResource(Pool pool, PlacementRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, GatewayClock clock,
            MissingRelease release) {
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.clock = clock;
        this.release = release;
    }

    /** The placing council or the provider stores (a new version of) the child's Philomena profile. */
    @Operation(summary = "Store a new version of the child's Philomena profile",
        description = "By the placing council or the provider: a JSON object (associates, phone numbers, places, vehicles...), kept as versions, never overwritten.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json",
        schema = @Schema(type = SchemaType.OBJECT, description = "The profile: free-form JSON, released to the police only while the child is missing."),
        examples = @ExampleObject(name = "example", value = "{\"associates\": [\"adult male, 30s, silver car\"], \"phones\": [\"07700 900123\"]}")))
    @APIResponse(responseCode = "201", description = "Stored as a new version.",
        content = @Content(mediaType = "application/json", schema = @Schema(ref = "PhilomenaStored")))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @PUT
    public Uni<Response> store(@PathParam("childId") UUID childId, Map<String, Object> profile) {
        Actor actor = context.requireActor();
        if (profile == null || profile.isEmpty()) {
            throw ApiException.badRequest("body", "REQUIRED", "A profile (JSON object) is required.");
        }
        UUID version = UUID.randomUUID();
        context.describe("philomena.store", "philomena-profile", version.toString(), childId);
        Target whole = Target.wholeChild(childId, actor.agencyId());
        return pool.withTransaction(tx -> policy.authorised(tx, whole, "read", List.of("placement"), b -> b)
                .invoke(a -> PlacementResource.requireKind(a.standing(), whole, KEEPERS))
                .chain(() -> repository.insertPhilomena(tx, version, childId, clock.instant(), actor.agencyId(), profile))
                .chain(() -> audit.record(tx, audit.entryFor(context, "philomena.store", 201)))
                .invoke(context::markAudited))
                .map(v -> Response.created(URI.create("/api/v1/children/" + childId + "/philomena"))
                        .entity(Map.of("childId", childId, "version", version)).build());
    }

    /** Released only as the protocol says (see {@link MissingRelease}); every release audited in full. */
    @Operation(summary = "Read the newest Philomena profile",
        description = "Released while the child is missing to the host and home police and the host council (after confirmation when the police reported it, or with a standing override), and for a day to the force that found the child in a confirmed episode; its keepers read it at any time. Every release audited in full, the owner told.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The newest version.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Philomena.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    public Uni<Philomena> read(@PathParam("childId") UUID childId) {
        context.describe("philomena.read", "philomena-profile", null, childId);
        context.requireActor();
        return pool.withTransaction(tx -> repository.newestPhilomena(tx, childId)
                .chain(newest -> release.release(tx, childId, newest, KIND,
                        r -> new Philomena(childId, r.getUUID("id"), MissingResource.instant(r, "recorded_at"),
                                r.getString("recorded_by"), ((JsonObject) r.getValue("profile")).getMap()))));
    }
}
