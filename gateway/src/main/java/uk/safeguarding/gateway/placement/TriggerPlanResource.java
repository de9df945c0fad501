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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.gateway.referral.LanguageCheck;
import uk.safeguarding.gateway.referral.ReferralService;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.CaseContext;

/**
 * Trigger plans: what is done when the child goes missing (agreed actions, time thresholds, places and
 * people to check, who does what, the review date). Each write is a new version written by the placing
 * council or the provider (carers write through their provider), never an edit. The current version
 * is released to the police of both areas and the host council while the child is missing, under the
 * Philomena profile's rule ({@link MissingRelease}); the version history is for its keepers only.
 */
@Path("/api/v1/children/{childId}/trigger-plan")
@Tag(name = "Missing episodes")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class TriggerPlanResource {

    static final MissingRelease.Kind KIND = new MissingRelease.Kind("trigger-plan", "trigger-plan.read", "trigger-plan");
    static final List<String> CATEGORIES = List.of("trigger-plan");

    /** One version of a trigger plan; {@code warnings} are the language flags given back to its author. */
    public record TriggerPlan(UUID childId, UUID version, Instant recordedAt, String recordedBy, LocalDate reviewDate,
            UUID supersedes, Map<String, Object> plan, List<FieldError> warnings) {
    }

    /** Every version, newest first. */
    public record History(UUID childId, List<TriggerPlan> versions) {
    }

    private final Pool pool;
    private final PlacementRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final GatewayClock clock;
    private final MissingRelease release;
    private final LanguageCheck language;
    private final Cases cases;

    TriggerPlanResource(Pool pool, PlacementRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, GatewayClock clock,
            MissingRelease release, LanguageCheck language, Cases cases) {
        this.cases = cases;
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.clock = clock;
        this.release = release;
        this.language = language;
    }

    /** A new version; {@code supersedes}, when given, must be the current version (else 409: read again). */
    @Operation(summary = "Write a new version of the child's trigger plan",
        description = "By the placing council or the provider (carers through their provider): agreed actions, time thresholds, places and people to check, who does what, and the review date. Never an edit; supersedes, when given, must name the current version (else 409). Every bad field at once; victim-blaming wording flagged back in warnings.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json",
        schema = @Schema(type = SchemaType.OBJECT, description = "The plan (docs/TRIGGER-PLANS.md lists its fields)."),
        examples = @ExampleObject(name = "example", value = "{\"reviewDate\": \"2027-03-01\", \"actions\": [{\"who\": \"provider\", \"what\": \"Search the home and the garden, ring her phone\"}], \"thresholds\": [{\"afterMinutes\": 30, \"action\": \"Report missing to Lancashire police\"}], \"places\": [{\"place\": \"Preston bus station\", \"note\": \"seen there twice\"}], \"people\": [{\"name\": \"Aunt (maternal)\", \"relationship\": \"family\"}]}")))
    @APIResponse(responseCode = "201", description = "Stored as the current version.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = TriggerPlan.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/versions")
    public Uni<Response> write(@PathParam("childId") UUID childId, Map<String, Object> body) {
        Actor actor = context.requireActor();
        Instant now = clock.instant();
        UUID version = UUID.randomUUID();
        context.describe("trigger-plan.write", "trigger-plan", version.toString(), childId);
        Target whole = Target.wholeChild(childId, actor.agencyId());
        // Decide before looking at the body: a caller with no standing learns nothing, not even that its plan was malformed.
        return pool.withTransaction(tx -> policy.authorised(tx, whole, "read", CATEGORIES, b -> b)
                .invoke(a -> PlacementResource.requireKind(a.standing(), whole, PhilomenaResource.KEEPERS))
                .map(a -> TriggerPlans.check(body, LocalDate.ofInstant(now, Cases.LONDON)))
                // One writer per child at a time; an advisory lock, as the runtime role may not lock child rows.
                .chain(checked -> repository.lockTriggerPlan(tx, childId)
                        .chain(() -> repository.newestTriggerPlan(tx, childId))
                        .chain(current -> {
                            UUID base = current == null ? null : current.getUUID("id");
                            if (checked.supersedes() != null && !checked.supersedes().equals(base)) {
                                throw new ApiException(409, "VERSION_CONFLICT",
                                        "supersedes is not the current version: read the plan again and write on it.",
                                        List.of(new FieldError("supersedes", "VERSION_CONFLICT", "The current version is another.")));
                            }
                            JsonArray flags = ReferralService.flagsJson(language.check(checked.text()));
                            Instant reviewDue = checked.reviewDate().plusDays(1).atStartOfDay(Cases.LONDON).toInstant();
                            return repository.insertTriggerPlan(tx, version, childId, now, actor.agencyId(),
                                    actor.subject(), base, checked.reviewDate(), reviewDue, checked.plan(), flags);
                        }))
                .map(rows -> view(childId, rows.iterator().next()))
                .call(plan -> agreed(tx, actor, plan, now))
                .call(() -> audit.record(tx, audit.entryFor(context, "trigger-plan.write", 201)))
                .invoke(context::markAudited))
                .map(plan -> Response.created(URI.create("/api/v1/children/" + childId + "/trigger-plan")).entity(plan).build());
    }

    /** The current version, released as the protocol says (see {@link MissingRelease}); audited, the owner told. */
    @Operation(summary = "Read the current trigger plan",
        description = "Released as the Philomena profile is: to the police of both areas and the host council while the child is missing (after confirmation of a police report, or with an override); to its keepers at any time. Audited in full, the owner told.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The current version.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = TriggerPlan.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    public Uni<TriggerPlan> current(@PathParam("childId") UUID childId) {
        context.describe(KIND.action(), KIND.resourceType(), null, childId);
        context.requireActor();
        return pool.withTransaction(tx -> repository.newestTriggerPlan(tx, childId)
                .chain(row -> release.release(tx, childId, row, KIND, r -> view(childId, r))));
    }

    /** Every version, for the placing council and the provider who keep the plan. */
    @Operation(summary = "List every version of the trigger plan", description = "For the placing council and the provider who keep it; newest first.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "Every version.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = History.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/versions")
    public Uni<History> history(@PathParam("childId") UUID childId) {
        context.describe("trigger-plan.history", "trigger-plan", null, childId);
        context.requireActor();
        return pool.withTransaction(tx -> repository.triggerPlans(tx, childId)
                .chain(rows -> {
                    List<TriggerPlan> versions = new ArrayList<>();
                    rows.forEach(r -> versions.add(view(childId, r)));
                    String owner = versions.isEmpty() ? Target.GATEWAY : versions.get(0).recordedBy();
                    Target whole = Target.wholeChild(childId, owner);
                    return policy.authorised(tx, whole, "read", CATEGORIES, b -> b)
                            .invoke(a -> PlacementResource.requireKind(a.standing(), whole, PhilomenaResource.KEEPERS))
                            .chain(() -> {
                                if (versions.isEmpty()) {
                                    throw ApiException.notFound();
                                }
                                return audit.record(tx, audit.entryFor(context, "trigger-plan.history", 200));
                            })
                            .invoke(context::markAudited)
                            .replaceWith(new History(childId, versions));
                }));
    }

    /**
     * Everyone the protocol names hears that a plan was agreed (trigger-plan-agreed): the police learn
     * that there is a plan and when it is reviewed, and read its content only when it is released.
     */
    private Uni<Void> agreed(SqlClient tx, Actor actor, TriggerPlan plan, Instant now) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("version", plan.version().toString());
        summary.put("recordedBy", plan.recordedBy());
        summary.put("reviewDate", plan.reviewDate().toString());
        summary.put("link", "/api/v1/children/" + plan.childId() + "/trigger-plan");
        return cases.currentPlacement(tx, plan.childId()).chain(placement -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("identity", PlacementResource.identity(plan.childId(),
                    placement.map(Cases.Placement::identity).orElse(null), null));
            details.put("trigger-plan", summary);
            return cases.record(tx, new Notifier.CaseEvent(UUID.randomUUID(), "trigger-plan-agreed", plan.childId(),
                    actor.agencyId(), now, "MISSING-RESPONSE", false, details), actor.subject(),
                    placement.map(Cases.Placement::context).orElseGet(CaseContext::builder).build());
        }).replaceWithVoid();
    }

    private static TriggerPlan view(UUID childId, Row r) {
        return new TriggerPlan(childId, r.getUUID("id"), MissingResource.instant(r, "recorded_at"), r.getString("recorded_by"),
                r.getLocalDate("review_date"), r.getUUID("supersedes"), ((JsonObject) r.getValue("plan")).getMap(),
                ReferralService.warnings((JsonArray) r.getValue("language_flags"), null));
    }
}
