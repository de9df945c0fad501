package uk.safeguarding.gateway.placement;

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
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The return home interview of a missing episode: the service (or the council) records that it was
 * offered, declined or completed; a completed interview carries what the child said as categorised
 * findings. Reading them is the engine's decision on category {@code rhi-findings}: the home (placing)
 * council for the response, the police only for an investigation with the child's consent or an
 * approved override (missing-from-care#rhi-outcome-to-police); others get the outcomes without them.
 */
@Path("/api/v1")
@Tag(name = "Missing episodes")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ReturnInterviewResource {

    static final String FINDINGS = "rhi-findings";
    static final Set<String> RECORDERS = Set.of("rhi-service", "placing-authority", "home-council");
    static final int MAX_ITEMS = 50;
    static final int MAX_ITEM_LENGTH = 2000;

    /** What the child said, by kind. */
    public record Findings(List<String> pushFactors, List<String> pullFactors, List<String> disclosures, List<String> risks) {
    }

    /** An interview outcome: OFFERED, DECLINED or COMPLETED (the default); findings only when completed. */
    public record Outcome(String outcome, OffsetDateTime at, OffsetDateTime completedAt, Findings findings) {
    }

    /** One recorded outcome; {@code findings} only when the engine released them to the reader. */
    public record Recorded(UUID id, String outcome, Instant at, String recordedBy, Findings findings) {
    }

    /** The episode's interview as its reader may see it. */
    public record Interview(UUID episodeId, UUID childId, Instant missingSince, Instant foundAt, Instant rhiDueAt,
            Instant rhiOfferedAt, Instant rhiDeclinedAt, Instant rhiCompletedAt, List<Recorded> records,
            List<String> withheld) {
    }

    private final Pool pool;
    private final PlacementRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final GatewayClock clock;

    ReturnInterviewResource(Pool pool, PlacementRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, GatewayClock clock) {
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.clock = clock;
    }

    @Operation(summary = "Record the return home interview: offered, declined or completed",
        description = "By the episode's return home interview service or the placing council, once the child is found. An offer meets the 72-hour duty; findings (push and pull factors, disclosures, risks) go with a completed interview only and are released to the councils, and to the police only with the child's consent or an approved override. 409 STILL_MISSING before the child is found.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = Outcome.class),
        examples = @ExampleObject(name = "example", value = "{\"outcome\": \"completed\", \"at\": \"2026-12-08T15:00:00Z\", \"findings\": {\"pushFactors\": [\"Arguments at home about curfew\"], \"pullFactors\": [\"Given vapes and lifts by older males\"], \"disclosures\": [], \"risks\": [\"Taken to addresses in another town\"]}}")))
    @APIResponse(responseCode = "200", description = "The episode's interview as the caller may see it.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Interview.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/missing-episodes/{id}/return-interview")
    public Uni<Interview> record(@PathParam("id") UUID id, Outcome body) {
        Actor actor = context.requireActor();
        String outcome = outcomeOf(body);
        Instant at = body == null ? clock.instant() : body.at() != null ? body.at().toInstant()
                : body.completedAt() != null ? body.completedAt().toInstant() : clock.instant();
        Findings findings = checkFindings(outcome, body == null ? null : body.findings());
        UUID recordId = UUID.randomUUID();
        context.describe("missing.return-interview", "missing-episode", id.toString(), null);
        return pool.withTransaction(tx -> repository.episode(tx, id).chain(row -> {
            UUID childId = row.getUUID("child_id");
            context.describe("missing.return-interview", "missing-episode", id.toString(), childId);
            Target episode = MissingResource.episodeTarget(row, row.getString("reported_by"));
            return policy.authorised(tx, episode, "read", List.of("missing"), b -> b)
                    .invoke(a -> PlacementResource.requireKind(a.standing(), episode, RECORDERS))
                    .chain(() -> {
                        if (row.getOffsetDateTime("found_at") == null) {
                            throw new ApiException(409, "STILL_MISSING", "The child has not been found yet.", List.of());
                        }
                        if (row.getOffsetDateTime("rhi_completed_at") != null) {
                            throw new ApiException(409, "ALREADY_RECORDED", "The interview is already recorded.", List.of());
                        }
                        return repository.insertReturnInterview(tx, recordId, id, childId, outcome, at, actor.agencyId(),
                                actor.subject(), findings);
                    })
                    .chain(() -> repository.recordInterviewOnEpisode(tx, id, at, outcome, actor.agencyId()))
                    .chain(rows -> audit.record(tx, audit.entryFor(context, "missing.return-interview", 200))
                            .invoke(context::markAudited)
                            .replaceWith(interview(rows.iterator().next(), List.of(new Recorded(recordId, outcome, at,
                                    actor.agencyId(), findings)), List.of())));
        }));
    }

    /** The outcomes, and the findings where the engine releases category rhi-findings to the reader. */
    @Operation(summary = "Read the return home interview of an episode",
        description = "Outcomes to those responding to the episode; the findings only where the protocol releases them (withheld lists what was not).")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The episode's interview as the caller may see it.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Interview.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/missing-episodes/{id}/return-interview")
    public Uni<Interview> read(@PathParam("id") UUID id) {
        context.requireActor();
        context.describe("missing.return-interview.read", "missing-episode", id.toString(), null);
        return pool.withTransaction(tx -> repository.episode(tx, id).chain(row -> {
            UUID childId = row.getUUID("child_id");
            context.describe("missing.return-interview.read", "missing-episode", id.toString(), childId);
            // Read first to name the findings' owner (the service that recorded them), revealed only once decided.
            return repository.returnInterviews(tx, id)
                    .chain(rows -> {
                        List<Row> records = new ArrayList<>();
                        rows.forEach(records::add);
                        String owner = records.stream().filter(r -> r.getValue("findings") != null)
                                .map(r -> r.getString("recorded_by")).findFirst().orElse(row.getString("reported_by"));
                        return policy.authorise(tx, MissingResource.episodeTarget(row, owner), "read",
                                        List.of("missing", FINDINGS), b -> b)
                                .chain(decision -> {
                                    boolean released = decision.permittedCategories().contains(FINDINGS);
                                    List<Recorded> out = records.stream().map(r -> new Recorded(r.getUUID("id"),
                                            r.getString("outcome"), MissingResource.instant(r, "at"), r.getString("recorded_by"),
                                            released ? findingsOf(r) : null)).toList();
                                    return audit.record(tx, audit.entryFor(context, "missing.return-interview.read", 200))
                                            .invoke(context::markAudited)
                                            .replaceWith(interview(row, out, List.copyOf(decision.withheld().keySet())));
                                });
                    });
        }));
    }

    private static Interview interview(Row r, List<Recorded> records, List<String> withheld) {
        return new Interview(r.getUUID("id"), r.getUUID("child_id"), MissingResource.instant(r, "missing_since"),
                MissingResource.instant(r, "found_at"), MissingResource.instant(r, "rhi_due_at"),
                MissingResource.instant(r, "rhi_offered_at"), MissingResource.instant(r, "rhi_declined_at"),
                MissingResource.instant(r, "rhi_completed_at"), records, withheld);
    }

    private static Findings findingsOf(Row r) {
        JsonObject f = (JsonObject) r.getValue("findings");
        return f == null ? null : f.mapTo(Findings.class);
    }

    private static String outcomeOf(Outcome body) {
        String given = body == null || body.outcome() == null ? "COMPLETED" : body.outcome().toUpperCase(Locale.ROOT);
        if (!Set.of("OFFERED", "DECLINED", "COMPLETED").contains(given)) {
            throw ApiException.badRequest("/outcome", "UNKNOWN_OUTCOME", "outcome must be offered, declined or completed.");
        }
        return given;
    }

    private static Findings checkFindings(String outcome, Findings f) {
        if (f == null) {
            return null;
        }
        if (!"COMPLETED".equals(outcome)) {
            throw ApiException.badRequest("/findings", "FINDINGS_WITHOUT_INTERVIEW",
                    "Findings are recorded with a completed interview only.");
        }
        Map<String, List<String>> kinds = new LinkedHashMap<>();
        kinds.put("pushFactors", f.pushFactors());
        kinds.put("pullFactors", f.pullFactors());
        kinds.put("disclosures", f.disclosures());
        kinds.put("risks", f.risks());
        kinds.forEach((kind, items) -> {
            if (items == null) {
                return;
            }
            if (items.size() > MAX_ITEMS) {
                throw ApiException.badRequest("/findings/" + kind, "TOO_MANY", "At most " + MAX_ITEMS + " entries.");
            }
            for (int i = 0; i < items.size(); i++) {
                String item = items.get(i);
                if (item == null || item.isBlank() || item.length() > MAX_ITEM_LENGTH) {
                    throw ApiException.badRequest("/findings/" + kind + "/" + i, "INVALID_ENTRY",
                            "Each entry is non-empty text of at most " + MAX_ITEM_LENGTH + " characters.");
                }
            }
        });
        return new Findings(orEmpty(f.pushFactors()), orEmpty(f.pullFactors()), orEmpty(f.disclosures()), orEmpty(f.risks()));
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : List.copyOf(l);
    }
}
