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
import java.time.LocalDate;
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
 * Children missing education: the school the child attends tells the council's CME officer once the
 * pupil's unauthorised absence meets the threshold ({@link DutiesConfig#cmeAbsenceSchoolDays}); the
 * officer hears within one working day (children-missing-education#cme-notify-council).
 */
@Path("/api/v1")
@Tag(name = "Duties", description = "Events the protocols make duties of: Operation Encompass, suspected CSE at a children's home, the allocated social worker, children missing education.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AbsenceResource {

    static final String EVENT = "absence-threshold-met";
    static final String CLAUSE = "#cme-school-notify";
    static final List<String> CATEGORIES = List.of("identity", "education");
    static final Pattern COUNCIL = Pattern.compile("la:[EW][0-9]{8}");

    /** The absence: the council the school reports to, how many continuous school days, since when. */
    public record AbsenceReport(String council, Integer continuousSchoolDays, LocalDate absentSince) {
    }

    /** The notification and who was told, by when. */
    public record AbsenceNotification(UUID id, UUID childId, int continuousSchoolDays, int threshold, EventResult event) {
    }

    private final Pool pool;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final Cases cases;
    private final Standings standings;
    private final GatewayClock clock;
    private final DutiesConfig config;

    AbsenceResource(Pool pool, RequestContext context, AuditTrail audit, PolicyService policy, Cases cases,
            Standings standings, GatewayClock clock, DutiesConfig config) {
        this.pool = pool;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.cases = cases;
        this.standings = standings;
        this.clock = clock;
        this.config = config;
    }

    @Operation(summary = "Tell the council of a pupil's absence past the statutory threshold (children missing education)",
        description = "By the child's school once the continuous unauthorised absence reaches the threshold (below it: 400 BELOW_THRESHOLD); the council's children-missing-education officer must hear within one working day.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = AbsenceReport.class),
        examples = @ExampleObject(name = "example", value = "{\"council\": \"la:E09000030\", \"continuousSchoolDays\": 12, \"absentSince\": \"2026-11-16\"}")))
    @APIResponse(responseCode = "201", description = "Recorded; the council's CME officer is told.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = AbsenceNotification.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/children/{childId}/absence-notifications")
    public Uni<Response> notify(@PathParam("childId") UUID childId, AbsenceReport body) {
        Actor actor = context.requireActor();
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        int threshold = config.cmeAbsenceSchoolDays();
        context.describe("cme.notify", EVENT, eventId.toString(), childId);
        if (body == null || body.council() == null || !COUNCIL.matcher(body.council()).matches()) {
            throw ApiException.badRequest("council", "COUNCIL_ID", "council must be the council's agency id, la:<ONS code>.");
        }
        if (body.continuousSchoolDays() == null || body.continuousSchoolDays() < threshold) {
            throw ApiException.badRequest("continuousSchoolDays", "BELOW_THRESHOLD", "The council is told once unauthorised "
                    + "absence reaches " + threshold + " continuous school days; continuousSchoolDays must be at least that.");
        }
        return pool.withTransaction(tx -> policy.authorised(tx, Target.wholeChild(childId, null), "refer", CATEGORIES,
                        b -> b.counterparty(body.council()))
                .chain(authorised -> {
                    // A school may also refer to the MASH; only the CME clause (the school the child
                    // attends) raises this event.
                    if (authorised.decision().reasons().stream().noneMatch(r -> r.endsWith(CLAUSE))) {
                        throw ApiException.forbidden("NOT_PERMITTED_BY_PROTOCOL",
                                "Only the school the child attends tells the council of the pupil's absence.");
                    }
                    return standings.establish(tx, new Standings.Establish(childId, false, EVENT, "case-event", eventId,
                            List.of(), null, List.of(), List.of(new Standings.Named(body.council(), "cme-officer", null))));
                })
                .chain(() -> {
                    Map<String, Object> education = new LinkedHashMap<>();
                    education.put("absence", "unauthorised");
                    education.put("continuousSchoolDays", body.continuousSchoolDays());
                    education.put("threshold", threshold);
                    if (body.absentSince() != null) {
                        education.put("absentSince", body.absentSince().toString());
                    }
                    education.put("school", actor.agencyId());
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("identity", Map.of("childId", childId.toString()));
                    details.put("education", education);
                    return cases.record(tx, new Notifier.CaseEvent(eventId, EVENT, childId, actor.agencyId(), now,
                            "SAFEGUARDING", false, details), actor.subject(),
                            CaseContext.builder().role("cme-officer", body.council()).build());
                })
                .chain(outcome -> audit.record(tx, audit.entryFor(context, "cme.notify", 201)).invoke(context::markAudited)
                        .replaceWith(new AbsenceNotification(eventId, childId, body.continuousSchoolDays(), threshold,
                                new EventResult(eventId, EVENT, childId, eventId, outcome.sent(), outcome.refused(),
                                        outcome.unresolvedRoles())))))
                .map(n -> Response.created(URI.create("/api/v1/case-events/" + eventId)).entity(n).build());
    }
}
