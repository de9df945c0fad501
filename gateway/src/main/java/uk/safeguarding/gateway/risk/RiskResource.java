package uk.safeguarding.gateway.risk;

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
import java.time.LocalDate;
import java.time.ZoneId;
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
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.child.RecordRef;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.Approval;
import uk.safeguarding.protocol.engine.Approver;
import uk.safeguarding.protocol.engine.Decision;

/**
 * Risk assessments, kept as history and never overwritten, each agency's separately (docs/RISK.md).
 * Every change carries a rationale, its indicators and a review date. The child's shared level is the
 * highest current level of any agency. An assessment at or above the shared level takes effect at once
 * for its agency and goes to every involved agency. One below it is a downgrade proposal: it takes
 * effect only when a second person, a supervisor of the same agency, approves it
 * ({@code POST /risk-assessments/{id}/approval}) and every other agency whose current level it goes
 * below has agreed through its own supervisor ({@code POST /risk-assessments/{id}/agreement}); those
 * agencies are asked when it is proposed, before anything changes.
 */
@Tag(name = "Risk", description = "Each agency's risk assessment as history, with indicators, rationale and a review date; the child's shared level is the highest current one. A downgrade needs a supervisor of the same agency, and lowering below another agency's level needs that agency's agreement.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RiskResource {

    static final List<String> LEVELS = RiskLevels.LEVELS;
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final List<String> HISTORY_CATEGORIES = List.of("risk", "risk-history");
    static final int MAX_INDICATORS = 30;
    static final int MAX_INDICATOR_LENGTH = 200;

    /** A new assessment: {@code reviewBy} is an ISO date after today and within a year. */
    public record NewAssessment(String level, String rationale, List<String> indicators, String reviewBy) {
    }

    /** One agency asked to agree to a downgrade below its level, and its answer (PENDING, AGREED, DECLINED). */
    public record Agreement(String agency, String levelAtRequest, String status, String decidedBy, String rationale,
            Instant decidedAt) {
    }

    /**
     * One assessment in the history. {@code inEffect} is false for a downgrade awaiting approval or
     * agreement; {@code status} says which (IN_EFFECT, AWAITING, DECLINED).
     */
    public record Assessment(UUID id, UUID childId, String level, String previousLevel, boolean downgrade, String rationale,
            String assessedBy, String assessedByAgency, Instant recordedAt, boolean inEffect, String approvedBy,
            Instant approvedAt, Notifier.Outcome notified, List<String> indicators, LocalDate reviewBy, String status,
            List<Agreement> agreements) {
    }

    private final Pool pool;
    private final RiskRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final GatewayClock clock;
    private final Relationships relationships;
    private final RiskLevels levels;
    private final RiskEvents events;
    private final RiskProposals proposals;

    RiskResource(Pool pool, RiskRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, GatewayClock clock,
            Relationships relationships, RiskLevels levels, RiskEvents events, RiskProposals proposals) {
        this.proposals = proposals;
        this.relationships = relationships;
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.clock = clock;
        this.levels = levels;
        this.events = events;
    }

    /** The body checked field by field: every problem at once, each naming its field. */
    static LocalDate validate(NewAssessment body, LocalDate today) {
        if (body == null || body.level() == null || !LEVELS.contains(body.level())) {
            throw ApiException.badRequest("level", "RISK_LEVEL", "level must be one of " + LEVELS + ".");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        if (body.rationale() == null || body.rationale().isBlank()) {
            errors.add(new Problem.FieldError("rationale", "RATIONALE_REQUIRED",
                    "Every change of risk level, raise or lower, needs a rationale: why this level, on what evidence."));
        }
        List<String> indicators = body.indicators() == null ? List.of() : body.indicators();
        if (indicators.size() > MAX_INDICATORS) {
            errors.add(new Problem.FieldError("indicators", "TOO_MANY", "At most " + MAX_INDICATORS + " indicators."));
        }
        for (int i = 0; i < indicators.size(); i++) {
            String ind = indicators.get(i);
            if (ind == null || ind.isBlank() || ind.length() > MAX_INDICATOR_LENGTH) {
                errors.add(new Problem.FieldError("indicators/" + i, "INDICATOR",
                        "Each indicator is a non-empty text of at most " + MAX_INDICATOR_LENGTH + " characters."));
            }
        }
        LocalDate reviewBy = null;
        if (body.reviewBy() == null || body.reviewBy().isBlank()) {
            errors.add(new Problem.FieldError("reviewBy", "REVIEW_DATE_REQUIRED",
                    "Every assessment says when it will be reviewed (reviewBy, an ISO date after today, within a year)."));
        } else {
            try {
                reviewBy = LocalDate.parse(body.reviewBy());
                if (!reviewBy.isAfter(today) || reviewBy.isAfter(today.plusYears(1))) {
                    errors.add(new Problem.FieldError("reviewBy", "REVIEW_DATE",
                            "reviewBy must be after today and within a year."));
                }
            } catch (java.time.format.DateTimeParseException e) {
                errors.add(new Problem.FieldError("reviewBy", "REVIEW_DATE", "reviewBy must be an ISO date (YYYY-MM-DD)."));
            }
        }
        if (errors.size() == 1) {
            throw new ApiException(400, errors.get(0).rule(), errors.get(0).message(), errors);
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "INVALID_RISK_ASSESSMENT", "The assessment is invalid; see errors.", errors);
        }
        return reviewBy;
    }

    @Operation(summary = "Record a risk assessment",
        description = "A raise (or the same level) takes effect at once and goes to every involved agency; a downgrade is a proposal until a supervisor of the same agency approves it. level LOW, MEDIUM or HIGH; a rationale is required.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = NewAssessment.class),
                        examples = @ExampleObject(name = "example", value = "{\"level\": \"HIGH\", \"rationale\": \"New intelligence about an adult associate; two missing episodes this month.\", \"indicators\": [\"missing-episodes\", \"older-associates\"], \"reviewBy\": \"2027-03-01\"}"))})
    @APIResponse(responseCode = "201", description = "Recorded (inEffect false for a downgrade awaiting approval).",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Assessment.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/children/{childId}/risk-assessments")
    public Uni<Response> assess(@PathParam("childId") UUID childId, NewAssessment body) {
        Actor actor = context.requireActor();
        Instant now = clock.instant();
        LocalDate reviewBy = validate(body, LocalDate.ofInstant(now, LONDON));
        List<String> indicators = body.indicators() == null ? List.of() : List.copyOf(body.indicators());
        UUID id = UUID.randomUUID();
        context.describe("risk.assess", "risk-assessment", id.toString(), childId);
        return pool.withTransaction(tx -> levels.current(tx, childId).chain(current -> {
            Optional<String> shared = RiskLevels.shared(current);
            boolean downgrade = shared.isPresent() && RiskLevels.rank(body.level()) < RiskLevels.rank(shared.get());
            // A raise: an agency the protocols let read the risk history records it. A downgrade: the engine
            // checks everything but the approver now (rationale, role, relationship), the approver later.
            Uni<Decision> decided = downgrade
                    ? policy.authorise(tx, Target.wholeChild(childId, null), "risk-downgrade", List.of("risk"),
                            b -> b.approval(new Approval(body.rationale(), null)))
                            .onFailure(ApiException.class).recoverWithUni(e -> secondApproverOnly((ApiException) e))
                    // The answer carries the previous level: the child's risk as a whole is the record.
                    : policy.authorise(tx, Target.wholeChild(childId, Target.GATEWAY), "read", List.of("risk"), b -> b);
            // Every other agency whose current level the proposal goes below must agree first.
            Map<String, String> asked = new LinkedHashMap<>();
            if (downgrade) {
                current.values().stream().filter(c -> !c.agency().equals(actor.agencyId()))
                        .filter(c -> RiskLevels.rank(c.level()) > RiskLevels.rank(body.level()))
                        .forEach(c -> asked.put(c.agency(), c.level()));
            }
            RiskEvents.About about = new RiskEvents.About(id, childId, body.level(), shared.orElse(null), body.rationale(),
                    indicators, reviewBy, actor.agencyId(), actor.subject());
            return decided
                    .chain(() -> repository.insertAssessment(tx, id, childId, body.level(), shared.orElse(null), downgrade,
                            body.rationale(), actor.agencyId(), actor.subject(), actor.roles(), now, indicators, reviewBy))
                    .chain(() -> downgrade ? propose(tx, about, asked, now)
                            : levels.set(tx, childId, actor.agencyId(), body.level(), id, reviewBy, "assessment", now)
                                    .chain(() -> events.changed(tx, about, shared.orElse(null), body.level(), null, List.of(), now)))
                    .chain(outcome -> audit.record(tx, audit.entryFor(context, "risk.assess", 201)).invoke(context::markAudited)
                            .replaceWith(new Assessment(id, childId, body.level(), shared.orElse(null), downgrade,
                                    body.rationale(), actor.subject(), actor.agencyId(), now, !downgrade, null, null, outcome,
                                    indicators, reviewBy, downgrade ? "AWAITING" : "IN_EFFECT",
                                    asked.entrySet().stream().map(e -> new Agreement(e.getKey(), e.getValue(), "PENDING",
                                            null, null, null)).toList())));
        })).map(a -> Response.created(URI.create("/api/v1/risk-assessments/" + id)).entity(a).build());
    }

    /** Records who must agree and tells them now, before the proposal can take effect. */
    private Uni<Notifier.Outcome> propose(SqlClient tx, RiskEvents.About about, Map<String, String> asked, Instant now) {
        if (asked.isEmpty()) {
            return Uni.createFrom().item(new Notifier.Outcome(List.of(), List.of(), List.of()));
        }
        return repository.insertAgreementRequests(tx, about.assessmentId(), asked, now)
                .chain(() -> events.agreementRequested(tx, about, asked, now));
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
        return pool.withTransaction(tx -> proposals.lock(tx, id).chain(a -> {
            UUID childId = a.getUUID("child_id");
            context.describe("risk.approve-downgrade", "risk-assessment", id.toString(), childId);
            // Access before state: the approver must be involved with the child (404 otherwise, like
            // an assessment that does not exist) before it learns anything about this one.
            return policy.authorise(tx, assessmentTarget(a), "read", List.of("risk"), b -> b)
                    .chain(() -> proposals.agreements(tx, List.of(id)))
                    .invoke(all -> {
                        if (!a.getBoolean("downgrade") || a.getString("approver_subject") != null
                                || "DECLINED".equals(RiskProposals.status(false, all.getOrDefault(id, List.of())))) {
                            throw new ApiException(409, "NOTHING_TO_APPROVE",
                                    "This assessment is not a downgrade awaiting approval.", List.of());
                        }
                    })
                    .chain(() -> proposerDecision(tx, a, approver))
                    .chain(decision -> repository.insertApproval(tx, id, approver.subject(), approver.agencyId(), now,
                            decision.reasons()))
                    .chain(() -> proposals.completeIfReady(tx, a, approver.subject(), now))
                    .chain(done -> proposals.agreements(tx, List.of(id)).chain(all -> audit
                            .record(tx, audit.entryFor(context, "risk.approve-downgrade", 200)).invoke(context::markAudited)
                            .replaceWith(answer(a, approver.subject(), now, done, all.getOrDefault(id, List.of())))));
        }));
    }

    /** The engine's decision on the proposer's downgrade with this approver; refused with its stable code. */
    private Uni<Decision> proposerDecision(SqlClient tx, Row a, Actor approver) {
        UUID childId = a.getUUID("child_id");
        String agency = a.getString("assessed_by_agency");
        java.util.Set<String> roles = new java.util.TreeSet<>();
        a.getJsonArray("assessed_by_roles").forEach(r -> roles.add((String) r));
        // The proposer's standing with the child as a whole, as it stands now (not as the approver's).
        return relationships.directStanding(tx, agency, a.getString("assessed_by_subject"), childId)
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
                        .chain(consents -> repository.history(tx, childId)
                        .chain(rows -> {
                            List<Row> all = new ArrayList<>();
                            rows.forEach(all::add);
                            return proposals.agreements(tx, all.stream().map(r -> r.getUUID("id")).toList())
                                    .map(agreements -> {
                            java.util.Set<String> kinds = authorised.standing().kindsFor(RecordRef.wholeChild());
                            Map<String, List<String>> released = new LinkedHashMap<>();
                            List<Assessment> out = new ArrayList<>();
                            for (Row a : all) {
                                String source = a.getString("assessed_by_agency");
                                List<String> permitted = released.computeIfAbsent(source, s -> {
                                    var d = policy.decide(reader, "read", context.purpose().orElseThrow(), kinds,
                                            HISTORY_CATEGORIES, consents, b -> b.counterparty(s)).decision();
                                    return d.isPermit() ? d.permittedCategories() : List.of();
                                });
                                if (permitted.contains("risk")) {
                                    policy.disclosed(source, reader);
                                    out.add(view(a, childId, permitted.contains("risk-history"),
                                            agreements.getOrDefault(a.getUUID("id"), List.of())));
                                }
                            }
                            return out;
                        });
                        })))
                .chain(out -> {
                    return audit.record(tx, audit.entryFor(context, "risk.history", 200)).invoke(context::markAudited)
                            .replaceWith(out);
                }));
    }

    /**
     * One assessment as a reader may see it: with {@code history} (category risk-history) everything;
     * without, the level, its change, when and which agency (the current level and its summary), but
     * not the rationale, the indicators or the people who assessed, approved and agreed.
     */
    static Assessment view(Row a, UUID childId, boolean history, List<Agreement> agreements) {
        boolean inEffect = a.getBoolean("in_effect");
        List<Agreement> shown = history ? agreements : agreements.stream()
                .map(g -> new Agreement(g.agency(), g.levelAtRequest(), g.status(), null, null, g.decidedAt())).toList();
        return new Assessment(a.getUUID("id"), childId, a.getString("level"), a.getString("previous_level"),
                a.getBoolean("downgrade"), history ? a.getString("rationale") : null,
                history ? a.getString("assessed_by_subject") : null, a.getString("assessed_by_agency"),
                a.getOffsetDateTime("recorded_at").toInstant(), inEffect,
                history ? a.getString("approver_subject") : null,
                a.getOffsetDateTime("approved_at") == null ? null : a.getOffsetDateTime("approved_at").toInstant(), null,
                history ? RiskProposals.about(a).indicators() : null, a.getLocalDate("review_by"),
                RiskProposals.status(inEffect, agreements), shown);
    }

    /** A proposal as its approver or an agreeing agency sees it after acting on it. */
    static Assessment answer(Row a, String approvedBy, Instant approvedAt, Optional<Notifier.Outcome> done,
            List<Agreement> agreements) {
        return new Assessment(a.getUUID("id"), a.getUUID("child_id"), a.getString("level"), a.getString("previous_level"),
                true, a.getString("rationale"), a.getString("assessed_by_subject"), a.getString("assessed_by_agency"),
                a.getOffsetDateTime("recorded_at").toInstant(), done.isPresent(), approvedBy, approvedAt,
                done.orElse(new Notifier.Outcome(List.of(), List.of(), List.of())), RiskProposals.about(a).indicators(),
                a.getLocalDate("review_by"), RiskProposals.status(done.isPresent(), agreements), agreements);
    }

    /** An assessment as the record a decision is about. */
    static Target assessmentTarget(Row a) {
        return Target.record(a.getUUID("child_id"), a.getString("assessed_by_agency"),
                a.getOffsetDateTime("recorded_at").toInstant(), "risk-assessment", a.getUUID("id"));
    }
}
