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
 * Suspected child sexual exploitation of a child at a children's home: the home notifies, as regulation
 * 40 requires, the placing council, the host police and the regulator (Ofsted) at once. The home's
 * basis is legal obligation (Art 6(1)(c)), which the engine's clause records.
 */
@Path("/api/v1")
@Tag(name = "Duties", description = "Events the protocols make duties of: Operation Encompass, suspected CSE at a children's home, the allocated social worker, children missing education.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class CseResource {

    static final String EVENT = "cse-suspected-at-home";
    static final String CLAUSE = "#cse-provider-notify";
    static final List<String> CATEGORIES = List.of("identity", "risk");

    /** The home's notification: what is suspected (free text, required) and since when. */
    public record CseReport(String summary, OffsetDateTime suspectedAt) {
    }

    /** The recorded notification and who was told, by when. */
    public record CseNotification(UUID id, UUID childId, Instant suspectedAt, EventResult event) {
    }

    private final Pool pool;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final Cases cases;
    private final Standings standings;
    private final GatewayClock clock;
    private final DutiesConfig config;

    CseResource(Pool pool, RequestContext context, AuditTrail audit, PolicyService policy, Cases cases,
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

    @Operation(summary = "Report suspected child sexual exploitation at a children's home",
        description = "By the home (Children's Homes Regulations 2015 reg 40, a legal obligation): the placing council, the host police and Ofsted are told at once; Ofsted never receives the placement address.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = CseReport.class),
        examples = @ExampleObject(name = "example", value = "{\"summary\": \"Seen getting into a car with an adult man at night\", \"suspectedAt\": \"2026-12-05T22:00:00Z\"}")))
    @APIResponse(responseCode = "201", description = "Recorded; the placing council, host police and Ofsted are told.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = CseNotification.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/children/{childId}/cse-concerns")
    public Uni<Response> report(@PathParam("childId") UUID childId, CseReport body) {
        Actor actor = context.requireActor();
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        context.describe("cse.report", EVENT, eventId.toString(), childId);
        if (body == null || body.summary() == null || body.summary().isBlank()) {
            throw ApiException.badRequest("summary", "REQUIRED", "summary (what is suspected) is required.");
        }
        if (body.suspectedAt() != null && body.suspectedAt().toInstant().isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw ApiException.badRequest("suspectedAt", "IN_FUTURE", "suspectedAt cannot be in the future.");
        }
        Instant suspectedAt = body.suspectedAt() == null ? now : body.suspectedAt().toInstant();
        String regulator = config.regulator();
        // Decided as a notification to the regulator, so only the reg 40 clause (the home's own
        // relationship, legal obligation) can permit it, not a general referral to a MASH.
        return pool.withTransaction(tx -> policy.authorised(tx, Target.wholeChild(childId, null), "refer", CATEGORIES,
                        b -> b.counterparty(regulator))
                .chain(authorised -> {
                    if (authorised.decision().reasons().stream().noneMatch(r -> r.endsWith(CLAUSE))) {
                        throw ApiException.forbidden("NOT_PERMITTED_BY_PROTOCOL",
                                "Only the children's home caring for the child sends this notification.");
                    }
                    return standings.establish(tx, new Standings.Establish(childId, false, EVENT, "case-event", eventId,
                            List.of(), null, List.of(), List.of(new Standings.Named(regulator, "regulator", null))));
                })
                .chain(() -> cases.context(tx, childId))
                .chain(caseContext -> {
                    Map<String, Object> risk = new LinkedHashMap<>();
                    risk.put("concern", "suspected-child-sexual-exploitation");
                    risk.put("summary", body.summary());
                    risk.put("suspectedAt", suspectedAt.toString());
                    risk.put("reportedBy", actor.agencyId());
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("identity", Map.of("childId", childId.toString()));
                    details.put("risk", risk);
                    return cases.record(tx, new Notifier.CaseEvent(eventId, EVENT, childId, actor.agencyId(), now,
                            "SAFEGUARDING", false, details), actor.subject(), caseContext.role("regulator", regulator).build());
                })
                .chain(outcome -> audit.record(tx, audit.entryFor(context, "cse.report", 201)).invoke(context::markAudited)
                        .replaceWith(new CseNotification(eventId, childId, suspectedAt, new EventResult(eventId, EVENT, childId,
                                eventId, outcome.sent(), outcome.refused(), outcome.unresolvedRoles())))))
                .map(n -> Response.created(URI.create("/api/v1/case-events/" + eventId)).entity(n).build());
    }
}
