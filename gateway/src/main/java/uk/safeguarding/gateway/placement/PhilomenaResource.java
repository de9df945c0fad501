package uk.safeguarding.gateway.placement;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
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
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final GatewayClock clock;
    private final MissingRelease release;

    PhilomenaResource(Pool pool, RequestContext context, AuditTrail audit, PolicyService policy, GatewayClock clock,
            MissingRelease release) {
        this.pool = pool;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.clock = clock;
        this.release = release;
    }

    /** The placing council or the provider stores (a new version of) the child's Philomena profile. */
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
                .chain(() -> tx.preparedQuery("INSERT INTO philomena_profile (id, child_id, recorded_at, recorded_by, profile) VALUES ($1, $2, $3, $4, $5)")
                        .execute(Tuple.of(version, childId, clock.instant().atOffset(ZoneOffset.UTC), actor.agencyId(),
                                new JsonObject(profile))))
                .chain(() -> audit.record(tx, audit.entryFor(context, "philomena.store", 201)))
                .invoke(context::markAudited))
                .map(v -> Response.created(URI.create("/api/v1/children/" + childId + "/philomena"))
                        .entity(Map.of("childId", childId, "version", version)).build());
    }

    /** Released only as the protocol says (see {@link MissingRelease}); every release audited in full. */
    @GET
    public Uni<Philomena> read(@PathParam("childId") UUID childId) {
        context.describe("philomena.read", "philomena-profile", null, childId);
        context.requireActor();
        return pool.withTransaction(tx -> tx.preparedQuery(
                        "SELECT * FROM philomena_profile WHERE child_id = $1 ORDER BY recorded_at DESC, id LIMIT 1")
                .execute(Tuple.of(childId))
                .chain(rows -> release.release(tx, childId, rows.iterator().hasNext() ? rows.iterator().next() : null, KIND,
                        r -> new Philomena(childId, r.getUUID("id"), MissingResource.instant(r, "recorded_at"),
                                r.getString("recorded_by"), ((JsonObject) r.getValue("profile")).getMap()))));
    }
}
