package uk.safeguarding.gateway.risk;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import uk.safeguarding.gateway.placement.Cases;
import uk.safeguarding.gateway.child.RecordRef;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.Approval;
import uk.safeguarding.protocol.engine.Approver;
import uk.safeguarding.protocol.engine.CaseContext;
import uk.safeguarding.protocol.engine.Decision;

/**
 * Risk assessments, kept as history and never overwritten. A raise (or an unchanged level) takes
 * effect at once and goes to every involved agency. A downgrade is recorded as a proposal with its
 * rationale; it takes effect only when a second person, a supervisor of the same agency, approves it
 * with their own request ({@code POST /risk-assessments/{id}/approval}): the engine decides
 * {@code risk-downgrade} for the proposer with that approver, and only then do the alerts go out.
 */
@Tag(name = "Risk", description = "Risk assessments as history: raises take effect at once; a downgrade needs a supervisor of the same agency.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RiskResource {

    static final List<String> LEVELS = List.of("LOW", "MEDIUM", "HIGH");
    static final List<String> HISTORY_CATEGORIES = List.of("risk", "risk-history");

    /** A new assessment. */
    public record NewAssessment(String level, String rationale, List<String> indicators) {
    }

    /** One assessment in the history. {@code inEffect} is false for a downgrade awaiting approval. */
    public record Assessment(UUID id, UUID childId, String level, String previousLevel, boolean downgrade, String rationale,
            String assessedBy, String assessedByAgency, Instant recordedAt, boolean inEffect, String approvedBy,
            Instant approvedAt, Notifier.Outcome notified) {
    }

    private final Pool pool;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final Cases cases;
    private final GatewayClock clock;
    private final Relationships relationships;

    RiskResource(Pool pool, RequestContext context, AuditTrail audit, PolicyService policy, Cases cases, GatewayClock clock,
            Relationships relationships) {
        this.relationships = relationships;
        this.pool = pool;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.cases = cases;
        this.clock = clock;
    }

    @Operation(summary = "Record a risk assessment",
        description = "A raise (or the same level) takes effect at once and goes to every involved agency; a downgrade is a proposal until a supervisor of the same agency approves it. level LOW, MEDIUM or HIGH; a rationale is required.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = NewAssessment.class),
                        examples = @ExampleObject(name = "example", value = "{\"level\": \"HIGH\", \"rationale\": \"New intelligence about an adult associate; two missing episodes this month.\"}"))})
    @APIResponse(responseCode = "201", description = "Recorded (inEffect false for a downgrade awaiting approval).",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Assessment.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/children/{childId}/risk-assessments")
    public Uni<Response> assess(@PathParam("childId") UUID childId, NewAssessment body) {
        Actor actor = context.requireActor();
        if (body == null || body.level() == null || !LEVELS.contains(body.level())) {
            throw ApiException.badRequest("level", "RISK_LEVEL", "level must be one of " + LEVELS + ".");
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        context.describe("risk.assess", "risk-assessment", id.toString(), childId);
        return pool.withTransaction(tx -> cases.currentRiskLevel(tx, childId).chain(current -> {
            boolean downgrade = current.isPresent() && LEVELS.indexOf(body.level()) < LEVELS.indexOf(current.get());
            // A raise: an agency the protocols let read the risk history records it. A downgrade: the engine
            // checks everything but the approver now (rationale, role, relationship), the approver later.
            Uni<Decision> decided = downgrade
                    ? policy.authorise(tx, Target.wholeChild(childId, null), "risk-downgrade", List.of("risk"),
                            b -> b.approval(new Approval(body.rationale(), null)))
                            .onFailure(ApiException.class).recoverWithUni(e -> secondApproverOnly((ApiException) e))
                    // The answer carries the previous level: the child's risk as a whole is the record.
                    : policy.authorise(tx, Target.wholeChild(childId, Target.GATEWAY), "read", List.of("risk"), b -> b);
            return decided
                    .chain(() -> tx.preparedQuery("""
                                    INSERT INTO risk_assessment (id, child_id, level, previous_level, downgrade, rationale,
                                        assessed_by_agency, assessed_by_subject, assessed_by_roles, recorded_at)
                                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                                    """)
                            .execute(Tuple.from(new Object[] {id, childId, body.level(), current.orElse(null), downgrade,
                                    body.rationale(), actor.agencyId(), actor.subject(),
                                    new JsonArray(actor.roles().stream().sorted().toList()), now.atOffset(ZoneOffset.UTC)})))
                    .chain(() -> downgrade ? Uni.createFrom().item(new Notifier.Outcome(List.of(), List.of(), List.of()))
                            : announce(tx, id, childId, body.level(), current.orElse(null), body.rationale(), actor, null, now))
                    .chain(outcome -> audit.record(tx, audit.entryFor(context, "risk.assess", 201)).invoke(context::markAudited)
                            .replaceWith(new Assessment(id, childId, body.level(), current.orElse(null), downgrade,
                                    body.rationale(), actor.subject(), actor.agencyId(), now, !downgrade, null, null, outcome)));
        })).map(a -> Response.created(URI.create("/api/v1/risk-assessments/" + id)).entity(a).build());
    }

    /** The proposal is acceptable when the only thing missing is the second approver. */
    private Uni<Decision> secondApproverOnly(ApiException e) {
        if ("SECOND_APPROVER_REQUIRED".equals(e.code())) {
            context.decided(new RequestContext.AuditedDecision("NONE", List.of("risk"),
                    List.of("risk-change: downgrade proposed, awaiting a second approver"), null, null, null, null));
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().failure(e);
    }

    @Operation(summary = "A supervisor approves a proposed downgrade",
        description = "The engine decides risk-downgrade for the proposer with this approver; only then do the alerts go out. 409 NOTHING_TO_APPROVE.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "In effect.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Assessment.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/risk-assessments/{id}/approval")
    public Uni<Assessment> approve(@PathParam("id") UUID id) {
        Actor approver = context.requireActor();
        Instant now = clock.instant();
        context.describe("risk.approve-downgrade", "risk-assessment", id.toString(), null);
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        SELECT a.*, p.approver_subject FROM risk_assessment a
                        LEFT JOIN risk_approval p ON p.assessment_id = a.id WHERE a.id = $1 FOR UPDATE OF a
                        """).execute(Tuple.of(id))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    Row a = rows.iterator().next();
                    UUID childId = a.getUUID("child_id");
                    context.describe("risk.approve-downgrade", "risk-assessment", id.toString(), childId);
                    // Access before state: the approver must be involved with the child (404 otherwise, like
                    // an assessment that does not exist) before it learns anything about this one.
                    return policy.authorise(tx, assessmentTarget(a), "read", List.of("risk"), b -> b)
                            .invoke(() -> {
                                if (!a.getBoolean("downgrade") || a.getString("approver_subject") != null) {
                                    throw new ApiException(409, "NOTHING_TO_APPROVE",
                                            "This assessment is not a downgrade awaiting approval.", List.of());
                                }
                            })
                            .chain(() -> proposerDecision(tx, a, approver))
                            .chain(decision -> tx.preparedQuery("""
                                            INSERT INTO risk_approval (assessment_id, approver_subject, approver_agency, approved_at, reasons)
                                            VALUES ($1, $2, $3, $4, $5)
                                            """)
                                    .execute(Tuple.of(id, approver.subject(), approver.agencyId(), now.atOffset(ZoneOffset.UTC),
                                            new JsonArray(decision.reasons())))
                                    .replaceWith(decision))
                            .chain(decision -> {
                                Actor proposer = new Actor(a.getString("assessed_by_subject"), null, Actor.Kind.USER,
                                        a.getString("assessed_by_agency"), java.util.Set.of());
                                return announce(tx, id, childId, a.getString("level"), a.getString("previous_level"),
                                        a.getString("rationale"), proposer, approver.subject(), now);
                            })
                            .chain(outcome -> audit.record(tx, audit.entryFor(context, "risk.approve-downgrade", 200))
                                    .invoke(context::markAudited)
                                    .replaceWith(new Assessment(id, childId, a.getString("level"), a.getString("previous_level"),
                                            true, a.getString("rationale"), a.getString("assessed_by_subject"),
                                            a.getString("assessed_by_agency"), a.getOffsetDateTime("recorded_at").toInstant(),
                                            true, approver.subject(), now, outcome)));
                }));
    }

    /** The engine's decision on the proposer's downgrade with this approver; refused with its stable code. */
    private Uni<Decision> proposerDecision(SqlClient tx, Row a, Actor approver) {
        UUID childId = a.getUUID("child_id");
        String agency = a.getString("assessed_by_agency");
        java.util.Set<String> roles = new java.util.TreeSet<>();
        a.getJsonArray("assessed_by_roles").forEach(r -> roles.add((String) r));
        // The proposer's standing with the child as a whole, as it stands now (not as the approver's).
        return relationships.standing(tx, agency, a.getString("assessed_by_subject"), childId)
                .map(standing -> {
                    java.util.Set<String> kinds = standing.kindsFor(RecordRef.wholeChild());
                    Actor proposer = new Actor(a.getString("assessed_by_subject"), null, Actor.Kind.USER, agency, roles);
                    Decision decision = policy.decide(policy.request(proposer, "risk-downgrade",
                                    context.purpose().orElseThrow()).relationships(kinds).categories("risk")
                            .approval(new Approval(a.getString("rationale"), new Approver(approver.subject(),
                                    approver.agencyId(), approver.roles(), approver.subject().equals(proposer.subject()))))
                            .build());
                    context.decided(PolicyService.audited(decision, null, approver.subject()));
                    if (!decision.isPermit()) {
                        throw PolicyService.denied(decision);
                    }
                    return decision;
                });
    }

    @Operation(summary = "The child's risk history, newest first",
        description = "With risk-history released to the caller: everything; otherwise the level, its change, when and which agency.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The assessments.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Assessment.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/children/{childId}/risk-assessments")
    public Uni<List<Assessment>> history(@PathParam("childId") UUID childId) {
        context.describe("risk.history", "risk-assessment", null, childId);
        Actor reader = context.requireActor();
        // The history as a whole is the record (access is decided on it first); then each agency's
        // assessments are released by their own decision: the level and its summary under "risk", the
        // rationale and the staff behind it under "risk-history" (councils, police and health only).
        return pool.withTransaction(tx -> policy.authorised(tx, Target.wholeChild(childId, Target.GATEWAY), "read",
                        HISTORY_CATEGORIES, b -> b)
                .chain(authorised -> policy.consents(tx, childId, reader, context.purpose().orElseThrow())
                        .chain(consents -> tx.preparedQuery("""
                                SELECT a.*, p.approver_subject, p.approved_at FROM risk_assessment a
                                LEFT JOIN risk_approval p ON p.assessment_id = a.id
                                WHERE a.child_id = $1 ORDER BY a.recorded_at, a.id
                                """).execute(Tuple.of(childId))
                        .map(rows -> {
                            java.util.Set<String> kinds = authorised.standing().kindsFor(RecordRef.wholeChild());
                            Map<String, List<String>> released = new LinkedHashMap<>();
                            List<Assessment> out = new ArrayList<>();
                            for (Row a : rows) {
                                String source = a.getString("assessed_by_agency");
                                List<String> permitted = released.computeIfAbsent(source, s -> {
                                    var d = policy.decide(reader, "read", context.purpose().orElseThrow(), kinds,
                                            HISTORY_CATEGORIES, consents, b -> b.counterparty(s)).decision();
                                    return d.isPermit() ? d.permittedCategories() : List.of();
                                });
                                if (permitted.contains("risk")) {
                                    policy.disclosed(source, reader);
                                    out.add(view(a, childId, permitted.contains("risk-history")));
                                }
                            }
                            return out;
                        })))
                .chain(out -> {
                    return audit.record(tx, audit.entryFor(context, "risk.history", 200)).invoke(context::markAudited)
                            .replaceWith(out);
                }));
    }

    /** Every involved agency hears the change, with who decided and why. */
    /**
     * One assessment as a reader may see it: with {@code history} (category risk-history) everything;
     * without, the level, its change, when and which agency (the current level and its summary), but
     * not the rationale or the people who assessed and approved it.
     */
    static Assessment view(Row a, UUID childId, boolean history) {
        boolean approved = a.getString("approver_subject") != null;
        return new Assessment(a.getUUID("id"), childId, a.getString("level"), a.getString("previous_level"),
                a.getBoolean("downgrade"), history ? a.getString("rationale") : null,
                history ? a.getString("assessed_by_subject") : null, a.getString("assessed_by_agency"),
                a.getOffsetDateTime("recorded_at").toInstant(), !a.getBoolean("downgrade") || approved,
                history ? a.getString("approver_subject") : null,
                a.getOffsetDateTime("approved_at") == null ? null : a.getOffsetDateTime("approved_at").toInstant(), null);
    }

    /** An assessment as the record a decision is about. */
    static Target assessmentTarget(Row a) {
        return Target.record(a.getUUID("child_id"), a.getString("assessed_by_agency"),
                a.getOffsetDateTime("recorded_at").toInstant(), "risk-assessment", a.getUUID("id"));
    }

    private Uni<Notifier.Outcome> announce(SqlClient tx, UUID assessmentId, UUID childId, String level, String previous,
            String rationale, Actor assessor, String approvedBy, Instant now) {
        // Everyone involved with the child as a whole; a referrer follows only its own referral.
        return tx.preparedQuery("SELECT DISTINCT agency_id FROM relationship WHERE child_id = $1 AND ended_at IS NULL "
                        + "AND standing <> 'refused' AND scope = 'child'")
                .execute(Tuple.of(childId))
                .chain(rows -> cases.context(tx, childId).chain(ctx -> {
                    // all-involved = every agency in the case roles plus every agency with a live relationship.
                    CaseContext base = ctx.build();
                    CaseContext.Builder all = CaseContext.builder();
                    base.agencies().forEach(all::role);
                    int i = 0;
                    for (Row r : rows) {
                        all.role("involved-" + (i++), r.getString("agency_id"));
                    }
                    Map<String, Object> risk = new LinkedHashMap<>();
                    risk.put("assessmentId", assessmentId.toString());
                    risk.put("level", level);
                    risk.put("previousLevel", previous);
                    risk.put("change", previous == null ? "FIRST" : LEVELS.indexOf(level) < LEVELS.indexOf(previous)
                            ? "DOWNGRADE" : LEVELS.indexOf(level) > LEVELS.indexOf(previous) ? "RAISE" : "UNCHANGED");
                    risk.put("decidedByAgency", assessor.agencyId());
                    // Who decided and why is risk history: councils, police and health hear it, providers
                    // and schools the new level (risk-change protocol).
                    Map<String, Object> history = new LinkedHashMap<>();
                    history.put("assessmentId", assessmentId.toString());
                    history.put("rationale", rationale);
                    history.put("decidedBy", assessor.subject());
                    Optional.ofNullable(approvedBy).ifPresent(a -> history.put("approvedBy", a));
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("identity", Map.of("childId", childId.toString()));
                    details.put("risk", risk);
                    details.put("risk-history", history);
                    return cases.record(tx, new Notifier.CaseEvent(UUID.randomUUID(), "risk-changed", childId,
                            assessor.agencyId(), now, "SAFEGUARDING", false, details), assessor.subject(), all.build());
                }));
    }
}
