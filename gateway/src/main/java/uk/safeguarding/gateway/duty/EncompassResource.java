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
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
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
import uk.safeguarding.protocol.engine.CaseContext;

/**
 * Operation Encompass: the police report a domestic abuse incident a child was present at, naming the
 * child's school; the school's designated safeguarding lead is told before 08:30 on the next school
 * day of the school's council's term dates (the protocol's duty; the engine works out the day).
 */
@Path("/api/v1")
@Tag(name = "Duties", description = "Events the protocols make duties of: Operation Encompass, suspected CSE at a children's home, the allocated social worker, children missing education.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class EncompassResource {

    static final String EVENT = "domestic-abuse-incident";
    static final String PROTOCOL = "operation-encompass";
    static final List<String> CATEGORIES = List.of("identity", "risk");
    static final Pattern SCHOOL = Pattern.compile("school:[0-9]{6}");
    static final Pattern COUNCIL = Pattern.compile("la:[EW][0-9]{8}");

    /**
     * The incident. {@code school}: the school's agency id ({@code school:<URN>}); {@code schoolCouncil}:
     * the council whose term dates the school follows (without it, working days count).
     */
    public record IncidentReport(OffsetDateTime incidentAt, Boolean childPresent, String school, String schoolCouncil,
            String summary) {
    }

    /** The recorded incident and who was told, by when. */
    public record Incident(UUID id, UUID childId, Instant incidentAt, String school, EventResult event) {
    }

    private final Pool pool;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final Cases cases;
    private final Standings standings;
    private final GatewayClock clock;

    EncompassResource(Pool pool, RequestContext context, AuditTrail audit, PolicyService policy, Cases cases,
            Standings standings, GatewayClock clock) {
        this.pool = pool;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.cases = cases;
        this.standings = standings;
        this.clock = clock;
    }

    @Operation(summary = "Report a domestic abuse incident with the child present (Operation Encompass)",
        description = "By the police: the child's school (its designated safeguarding lead) is told before 08:30 on the next school day of its council's term dates, bank holidays excluded.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = IncidentReport.class),
        examples = @ExampleObject(name = "example", value = "{\"incidentAt\": \"2026-12-05T23:10:00Z\", \"childPresent\": true, \"school\": \"school:100000\"}")))
    @APIResponse(responseCode = "201", description = "Recorded; the school is told.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Incident.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/children/{childId}/domestic-abuse-incidents")
    public Uni<Response> report(@PathParam("childId") UUID childId, IncidentReport body) {
        Actor actor = context.requireActor();
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        context.describe("encompass.report", EVENT, eventId.toString(), childId);
        validate(body, now);
        Instant incidentAt = body.incidentAt() == null ? now : body.incidentAt().toInstant();
        return pool.withTransaction(tx -> policy.authorised(tx, Target.wholeChild(childId, null), "refer", CATEGORIES, b -> b)
                .chain(authorised -> {
                    // Another protocol may let this agency refer (a MASH referral); only the Encompass
                    // clause lets it raise this event. Asked before the child's existence, so a real id
                    // and a random one answer alike.
                    if (authorised.decision().reasons().stream().noneMatch(r -> r.startsWith(PROTOCOL + "@"))) {
                        throw ApiException.forbidden("NOT_PERMITTED_BY_PROTOCOL",
                                "Only the police report a domestic abuse incident under " + PROTOCOL + ".");
                    }
                    if (authorised.standing().childKnownSince() == null) {
                        throw ApiException.notFound();
                    }
                    // The school's standing comes from this report (the protocol's naming clause) and
                    // follows the force's own; it gives the force nothing.
                    return standings.establish(tx, new Standings.Establish(childId, false, EVENT, "case-event", eventId,
                            List.of(), null, List.of(new Standings.Named(body.school(), "school", null)), List.of()));
                })
                .chain(() -> {
                    Map<String, Object> risk = new LinkedHashMap<>();
                    risk.put("incident", "domestic-abuse-incident");
                    risk.put("incidentAt", incidentAt.toString());
                    risk.put("childPresent", true);
                    risk.put("reportedBy", actor.agencyId());
                    if (body.summary() != null && !body.summary().isBlank()) {
                        risk.put("summary", body.summary());
                    }
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("identity", Map.of("childId", childId.toString()));
                    details.put("risk", risk);
                    // The reporting force is the one a missed notification escalates to.
                    CaseContext.Builder c = CaseContext.builder().role("school", body.school())
                            .role("home-police", actor.agencyId()).termCalendar(body.schoolCouncil());
                    return cases.record(tx, new Notifier.CaseEvent(eventId, EVENT, childId, actor.agencyId(), incidentAt,
                            "SAFEGUARDING", false, details), actor.subject(), c.build());
                })
                .chain(outcome -> audit.record(tx, audit.entryFor(context, "encompass.report", 201))
                        .invoke(context::markAudited)
                        .replaceWith(new Incident(eventId, childId, incidentAt, body.school(), new EventResult(eventId, EVENT,
                                childId, eventId, outcome.sent(), outcome.refused(), outcome.unresolvedRoles())))))
                .map(i -> Response.created(URI.create("/api/v1/case-events/" + eventId)).entity(i).build());
    }

    private static void validate(IncidentReport body, Instant now) {
        if (body == null) {
            throw ApiException.badRequest("body", "REQUIRED", "An incident report (JSON object) is required.");
        }
        if (!Boolean.TRUE.equals(body.childPresent())) {
            throw ApiException.badRequest("childPresent", "MUST_BE_TRUE",
                    "Operation Encompass notifications are for incidents the child was present at: childPresent must be true.");
        }
        if (body.school() == null || !SCHOOL.matcher(body.school()).matches()) {
            throw ApiException.badRequest("school", "SCHOOL_ID", "school must be the school's agency id, school:<6-digit URN>.");
        }
        if (body.schoolCouncil() != null && !COUNCIL.matcher(body.schoolCouncil()).matches()) {
            throw ApiException.badRequest("schoolCouncil", "COUNCIL_ID",
                    "schoolCouncil must be a council's agency id, la:<ONS code>, or left out.");
        }
        if (body.incidentAt() != null && body.incidentAt().toInstant().isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw ApiException.badRequest("incidentAt", "IN_FUTURE", "incidentAt cannot be in the future.");
        }
    }
}
