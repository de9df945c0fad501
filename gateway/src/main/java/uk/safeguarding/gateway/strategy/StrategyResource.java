package uk.safeguarding.gateway.strategy;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
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
import java.util.LinkedHashSet;
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
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * Strategy discussions (Working Together 2023) through the API: the council's children's social care,
 * holding standing with the child, convenes one with other agencies invited; it records attendance,
 * the decision and the actions, each owned by the convener or an invitee. Only the convener and the
 * invitees know a discussion exists: anyone else gets the 404 of a random id. An invitation gives the
 * discussion and nothing else: no relationship with the child, so no access to any record.
 */
@Path("/api/v1/strategy-discussions")
@Tag(name = "Strategy discussions", description = "Multi-agency strategy discussions about a child (Working Together 2023): attendance, information shared (by category), the decision and the actions agreed, each owned by one agency with a due date.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class StrategyResource {

    static final List<String> DECISIONS = List.of("NO_FURTHER_ACTION", "EARLY_HELP", "S17", "S47", "CHILD_PROTECTION_CONFERENCE");
    static final List<String> STATUSES = List.of("OPEN", "DONE", "CANCELLED");
    /** The categories a discussion may record as shared: references, never the information itself. */
    static final List<String> CATEGORIES = List.of("identity", "placement", "risk", "missing", "health",
            "police-intelligence", "education", "rhi-findings", "philomena", "trigger-plan");
    static final int SUMMARY_MAX = 500;

    public record NewDiscussion(UUID childId, Instant heldAt, String summary, List<String> invitees,
            List<String> informationShared, Boolean exploitation, LocalDate nextReviewOn) {
    }

    public record Attendance(List<String> attended) {
    }

    public record DecisionBody(String decision, LocalDate nextReviewOn) {
    }

    public record NewAction(String ownerAgency, String description, LocalDate dueOn) {
    }

    public record StatusBody(String status) {
    }

    public record Invitee(String agency, Boolean attended) {
    }

    public record ActionView(UUID id, UUID discussionId, UUID childId, String ownerAgency, String description,
            LocalDate dueOn, String status, boolean overdue, Instant createdAt, Instant updatedAt) {

        static ActionView of(StrategyAction a) {
            return new ActionView(a.id, a.discussionId, a.childId, a.ownerAgency, a.description, a.dueOn, a.status,
                    a.overdueAt != null, a.createdAt, a.updatedAt);
        }
    }

    public record Discussion(UUID id, UUID childId, String convener, Instant heldAt, String summary,
            List<String> informationShared, String decision, Instant decidedAt, LocalDate nextReviewOn,
            boolean exploitation, List<Invitee> invitees, List<ActionView> actions) {
    }

    private final Strategy strategy;
    private final RequestContext context;
    private final Relationships relationships;
    private final PolicyService policy;
    private final GatewayClock clock;
    private final Pool pool;
    private final StrategyClauses clauses;

    StrategyResource(Strategy strategy, RequestContext context, Relationships relationships, PolicyService policy,
            GatewayClock clock, Pool pool, StrategyClauses clauses) {
        this.clauses = clauses;
        this.strategy = strategy;
        this.context = context;
        this.relationships = relationships;
        this.policy = policy;
        this.clock = clock;
        this.pool = pool;
    }

    @Operation(summary = "Convene a strategy discussion",
        description = "By children's social care (an la agency) holding standing with the child: when it is held, a short summary, the agencies invited (active signatories), the categories of information shared, and whether it is about exploitation (the MACE view) with its next review date. A child the caller has no standing with answers 404 like a random id.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = NewDiscussion.class),
        examples = @ExampleObject(name = "example", value = "{\"childId\": \"3f9a1c2e-1b7d-4c55-9a57-1f0d7b9a6c11\", \"heldAt\": \"2026-03-02T10:00:00Z\", \"summary\": \"Three missing episodes in a month; seen with older adults.\", \"invitees\": [\"police:met\", \"nhs:RQX\"], \"informationShared\": [\"missing\", \"police-intelligence\"], \"exploitation\": true, \"nextReviewOn\": \"2026-03-30\"}")))
    @APIResponse(responseCode = "201", description = "The discussion.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Discussion.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    public Uni<Response> convene(NewDiscussion body) {
        Actor actor = context.requireActor();
        if (body == null || body.childId() == null) {
            throw ApiException.badRequest("childId", "REQUIRED", "childId is required.");
        }
        if (body.heldAt() == null) {
            throw ApiException.badRequest("heldAt", "REQUIRED", "heldAt is required: when the discussion is held.");
        }
        String summary = body.summary();
        if (summary == null || summary.isBlank() || summary.length() > SUMMARY_MAX) {
            throw ApiException.badRequest("summary", "SUMMARY", "summary is required, at most " + SUMMARY_MAX
                    + " characters: what is shared is recorded by category, not as text about the child.");
        }
        List<String> shared = body.informationShared() == null ? List.of() : List.copyOf(new LinkedHashSet<>(body.informationShared()));
        for (String c : shared) {
            if (!CATEGORIES.contains(c)) {
                throw ApiException.badRequest("informationShared", "CATEGORY", "informationShared holds categories: one of " + CATEGORIES + ".");
            }
        }
        Set<String> invited = new LinkedHashSet<>(body.invitees() == null ? List.of() : body.invitees());
        for (String agency : invited) {
            if (agency == null || agency.equals(actor.agencyId()) || !policy.isActiveSignatory(agency)) {
                throw ApiException.badRequest("invitees", "INVITEE", "invitees are other agencies that are active signatories.");
            }
        }
        UUID id = UUID.randomUUID();
        context.describe("strategy.convene", "strategy-discussion", id.toString(), null);
        Instant now = clock.instant();
        // Access before state: standing is read first, through the Vert.x client (the relationships feature's
        // query); a child the caller holds nothing with, or none, answers the 404 of a random id.
        return relationships.directStanding(pool, actor.agencyId(), actor.subject(), body.childId()).chain(standing -> {
            if (standing.isEmpty()) {
                throw ApiException.notFound();
            }
            context.describe("strategy.convene", "strategy-discussion", id.toString(), body.childId());
            // The protocol decides who convenes (strategy-discussion#convene-by-childrens-social-care).
            var decision = clauses.convene(standing);
            if (!decision.isPermit()) {
                throw ApiException.forbidden("CONVENER_NOT_COUNCIL", "Children's social care (the council) convenes a "
                        + "strategy discussion: refused by " + decision.rule() + " (" + decision.denialCode() + ").");
            }
            StrategyDiscussion d = new StrategyDiscussion();
            d.id = id;
            d.childId = body.childId();
            d.convenerAgency = actor.agencyId();
            d.convenedBySubject = actor.subject();
            d.heldAt = body.heldAt();
            d.summary = summary;
            d.informationShared = String.join(",", shared);
            d.exploitation = Boolean.TRUE.equals(body.exploitation());
            d.nextReviewOn = body.nextReviewOn();
            d.createdAt = now;
            return Panache.withTransaction(() -> strategy.convene(d, List.copyOf(invited), () -> { }, 201).chain(this::view));
        }).map(v -> Response.created(URI.create("/api/v1/strategy-discussions/" + id)).entity(v).build());
    }

    @Operation(summary = "Read a strategy discussion",
        description = "By the convener or an invited agency, with its invitees and actions; anyone else gets the 404 of a random id.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The discussion.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Discussion.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/{id}")
    public Uni<Discussion> read(@PathParam("id") UUID id) {
        Actor actor = context.requireActor();
        context.describe("strategy.read", "strategy-discussion", id.toString(), null);
        return Panache.withTransaction(() -> strategy.discussions().visibleTo(id, actor.agencyId()).chain(d -> {
            // Invited or convened (the recorded fact), then the protocol's read clause for participants.
            if (d == null || !clauses.participantRead(d.convenerAgency).isPermit()) {
                throw ApiException.notFound();
            }
            context.describe("strategy.read", "strategy-discussion", id.toString(), d.childId);
            return view(d).call(v -> strategy.audited("strategy.read", 200));
        }));
    }

    @Operation(summary = "Record attendance", description = "By the convener: which invited agencies attended (the others did not).")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = Attendance.class),
        examples = @ExampleObject(name = "example", value = "{\"attended\": [\"police:met\"]}")))
    @APIResponse(responseCode = "200", description = "The discussion.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Discussion.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/{id}/attendance")
    public Uni<Discussion> attendance(@PathParam("id") UUID id, Attendance body) {
        List<String> attended = body == null || body.attended() == null ? List.of() : body.attended();
        return asConvener(id, "strategy.attendance", d -> strategy.invitees().ofDiscussion(d.id).chain(list -> {
            Set<String> known = new LinkedHashSet<>();
            list.forEach(i -> known.add(i.agencyId));
            if (!known.containsAll(attended)) {
                throw ApiException.badRequest("attended", "NOT_INVITED", "attended lists invited agencies only.");
            }
            list.forEach(i -> i.attended = attended.contains(i.agencyId));
            return strategy.invitees().flush();
        }));
    }

    @Operation(summary = "Record the decision", description = "By the convener: NO_FURTHER_ACTION, EARLY_HELP, S17, S47 or CHILD_PROTECTION_CONFERENCE, and the next review date.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = DecisionBody.class),
        examples = @ExampleObject(name = "example", value = "{\"decision\": \"S47\", \"nextReviewOn\": \"2026-03-30\"}")))
    @APIResponse(responseCode = "200", description = "The discussion.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Discussion.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/{id}/decision")
    public Uni<Discussion> decide(@PathParam("id") UUID id, DecisionBody body) {
        if (body == null || !DECISIONS.contains(body.decision())) {
            throw ApiException.badRequest("decision", "DECISION", "decision must be one of " + DECISIONS + ".");
        }
        Instant now = clock.instant();
        return asConvener(id, "strategy.decide", d -> {
            d.decision = body.decision();
            d.decidedAt = now;
            if (body.nextReviewOn() != null) {
                d.nextReviewOn = body.nextReviewOn();
            }
            return strategy.discussions().flush();
        });
    }

    @Operation(summary = "Add an action", description = "By the convener: the owner agency (the convener or an invitee), what, and the due date. The owner is told; an action still open after its due date is a duty that escalates to the convener.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = NewAction.class),
        examples = @ExampleObject(name = "example", value = "{\"ownerAgency\": \"police:met\", \"description\": \"Map the friendship group and the addresses visited.\", \"dueOn\": \"2026-03-09\"}")))
    @APIResponse(responseCode = "201", description = "The action.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ActionView.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/{id}/actions")
    public Uni<Response> addAction(@PathParam("id") UUID id, NewAction body) {
        Actor actor = context.requireActor();
        if (body == null || body.ownerAgency() == null) {
            throw ApiException.badRequest("ownerAgency", "REQUIRED", "ownerAgency is required.");
        }
        if (body.description() == null || body.description().isBlank()) {
            throw ApiException.badRequest("description", "REQUIRED", "description is required: what is to be done.");
        }
        if (body.dueOn() == null) {
            throw ApiException.badRequest("dueOn", "REQUIRED", "dueOn is required.");
        }
        Instant now = clock.instant();
        context.describe("strategy.add-action", "strategy-discussion", id.toString(), null);
        return Panache.withTransaction(() -> strategy.discussions().lockedFor(id, actor.agencyId()).chain(d -> {
            convener(d, actor, id, "strategy.add-action");
            return strategy.invitees().ofDiscussion(id).chain(list -> {
                if (!body.ownerAgency().equals(d.convenerAgency)
                        && list.stream().noneMatch(i -> i.agencyId.equals(body.ownerAgency()))) {
                    throw ApiException.badRequest("ownerAgency", "NOT_INVITED", "ownerAgency is the convener or an invited agency.");
                }
                StrategyAction a = new StrategyAction();
                a.id = UUID.randomUUID();
                a.discussionId = id;
                a.childId = d.childId;
                a.ownerAgency = body.ownerAgency();
                a.description = body.description();
                a.dueOn = body.dueOn();
                a.status = StrategyAction.OPEN;
                a.createdAt = now;
                a.updatedAt = now;
                context.describe("strategy.add-action", "strategy-action", a.id.toString(), d.childId);
                return strategy.addAction(d, a);
            });
        })).map(a -> Response.created(URI.create("/api/v1/strategy-discussions/" + id)).entity(ActionView.of(a)).build());
    }

    @Operation(summary = "Update an action's status", description = "By the owner agency or the convener: OPEN, DONE or CANCELLED.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = StatusBody.class),
        examples = @ExampleObject(name = "example", value = "{\"status\": \"DONE\"}")))
    @APIResponse(responseCode = "200", description = "The action.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ActionView.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/{id}/actions/{actionId}/status")
    public Uni<ActionView> actionStatus(@PathParam("id") UUID id, @PathParam("actionId") UUID actionId, StatusBody body) {
        Actor actor = context.requireActor();
        if (body == null || !STATUSES.contains(body.status())) {
            throw ApiException.badRequest("status", "STATUS", "status must be one of " + STATUSES + ".");
        }
        Instant now = clock.instant();
        context.describe("strategy.action-status", "strategy-action", actionId.toString(), null);
        return Panache.withTransaction(() -> strategy.discussions().lockedFor(id, actor.agencyId())
                .chain(d -> d == null ? Uni.createFrom().<StrategyAction>nullItem() : strategy.actions().findById(actionId)
                        .map(a -> {
                            if (a == null || !a.discussionId.equals(id)) {
                                return null;
                            }
                            context.describe("strategy.action-status", "strategy-action", actionId.toString(), a.childId);
                            // An invitee sees every action of the discussion but changes only its own.
                            if (!actor.agencyId().equals(a.ownerAgency) && !actor.agencyId().equals(d.convenerAgency)) {
                                throw ApiException.forbidden("NOT_ACTION_OWNER",
                                        "Only the action's owner agency, or the convener, changes its status.");
                            }
                            return a;
                        }))
                .chain(a -> {
                    if (a == null) {
                        throw ApiException.notFound();
                    }
                    a.status = body.status();
                    a.updatedAt = now;
                    return strategy.actions().flush().chain(() -> strategy.audited("strategy.action-status", 200))
                            .replaceWith(ActionView.of(a));
                }));
    }

    /** An act of the convener on its discussion: others who may see it are told 403, anyone else 404. */
    private Uni<Discussion> asConvener(UUID id, String action, java.util.function.Function<StrategyDiscussion, Uni<Void>> act) {
        Actor actor = context.requireActor();
        context.describe(action, "strategy-discussion", id.toString(), null);
        return Panache.withTransaction(() -> strategy.discussions().lockedFor(id, actor.agencyId()).chain(d -> {
            convener(d, actor, id, action);
            return act.apply(d).chain(() -> strategy.audited(action, 200)).chain(() -> view(d));
        }));
    }

    private void convener(StrategyDiscussion d, Actor actor, UUID id, String action) {
        if (d == null) {
            throw ApiException.notFound();
        }
        context.describe(action, "strategy-discussion", id.toString(), d.childId);
        if (!d.convenerAgency.equals(actor.agencyId())) {
            throw ApiException.forbidden("NOT_CONVENER", "Only the agency that convened the discussion records this.");
        }
    }

    private Uni<Discussion> view(StrategyDiscussion d) {
        return strategy.invitees().ofDiscussion(d.id).chain(list -> strategy.actions().ofDiscussion(d.id).map(acts -> {
            List<Invitee> inv = new ArrayList<>();
            list.forEach(i -> inv.add(new Invitee(i.agencyId, i.attended)));
            return new Discussion(d.id, d.childId, d.convenerAgency, d.heldAt, d.summary, d.shared(), d.decision,
                    d.decidedAt, d.nextReviewOn, d.exploitation, inv, acts.stream().map(ActionView::of).toList());
        }));
    }
}
