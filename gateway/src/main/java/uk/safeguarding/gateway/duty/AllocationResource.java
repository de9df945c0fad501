package uk.safeguarding.gateway.duty;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.child.Standings;
import uk.safeguarding.gateway.placement.Cases;
import uk.safeguarding.gateway.placement.EventResult;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The council holding a child's case names the social worker allocated to it. The {@code allocated-case}
 * relationship is created for that worker alone (holder_subject), replacing the council's previous
 * allocation, so a rule such as allocated-worker-health releases health data to that worker and not to
 * every practitioner of the council; the child's health bodies are told who it is.
 */
@Path("/api/v1")
@Tag(name = "Duties", description = "Events the protocols make duties of: Operation Encompass, suspected CSE at a children's home, the allocated social worker, children missing education.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AllocationResource {

    static final String EVENT = "allocated-worker-named";
    static final String KIND = "allocated-case";
    /** Who holds the child's case in a council: only they allocate a worker to it. */
    static final Set<String> CASE_HOLDERS = Set.of("placing-authority", "referral-recipient");

    /** The allocated worker: their user id in the council's identity provider, and how to reach them. */
    public record Allocation(String worker, String contact) {
    }

    /** The allocation as recorded, and who was told. */
    public record Allocated(UUID id, UUID childId, String agency, String worker, String standing, EventResult event) {
    }

    private final Pool pool;
    private final AllocationRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final Cases cases;
    private final Standings standings;
    private final GatewayClock clock;

    AllocationResource(Pool pool, AllocationRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, Cases cases,
            Standings standings, GatewayClock clock) {
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.cases = cases;
        this.standings = standings;
        this.clock = clock;
    }

    @Operation(summary = "Name the child's allocated social worker",
        description = "By the council holding the case: the worker alone holds the allocated-case relationship (a new allocation replaces the old), and the health bodies are told so health information can reach that worker.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = Allocation.class),
        examples = @ExampleObject(name = "example", value = "{\"worker\": \"sw-th-7\", \"contact\": \"sw7@towerhamlets.example\"}")))
    @APIResponse(responseCode = "201", description = "Allocated; the health bodies are told.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Allocated.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/children/{childId}/allocated-worker")
    public Uni<Response> allocate(@PathParam("childId") UUID childId, Allocation body) {
        Actor actor = context.requireActor();
        UUID allocationId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        context.describe("allocation.register", "allocation", allocationId.toString(), childId);
        if (body == null || body.worker() == null || body.worker().isBlank() || body.worker().length() > 200) {
            throw ApiException.badRequest("worker", "REQUIRED", "worker (the allocated social worker's user id, at most 200 characters) is required.");
        }
        Target whole = Target.wholeChild(childId, actor.agencyId());
        return pool.withTransaction(tx -> policy.authorised(tx, whole, "read", List.of("identity"), b -> b)
                .chain(authorised -> {
                    // Allocation opens health information to the worker: nobody allocates themselves but a supervisor.
                    if (body.worker().equals(actor.subject()) && !actor.roles().contains("supervisor")) {
                        throw ApiException.forbidden("SELF_ALLOCATION",
                                "A practitioner cannot allocate the case to themselves; a supervisor allocates it.");
                    }
                    if (authorised.standing().kindsFor(whole.record()).stream().noneMatch(CASE_HOLDERS::contains)) {
                        throw ApiException.forbidden("RELATIONSHIP_KIND_REQUIRED",
                                "Only the council holding the child's case (placing authority or MASH) allocates its worker.");
                    }
                    return repository.endCurrent(tx, childId, actor.agencyId(), KIND)
                            .chain(() -> standings.establish(tx, new Standings.Establish(childId, false, EVENT, "allocation",
                                    allocationId, List.of(KIND), body.contact(), List.of(), List.of())));
                })
                .call(() -> repository.nameHolder(tx, allocationId, KIND, body.worker()))
                .chain(established -> cases.context(tx, childId).chain(c -> {
                    Map<String, Object> identity = new LinkedHashMap<>();
                    identity.put("childId", childId.toString());
                    identity.put("allocatedWorker", body.worker());
                    identity.put("allocatingAgency", actor.agencyId());
                    if (body.contact() != null) {
                        identity.put("allocatedWorkerContact", body.contact());
                    }
                    return cases.record(tx, new Notifier.CaseEvent(eventId, EVENT, childId, actor.agencyId(), now,
                                    "CARE-PLANNING", false, Map.of("identity", identity)), actor.subject(), c.build())
                            .chain(outcome -> audit.record(tx, audit.entryFor(context, "allocation.register", 201))
                                    .invoke(context::markAudited)
                                    .replaceWith(new Allocated(allocationId, childId, actor.agencyId(), body.worker(),
                                            established.standing(), new EventResult(eventId, EVENT, childId, allocationId,
                                                    outcome.sent(), outcome.refused(), outcome.unresolvedRoles()))));
                })))
                .map(a -> Response.created(URI.create("/api/v1/children/" + childId + "/allocated-worker")).entity(a).build());
    }
}
