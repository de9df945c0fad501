package uk.safeguarding.gateway.disagreement;

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
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * Professional disagreement through the API: an agency involved with a child challenges another
 * agency's decision (a risk assessment, a declined referral), the challenged agency responds, either
 * side escalates it a level (practitioner, manager, head of service, safeguarding partnership), and a
 * party resolves it with an outcome. Each step is audited and reaches the other side under the
 * professional-disagreement protocol. Only the parties (and the partnership, once it has it) know a
 * challenge exists: anyone else gets the 404 of a random id.
 */
@Path("/api/v1")
@Tag(name = "Professional disagreement", description = "An agency formally challenges another agency's decision (a risk assessment, a declined referral); the challenge escalates through levels with deadlines until resolved, each step audited and sent to the other side.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ChallengeResource {

    static final List<String> RESULTS = List.of("DECISION_STANDS", "DECISION_REVISED", "WITHDRAWN");

    /** The decision challenged: {@code type} risk-assessment or referral-decline, and its id. */
    public record DecisionRef(String type, UUID id) {
    }

    public record NewChallenge(DecisionRef decision, String grounds) {
    }

    public record Reply(String text) {
    }

    public record Resolution(String result, String outcome) {
    }

    public record Step(String step, String level, String byAgency, String bySubject, String text, Instant at, Instant dueAt) {
    }

    public record Challenge(UUID id, UUID childId, String decisionType, UUID decisionId, String challengedAgency,
            String challengingAgency, String grounds, String level, String status, Instant dueAt, Instant createdAt,
            Instant resolvedAt, String outcome, List<Step> steps, Notifier.Outcome notified) {
    }

    private final Pool pool;
    private final ChallengeRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final GatewayClock clock;
    private final Challenges challenges;

    ChallengeResource(Pool pool, ChallengeRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, GatewayClock clock,
            Challenges challenges) {
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.clock = clock;
        this.challenges = challenges;
    }

    static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(field, "REQUIRED", field + " is required: say what and why.");
        }
        return value;
    }

    @Operation(summary = "Challenge another agency's decision",
        description = "By an agency involved with the child: the decision (risk-assessment or referral-decline, and its id) and the grounds. Starts at practitioner level with its deadline; challenging one's own agency's decision is 409.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = NewChallenge.class),
        examples = @ExampleObject(name = "example", value = "{\"decision\": {\"type\": \"risk-assessment\", \"id\": \"3f9a1c2e-1b7d-4c55-9a57-1f0d7b9a6c11\"}, \"grounds\": \"She was found with the same adults twice this week; lowering to MEDIUM ignores the police intelligence.\"}")))
    @APIResponse(responseCode = "201", description = "The challenge, at its first level.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Challenge.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/challenges")
    public Uni<Response> raise(NewChallenge body) {
        Actor actor = context.requireActor();
        Instant now = clock.instant();
        if (body == null || body.decision() == null || !Challenges.DECISIONS.containsKey(body.decision().type())) {
            throw ApiException.badRequest("decision/type", "DECISION_TYPE",
                    "decision.type must be one of " + Challenges.DECISIONS.keySet().stream().sorted().toList() + ".");
        }
        if (body.decision().id() == null) {
            throw ApiException.badRequest("decision/id", "REQUIRED", "decision.id is required.");
        }
        String grounds = required("grounds", body.grounds());
        UUID id = UUID.randomUUID();
        context.describe("disagreement.raise", "challenge", id.toString(), null);
        return pool.withTransaction(tx -> challenges.decision(tx, body.decision().type(), body.decision().id())
                .chain(d -> {
                    context.describe("disagreement.raise", "challenge", id.toString(), d.childId());
                    // Access before state: only an agency involved with the decided record may challenge it.
                    return policy.authorise(tx, d.target(), "challenge", List.of("disagreement"), b -> b)
                            .invoke(() -> {
                                if (d.agency().equals(actor.agencyId())) {
                                    throw new ApiException(409, "OWN_DECISION",
                                            "This is your agency's own decision: revise it rather than challenge it.", List.of());
                                }
                            })
                            .chain(() -> repository.insert(tx, id, d, actor.agencyId(), actor.subject(), grounds, now))
                            .chain(rows -> {
                                Row c = rows.iterator().next();
                                String event = Challenges.eventFor("practitioner");
                                Instant due = challenges.deadline(c, event, actor.agencyId(), now);
                                return repository.setDue(tx, id, due)
                                        .chain(() -> challenges.step(tx, c, "raised", "practitioner", event, actor.agencyId(),
                                                actor.subject(), grounds, due, now));
                            })
                            .chain(outcome -> answer(tx, id, outcome, "disagreement.raise", 201));
                })).map(c -> Response.created(URI.create("/api/v1/challenges/" + id)).entity(c).build());
    }

    @Operation(summary = "Read a challenge with every step",
        description = "Only the two agencies (and the partnership once it holds the challenge) see it; anyone else gets the 404 of a random id.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The challenge.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Challenge.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/challenges/{id}")
    public Uni<Challenge> get(@PathParam("id") UUID id) {
        return act(id, "disagreement.read", (tx, c) -> Uni.createFrom().item(new Notifier.Outcome(List.of(), List.of(), List.of())));
    }

    @Operation(summary = "Answer a challenge",
        description = "By the challenged agency at the challenge's current level.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = Reply.class),
        examples = @ExampleObject(name = "example", value = "{\"text\": \"The strategy meeting weighed the intelligence; the plan stays under review weekly.\"}")))
    @APIResponse(responseCode = "200", description = "The challenge with the response.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Challenge.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/challenges/{id}/response")
    public Uni<Challenge> respond(@PathParam("id") UUID id, Reply body) {
        String text = required("text", body == null ? null : body.text());
        Actor actor = context.requireActor();
        Instant now = clock.instant();
        return act(id, "disagreement.respond", (tx, c) -> {
            open(c);
            if (!actor.agencyId().equals(c.getString("challenged_agency"))) {
                throw ApiException.forbidden("NOT_CHALLENGED_AGENCY", "Only the agency whose decision is challenged responds.");
            }
            return challenges.step(tx, c, "responded", c.getString("level"), "disagreement-responded",
                    actor.agencyId(), actor.subject(), text, null, now);
        });
    }

    @Operation(summary = "Escalate a challenge to the next level",
        description = "By either side: practitioner, then manager, head of service, the safeguarding partnership; each level has its deadline (the clock also escalates when one passes).")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = Reply.class),
        examples = @ExampleObject(name = "example", value = "{\"text\": \"No agreement at manager level; asking the heads of service.\"}")))
    @APIResponse(responseCode = "200", description = "The challenge at its new level.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Challenge.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/challenges/{id}/escalation")
    public Uni<Challenge> escalate(@PathParam("id") UUID id, Reply body) {
        String text = required("text", body == null ? null : body.text());
        Actor actor = context.requireActor();
        Instant now = clock.instant();
        return act(id, "disagreement.escalate",
                (tx, c) -> challenges.escalate(tx, c, actor.agencyId(), actor.subject(), text, now));
    }

    @Operation(summary = "Resolve a challenge",
        description = "DECISION_STANDS, DECISION_REVISED or WITHDRAWN, with the outcome in words.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = Resolution.class),
        examples = @ExampleObject(name = "example", value = "{\"result\": \"DECISION_REVISED\", \"outcome\": \"Risk stays HIGH until the next review; actions agreed at the strategy meeting.\"}")))
    @APIResponse(responseCode = "200", description = "The resolved challenge.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Challenge.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/challenges/{id}/resolution")
    public Uni<Challenge> resolve(@PathParam("id") UUID id, Resolution body) {
        if (body == null || body.result() == null || !RESULTS.contains(body.result())) {
            throw ApiException.badRequest("result", "RESULT", "result must be one of " + RESULTS + ".");
        }
        String outcome = required("outcome", body.outcome());
        Actor actor = context.requireActor();
        Instant now = clock.instant();
        return act(id, "disagreement.resolve", (tx, c) -> {
            open(c);
            // The challenged agency cannot close a challenge of its own decision: the challenger accepts
            // or withdraws, and at the last level the safeguarding partnership decides.
            boolean partnershipDecides = "partnership".equals(c.getString("level"))
                    && actor.agencyId().equals(challenges.partnership());
            if (!actor.agencyId().equals(c.getString("challenging_agency")) && !partnershipDecides) {
                throw ApiException.forbidden("RESOLVER_NOT_PERMITTED",
                        "Only the agency that raised the challenge, or the safeguarding partnership at its level, resolves it.");
            }
            return repository.resolve(tx, id, now, body.result())
                    .chain(() -> challenges.step(tx, c, "resolved", c.getString("level"), "disagreement-resolved",
                            actor.agencyId(), actor.subject(), body.result() + ": " + outcome, null, now));
        });
    }

    private static void open(Row c) {
        if (!"OPEN".equals(c.getString("status"))) {
            throw new ApiException(409, "CHALLENGE_RESOLVED", "The challenge is already resolved.", List.of());
        }
    }

    /**
     * One act on an existing challenge: a caller who is not a party gets the 404 of a random id before
     * anything else; a party must still be involved with the decided record (the engine decides); then
     * the act, the audit record and the challenge as it now stands.
     */
    private Uni<Challenge> act(UUID id, String action, BiFunction<SqlClient, Row, Uni<Notifier.Outcome>> step) {
        Actor actor = context.requireActor();
        context.describe(action, "challenge", id.toString(), null);
        return pool.withTransaction(tx -> challenges.lock(tx, id).chain(c -> {
            context.describe(action, "challenge", id.toString(), c.getUUID("child_id"));
            if (!challenges.party(c, actor.agencyId())) {
                throw ApiException.notFound();
            }
            return challenges.decision(tx, c.getString("decision_type"), c.getUUID("decision_id"))
                    .chain(d -> policy.authorise(tx, d.target(), "challenge", List.of("disagreement"), b -> b))
                    .chain(() -> step.apply(tx, c))
                    .chain(outcome -> answer(tx, id, outcome, action, 200));
        }));
    }

    private Uni<Challenge> answer(SqlClient tx, UUID id, Notifier.Outcome outcome, String action, int status) {
        return challenges.view(tx, id, outcome).chain(view -> audit.record(tx, audit.entryFor(context, action, status))
                .invoke(context::markAudited).replaceWith(view));
    }
}
