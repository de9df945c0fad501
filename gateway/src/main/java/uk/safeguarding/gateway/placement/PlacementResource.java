package uk.safeguarding.gateway.placement;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.child.Standing;
import uk.safeguarding.gateway.child.Standings;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.CaseContext;

/**
 * Out-of-area placements (planned, started, ended, moved) and a child's return to the home area,
 * raised by the placing authority. Each request is one transaction: the placement and event rows,
 * the relationships the placement creates, the audit record and one alert per recipient agency.
 */
@Tag(name = "Placements", description = "Out-of-area placements and a child's return home, raised by the placing authority; each notifies the agencies the protocol names.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class PlacementResource {

    /** How the placing authority identifies the child (an NHS number or its own case number system). */
    public record ChildRef(String system, String value) {
    }

    /** A planned placement. Agency ids are protocol signatories ({@code la:...}, {@code police:...}, ...). */
    public record NewPlacement(ChildRef child, String provider, String hostCouncil, String hostPolice, String hostHealth,
            String homePolice, String homeHealth, String gp, String school, String rhiService, LocalDate startDate,
            Boolean emergency, Map<String, Object> identity, Map<String, Object> placement, Map<String, Object> risk) {
    }

    /** A return to the home area: who at home must be told, and when the child arrives. */
    public record NewReturn(OffsetDateTime arrival, String homeSchool, String homePolice, String homeHealth,
            Map<String, Object> identity) {
    }

    private final Pool pool;
    private final PlacementRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final ChildIndex children;
    private final Standings standings;
    private final Cases cases;
    private final GatewayClock clock;

    PlacementResource(Pool pool, PlacementRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, ChildIndex children,
            Standings standings, Cases cases, GatewayClock clock) {
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.children = children;
        this.standings = standings;
        this.cases = cases;
        this.clock = clock;
    }

    @Operation(summary = "Plan an out-of-area placement",
        description = "The host council, police and health, the provider, school, GP and RHI service are alerted and gain the relationship the placement gives them; one transaction with the audit record.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = NewPlacement.class),
                        examples = @ExampleObject(name = "example", value = "{\"child\": {\"system\": \"https://fhir.nhs.uk/Id/nhs-number\", \"value\": \"9990000018\"}, \"provider\": \"provider:SC123456\", \"hostCouncil\": \"la:E10000017\", \"hostPolice\": \"police:lancashire\", \"hostHealth\": \"nhs:QE1\", \"homePolice\": \"police:met\", \"homeHealth\": \"nhs:RQX\", \"school\": \"school:100000\", \"rhiService\": \"la:E09000030\", \"startDate\": \"2026-12-14\", \"emergency\": false, \"identity\": {\"name\": \"Amira Test\", \"dateOfBirth\": \"2011-04-02\"}, \"placement\": {\"address\": \"1 Hill Road, Preston PR1 1AA\"}}"))})
    @APIResponse(responseCode = "201", description = "Planned; who was told and who was refused.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = EventResult.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/placements")
    public Uni<Response> plan(NewPlacement body) {
        Actor actor = context.requireActor();
        validate(body);
        UUID placementId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        boolean emergency = Boolean.TRUE.equals(body.emergency());
        context.describe("placement.plan", "placement", placementId.toString(), null);
        return pool.withTransaction(tx -> children.resolve(tx, body.child().system(), body.child().value())
                .chain(child -> {
                    UUID childId = child.id();
                    context.describe("placement.plan", "placement", placementId.toString(), childId);
                    return repository.insertPlacement(tx, placementId, childId, actor.agencyId(), body, emergency)
                            // The council says it is the placing authority and names the others: for a child other
                            // agencies already know, that is a claim they are asked to confirm (Standings), and the
                            // answer below is the same either way.
                            .chain(() -> standings.establish(tx, new Standings.Establish(childId, child.created(),
                                    "placement-planned", "placement", placementId, List.of("placing-authority"), null,
                                    named(body), List.of())))
                            // The placing authority must be one the protocols let hold this placement record.
                            .chain(() -> policy.authorised(tx, Target.created(childId, actor.agencyId()), "read",
                                    List.of("identity", "placement"), b -> b))
                            .chain(authorised -> cases.placementById(tx, placementId)
                                    .chain(p -> event(tx, eventId, "placement-planned", p.orElseThrow(), now, body.placement(),
                                            body.risk(), authorised.standing())))
                            .chain(outcome -> audit.record(tx, audit.entryFor(context, "placement.plan", 201))
                                    .invoke(context::markAudited)
                                    .replaceWith(EventResult.of(eventId, "placement-planned", childId, placementId, outcome)));
                }))
                .map(result -> Response.created(URI.create("/api/v1/placements/" + placementId)).entity(result).build());
    }

    @Operation(summary = "The placement started")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "Recorded; who was told.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = EventResult.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/placements/{id}/start")
    public Uni<EventResult> start(@PathParam("id") UUID id) {
        return transition(id, "STARTED", "placement-started", Set.of("placing-authority", "provider"));
    }

    @Operation(summary = "The placement ended")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "Recorded; who was told.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = EventResult.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/placements/{id}/end")
    public Uni<EventResult> end(@PathParam("id") UUID id) {
        return transition(id, "ENDED", "placement-ended", Set.of("placing-authority", "provider"));
    }

    @Operation(summary = "The child moved from this placement")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "Recorded; who was told.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = EventResult.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/placements/{id}/move")
    public Uni<EventResult> move(@PathParam("id") UUID id) {
        return transition(id, "MOVED", "placement-moved", Set.of("placing-authority", "provider"));
    }

    private Uni<EventResult> transition(UUID id, String status, String eventType, Set<String> allowedKinds) {
        Actor actor = context.requireActor();
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        String action = "placement." + status.toLowerCase();
        context.describe(action, "placement", id.toString(), null);
        return pool.withTransaction(tx -> cases.placementById(tx, id).chain(found -> {
            Cases.Placement p = found.orElseThrow(ApiException::notFound);
            context.describe(action, "placement", id.toString(), p.childId());
            Target target = Target.record(p.childId(), p.placingAuthority(), p.createdAt(), "placement", p.id());
            return policy.authorised(tx, target, "read", List.of("placement"), b -> b)
                    .invoke(authorised -> requireKind(authorised.standing(), target, allowedKinds))
                    .chain(authorised -> {
                        if (!allowed(p.status(), status)) {
                            throw new ApiException(409, "PLACEMENT_STATE",
                                    "A " + p.status() + " placement cannot become " + status + ".", List.of());
                        }
                        return repository.updatePlacementStatus(tx, id, status)
                                .chain(() -> cases.placementById(tx, id))
                                .chain(updated -> event(tx, eventId, eventType, updated.orElseThrow(), now, null, null,
                                        authorised.standing()));
                    })
                    // Once everyone has been told, the host-area relationships this placement created end
                    // (need to know follows the placement); the placing council's and the home area's stay.
                    .call(() -> status.equals("STARTED") ? Uni.createFrom().voidItem()
                            : repository.endHostRelationships(tx, id))
                    .chain(outcome -> audit.record(tx, audit.entryFor(context, action, 200)).invoke(context::markAudited)
                            .replaceWith(EventResult.of(eventId, eventType, p.childId(), id, outcome)));
        }));
    }

    private static boolean allowed(String from, String to) {
        return switch (to) {
            case "STARTED" -> from.equals("PLANNED");
            case "ENDED", "MOVED" -> from.equals("PLANNED") || from.equals("STARTED");
            default -> false;
        };
    }

    @Operation(summary = "The child returns to the home area",
        description = "The home school, police and health are told before the child arrives.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = NewReturn.class),
                        examples = @ExampleObject(name = "example", value = "{\"arrival\": \"2026-12-20T16:00:00Z\", \"homeSchool\": \"school:100000\", \"homePolice\": \"police:met\", \"homeHealth\": \"nhs:RQX\"}"))})
    @APIResponse(responseCode = "201", description = "Recorded; who was told.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = EventResult.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/children/{childId}/returns")
    public Uni<Response> returnHome(@PathParam("childId") UUID childId, NewReturn body) {
        Actor actor = context.requireActor();
        if (body == null || body.arrival() == null) {
            throw ApiException.badRequest("arrival", "REQUIRED", "arrival (date-time) is required.");
        }
        require("homeSchool", body.homeSchool(), "school");
        require("homePolice", body.homePolice(), "police");
        optional("homeHealth", body.homeHealth(), "nhs");
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        context.describe("child.return-home", "case-event", eventId.toString(), childId);
        Target whole = Target.wholeChild(childId, actor.agencyId());
        List<Standings.Named> named = new java.util.ArrayList<>(List.of(new Standings.Named(body.homeSchool(), "school", null),
                new Standings.Named(body.homePolice(), "home-police", null)));
        if (body.homeHealth() != null) {
            named.add(new Standings.Named(body.homeHealth(), "home-health", null));
        }
        return pool.withTransaction(tx -> policy.authorised(tx, whole, "read", List.of("identity", "placement"), b -> b)
                .invoke(authorised -> requireKind(authorised.standing(), whole, Set.of("placing-authority")))
                .chain(() -> standings.establish(tx, new Standings.Establish(childId, false, "child-returning-home",
                        "return-home", eventId, List.of(), null, named, List.of())))
                .chain(() -> cases.currentPlacement(tx, childId))
                .chain(placement -> cases.currentRiskLevel(tx, childId).chain(risk -> missingSummary(tx, childId)
                        .chain(missing -> {
                            CaseContext.Builder ctx = placement.map(Cases.Placement::context).orElseGet(CaseContext::builder)
                                    .role("home-council", actor.agencyId())
                                    .role("home-school", body.homeSchool())
                                    .role("home-police", body.homePolice())
                                    .date("arrival", body.arrival().toInstant());
                            if (body.homeHealth() != null) {
                                ctx.role("home-health", body.homeHealth());
                            }
                            Map<String, Object> identity = identity(childId,
                                    placement.map(Cases.Placement::identity).orElse(Map.of()), body.identity());
                            Map<String, Object> details = new LinkedHashMap<>();
                            details.put("identity", identity);
                            details.put("risk", risk.map(l -> (Object) Map.of("level", l)).orElse(null));
                            details.put("missing", missing);
                            identity.put("arrival", body.arrival().toInstant().toString());
                            return cases.record(tx, new Notifier.CaseEvent(eventId, "child-returning-home", childId,
                                    actor.agencyId(), now, "SAFEGUARDING", false, details), actor.subject(), ctx.build());
                        })))
                .chain(outcome -> audit.record(tx, audit.entryFor(context, "child.return-home", 201)).invoke(context::markAudited)
                        .replaceWith(EventResult.of(eventId, "child-returning-home", childId, eventId, outcome))))
                .map(result -> Response.created(URI.create("/api/v1/case-events/" + eventId)).entity(result).build());
    }

    private Uni<Map<String, Object>> missingSummary(SqlClient tx, UUID childId) {
        return repository.missingSummary(tx, childId)
                .map(r -> {
                    long episodes = r.getLong("episodes");
                    if (episodes == 0) {
                        return Map.of();
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("episodes", episodes);
                    m.put("lastMissing", r.getOffsetDateTime("last_missing").toInstant().toString());
                    m.put("returnInterviewsOutstanding", r.getLong("interviews_outstanding"));
                    return m;
                });
    }

    /**
     * Records the event for this placement and queues its alerts. The child's current risk level goes
     * into the alert only when the raiser's standing reaches the whole child's record: a council whose
     * claim to a known child awaits confirmation sends what it supplied itself, nothing it could not read.
     */
    Uni<Notifier.Outcome> event(SqlClient tx, UUID eventId, String type, Cases.Placement p, Instant now,
            Map<String, Object> placementExtra, Map<String, Object> risk, Standing raiser) {
        Actor actor = context.requireActor();
        Map<String, Object> placement = p.placementDetails();
        if (placementExtra != null) {
            placementExtra.forEach(placement::putIfAbsent);
        }
        Uni<java.util.Optional<String>> known = raiser.reachesWholeChild() ? cases.currentRiskLevel(tx, p.childId())
                : Uni.createFrom().item(java.util.Optional.empty());
        return known.chain(level -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("identity", identity(p.childId(), p.identity(), null));
            details.put("placement", placement);
            Map<String, Object> riskDetails = new LinkedHashMap<>();
            level.ifPresent(l -> riskDetails.put("level", l));
            if (risk != null) {
                risk.forEach(riskDetails::putIfAbsent);
            }
            details.put("risk", riskDetails);
            return cases.record(tx, new Notifier.CaseEvent(eventId, type, p.childId(), actor.agencyId(), now,
                    "SAFEGUARDING", false, details), actor.subject(), p.context().build());
        });
    }

    static Map<String, Object> identity(UUID childId, Map<String, Object> held, Map<String, Object> given) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("childId", childId.toString());
        if (held != null) {
            identity.putAll(held);
        }
        if (given != null) {
            identity.putAll(given);
        }
        return identity;
    }

    /** The agencies the placing council names, each for the kind the placement gives it. */
    private static List<Standings.Named> named(NewPlacement b) {
        String[][] pairs = {{b.provider(), "provider"}, {b.hostCouncil(), "host-council"}, {b.hostPolice(), "host-police"},
                {b.hostHealth(), "host-health"}, {b.homePolice(), "home-police"}, {b.homeHealth(), "home-health"},
                {b.gp(), "gp"}, {b.school(), "school"}, {b.rhiService(), "rhi-service"}};
        List<Standings.Named> named = new java.util.ArrayList<>();
        for (String[] pair : pairs) {
            if (pair[0] != null) {
                named.add(new Standings.Named(pair[0], pair[1], null));
            }
        }
        return named;
    }

    /**
     * The caller's agency must hold one of these relationship kinds for the record (facts from events,
     * counted as standing allows: an unconfirmed claim counts only for records created after it).
     */
    static void requireKind(Standing standing, Target target, Set<String> kinds) {
        if (standing.kindsFor(target.record()).stream().noneMatch(kinds::contains)) {
            throw ApiException.forbidden("RELATIONSHIP_KIND_REQUIRED",
                    "Only an agency holding " + String.join(" or ", kinds) + " for this child may do this.");
        }
    }

    private void validate(NewPlacement b) {
        if (b == null) {
            throw ApiException.badRequest("body", "REQUIRED", "A placement is required.");
        }
        if (b.child() == null || blank(b.child().system()) || blank(b.child().value())) {
            throw ApiException.badRequest("child", "REQUIRED", "child.system and child.value are required.");
        }
        if (b.startDate() == null) {
            throw ApiException.badRequest("startDate", "REQUIRED", "startDate is required.");
        }
        require("provider", b.provider(), "provider");
        require("hostCouncil", b.hostCouncil(), "la");
        require("hostPolice", b.hostPolice(), "police");
        optional("hostHealth", b.hostHealth(), "nhs");
        optional("homePolice", b.homePolice(), "police");
        optional("homeHealth", b.homeHealth(), "nhs");
        optional("gp", b.gp(), "nhs");
        optional("school", b.school(), "school");
        optional("rhiService", b.rhiService(), null);
    }

    void require(String field, String agency, String type) {
        if (blank(agency)) {
            throw ApiException.badRequest(field, "REQUIRED", field + " is required.");
        }
        optional(field, agency, type);
    }

    void optional(String field, String agency, String type) {
        if (agency == null) {
            return;
        }
        if (type != null && !agency.startsWith(type + ":")) {
            throw ApiException.badRequest(field, "AGENCY_TYPE", field + " must be an agency id of type " + type + ".");
        }
        if (!policy.isActiveSignatory(agency)) {
            throw ApiException.badRequest(field, "NOT_SIGNATORY", field + " is not a signatory of a protocol in force.");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
