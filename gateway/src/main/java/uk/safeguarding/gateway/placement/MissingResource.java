package uk.safeguarding.gateway.placement;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
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
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.DutyNotice;

/**
 * Missing episodes (reported by the provider or the police), the child being found, and the 72-hour
 * return home interview. The Philomena profile and the trigger plan, released only while the child
 * is missing, are {@link PhilomenaResource} and {@link TriggerPlanResource}.
 */
@Tag(name = "Missing episodes", description = "Missing from care: reports, confirmation, found, the return home interview and the Philomena profile.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MissingResource {

    static final List<String> REPORT_CATEGORIES = List.of("identity", "missing", "risk", "placement");
    static final Duration RHI_FALLBACK = Duration.ofHours(72);

    /** A missing report. */
    public record MissingReport(OffsetDateTime missingSince, String circumstances, String lastSeenLocation) {
    }

    /** The child was found or came back. */
    public record FoundReport(OffsetDateTime foundAt, String locationFound) {
    }

    /** An episode as its reporter gets it back. */
    public record Episode(UUID id, UUID childId, Instant missingSince, Instant foundAt, Instant rhiDueAt,
            Instant rhiCompletedAt, EventResult event) {
    }

    private final Pool pool;
    private final PlacementRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final Cases cases;
    private final GatewayClock clock;
    private final Notifier notifier;
    private final MissingCases missingCases;
    private final ReturnInterviews interviews;

    MissingResource(Pool pool, PlacementRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, Cases cases,
            GatewayClock clock, Notifier notifier, MissingCases missingCases, ReturnInterviews interviews) {
        this.notifier = notifier;
        this.missingCases = missingCases;
        this.interviews = interviews;
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.cases = cases;
        this.clock = clock;
    }

    @Operation(summary = "Report a child missing",
        description = "By the provider or the police; every involved agency is alerted within minutes. 409 ALREADY_MISSING while an episode is open.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = MissingReport.class),
                        examples = @ExampleObject(name = "example", value = "{\"missingSince\": \"2026-12-05T21:30:00Z\", \"circumstances\": \"Did not come back from school; phone switched off.\", \"lastSeenLocation\": \"Preston bus station\"}"))})
    @APIResponse(responseCode = "201", description = "The episode.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Episode.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/children/{childId}/missing-episodes")
    public Uni<Response> missing(@PathParam("childId") UUID childId, MissingReport body) {
        Actor actor = context.requireActor();
        UUID episodeId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        Instant since = body == null || body.missingSince() == null ? now : body.missingSince().toInstant();
        context.describe("missing.report", "missing-episode", episodeId.toString(), childId);
        // The report is about the child as a whole (it reads the placement and risk to alert everyone).
        // A police report opens the episode and alerts everyone at once, but releases what is held only
        // while the child is missing once the provider or placing council confirms it (confirm below).
        boolean selfConfirmed = !"police".equals(actor.agencyType());
        return pool.withTransaction(tx -> policy.authorise(tx, Target.wholeChild(childId, null), "refer", REPORT_CATEGORIES,
                        b -> b.missing(true))
                .chain(() -> cases.currentPlacement(tx, childId))
                .chain(placement -> repository.insertEpisode(tx, episodeId, childId,
                                placement.map(Cases.Placement::id).orElse(null), actor.agencyId(), since,
                                selfConfirmed ? now : null, selfConfirmed ? actor.agencyId() : null)
                        .chain(rows -> {
                            if (rows.rowCount() == 0) {
                                throw new ApiException(409, "ALREADY_MISSING",
                                        "This child already has an open missing episode; report found first.", List.of());
                            }
                            return repository.philomenaExists(tx, childId);
                        })
                        .chain(hasProfile -> cases.currentRiskLevel(tx, childId).chain(level -> {
                            Map<String, Object> missing = new LinkedHashMap<>();
                            missing.put("episodeId", episodeId.toString());
                            missing.put("missingSince", since.toString());
                            missing.put("reportedBy", actor.agencyId());
                            putIfPresent(missing, "circumstances", body == null ? null : body.circumstances());
                            putIfPresent(missing, "lastSeenLocation", body == null ? null : body.lastSeenLocation());
                            if (hasProfile) {
                                missing.put("philomenaProfile", "/api/v1/children/" + childId + "/philomena");
                            }
                            Map<String, Object> details = details(childId, placement.orElse(null), missing, level.orElse(null));
                            var ctx = placement.map(Cases.Placement::context)
                                    .orElseGet(uk.safeguarding.protocol.engine.CaseContext::builder).build();
                            return cases.record(tx, new Notifier.CaseEvent(eventId, "child-missing", childId,
                                    actor.agencyId(), now, "MISSING-RESPONSE", true, details), actor.subject(), ctx)
                                    .call(() -> missingCases.checkRepeat(tx, childId, episodeId, since, now, ctx));
                        })))
                .chain(outcome -> audit.record(tx, audit.entryFor(context, "missing.report", 201)).invoke(context::markAudited)
                        .replaceWith(new Episode(episodeId, childId, since, null, null, null,
                                EventResult.of(eventId, "child-missing", childId, episodeId, outcome)))))
                .map(e -> Response.created(URI.create("/api/v1/missing-episodes/" + episodeId)).entity(e).build());
    }

    @Operation(summary = "The child was found or came back",
        description = "Closes the episode, alerts every involved agency and starts the 72-hour return home interview deadline. 409 ALREADY_FOUND.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = FoundReport.class),
                        examples = @ExampleObject(name = "example", value = "{\"foundAt\": \"2026-12-07T08:10:00Z\", \"locationFound\": \"Returned to the children's home by taxi\"}"))})
    @APIResponse(responseCode = "200", description = "The closed episode, with its interview deadline.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Episode.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/missing-episodes/{id}/found")
    public Uni<Episode> found(@PathParam("id") UUID id, FoundReport body) {
        Actor actor = context.requireActor();
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        Instant foundAt = body == null || body.foundAt() == null ? now : body.foundAt().toInstant();
        context.describe("missing.found", "missing-episode", id.toString(), null);
        return pool.withTransaction(tx -> repository.episode(tx, id).chain(row -> {
            UUID childId = row.getUUID("child_id");
            Instant since = row.getOffsetDateTime("missing_since").toInstant();
            context.describe("missing.found", "missing-episode", id.toString(), childId);
            return policy.authorised(tx, episodeTarget(row, null), "refer", REPORT_CATEGORIES, b -> b.missing(true))
                    .chain(authorised -> {
                        if (row.getOffsetDateTime("found_at") != null) {
                            throw new ApiException(409, "ALREADY_FOUND", "This episode is already closed.", List.of());
                        }
                        return interviews.caseWhenFound(tx, row).map(c -> Map.entry(authorised.standing(), c));
                    })
                    .chain(standingAndCase -> {
                        var found = standingAndCase.getValue();
                        var placement = found.placement();
                        var ctx = found.main();
                        Instant rhiDue = policy.engine().duties("child-found", ctx, foundAt).stream()
                                .filter(d -> d.clause().endsWith("#rhi-offer")).map(DutyNotice::deadline).findFirst()
                                .orElse(foundAt.plus(RHI_FALLBACK));
                        return repository.markFound(tx, id, foundAt, actor.agencyId(), rhiDue,
                                        ctx.agencies().get("rhi-service"))
                                .chain(() -> cases.currentRiskLevel(tx, childId))
                                .chain(level -> {
                                    Map<String, Object> missing = new LinkedHashMap<>();
                                    missing.put("episodeId", id.toString());
                                    missing.put("missingSince", since.toString());
                                    missing.put("foundAt", foundAt.toString());
                                    missing.put("returnInterviewDue", rhiDue.toString());
                                    putIfPresent(missing, "locationFound", body == null ? null : body.locationFound());
                                    // The Philomena profile is withdrawn: the engine now decides with missing=false.
                                    Map<String, Object> details = details(childId, placement.orElse(null), missing,
                                            level.orElse(null));
                                    return cases.record(tx, new Notifier.CaseEvent(eventId, "child-found", childId,
                                            actor.agencyId(), now, "MISSING-RESPONSE", false, details), actor.subject(), ctx);
                                })
                                .chain(outcome -> audit.record(tx, audit.entryFor(context, "missing.found", 200))
                                        .invoke(context::markAudited)
                                        .replaceWith(new Episode(id, childId, since, foundAt, rhiDue, null,
                                                seenBy(standingAndCase.getKey(), EventResult.of(eventId, "child-found",
                                                        childId, id, outcome), row, ctx))));
                    });
        }));
    }

    /**
     * The provider or the placing council confirms that the child the police reported missing is
     * missing: from then on what is held only while the child is missing (the Philomena profile) is
     * released to the police as the protocol says. Confirming twice changes nothing.
     */
    @Operation(summary = "Confirm a missing episode the police reported",
        description = "By the provider or the placing council: from then on what is held only while the child is missing is released to the police as the protocol says. Confirming twice changes nothing; 409 ALREADY_FOUND.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The confirmed episode.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Episode.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/missing-episodes/{id}/confirmation")
    public Uni<Episode> confirmMissing(@PathParam("id") UUID id) {
        Actor actor = context.requireActor();
        Instant now = clock.instant();
        context.describe("missing.confirm", "missing-episode", id.toString(), null);
        return pool.withTransaction(tx -> repository.episode(tx, id).chain(row -> {
            UUID childId = row.getUUID("child_id");
            context.describe("missing.confirm", "missing-episode", id.toString(), childId);
            Target episode = episodeTarget(row, row.getString("reported_by"));
            return policy.authorised(tx, episode, "read", List.of("missing"), b -> b.missing(true))
                    .invoke(a -> PlacementResource.requireKind(a.standing(), Target.wholeChild(childId, actor.agencyId()),
                            Set.of("provider", "placing-authority")))
                    .chain(() -> {
                        if (row.getOffsetDateTime("found_at") != null) {
                            throw new ApiException(409, "ALREADY_FOUND", "This episode is already closed.", List.of());
                        }
                        return repository.confirmEpisode(tx, id, now, actor.agencyId());
                    })
                    .chain(rows -> {
                        Row r = rows.iterator().next();
                        return audit.record(tx, audit.entryFor(context, "missing.confirm", 200)).invoke(context::markAudited)
                                .replaceWith(new Episode(id, childId, instant(r, "missing_since"), instant(r, "found_at"),
                                        instant(r, "rhi_due_at"), instant(r, "rhi_completed_at"), null));
                    });
        }));
    }

    /**
     * Who was told, as the caller may learn it: in full for an agency whose standing reaches the whole
     * child; otherwise (the reporter of a missing-from-home episode) only the agencies the episode itself
     * named or was routed to, so the answer does not say who else knows the child.
     */
    private static EventResult seenBy(uk.safeguarding.gateway.child.Standing standing, EventResult full, Row episode,
            uk.safeguarding.protocol.engine.CaseContext ctx) {
        if (standing.reachesWholeChild()) {
            return full;
        }
        Set<String> own = new java.util.HashSet<>();
        for (String column : List.of("home_council", "home_police", "school", "gp")) {
            if (episode.getString(column) != null) {
                own.add(episode.getString(column));
            }
        }
        if (ctx.agencies().get("rhi-service") != null && episode.getString("home_council") != null) {
            own.add(ctx.agencies().get("rhi-service"));
        }
        return new EventResult(full.eventId(), full.event(), full.childId(), full.resourceId(),
                full.notified().stream().filter(s -> own.contains(s.agency())).toList(),
                full.refused().stream().filter(r -> own.stream().anyMatch(a -> r.startsWith(a + " "))).toList(), List.of());
    }

    /** A missing episode as a record: reported by whom, when. */
    static Target episodeTarget(Row row, String source) {
        return Target.record(row.getUUID("child_id"), source, instant(row, "recorded_at"), "missing-episode",
                row.getUUID("id"));
    }

    static Map<String, Object> details(UUID childId, Cases.Placement placement, Map<String, Object> missing, String riskLevel) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("identity", PlacementResource.identity(childId, placement == null ? null : placement.identity(), null));
        details.put("missing", missing);
        details.put("risk", riskLevel == null ? null : Map.of("level", riskLevel));
        details.put("placement", placement == null ? null : placement.placementDetails());
        return details;
    }

    private static void putIfPresent(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    static Instant instant(Row r, String column) {
        var v = r.getOffsetDateTime(column);
        return v == null ? null : v.toInstant();
    }
}
