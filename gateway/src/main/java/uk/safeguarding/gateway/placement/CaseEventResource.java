package uk.safeguarding.gateway.placement;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.disagreement.Challenges;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.RequestContext;

/** The link in every alert: the event, with the categories the caller's own decision releases. */
@Tag(name = "Alerts")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1/case-events")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class CaseEventResource {

    /** An event as one reader may see it. */
    public record CaseEventView(UUID id, String type, UUID childId, Instant occurredAt, String raisedBy,
            Map<String, Object> data, List<String> withheld) {
    }

    private final Pool pool;
    private final PlacementRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final Cases cases;
    private final uk.safeguarding.gateway.alert.Notifier notifier;
    private final uk.safeguarding.gateway.alert.GatewayClock clock;
    private final Challenges challenges;

    CaseEventResource(Pool pool, PlacementRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, Cases cases,
            uk.safeguarding.gateway.alert.Notifier notifier, uk.safeguarding.gateway.alert.GatewayClock clock,
            Challenges challenges) {
        this.challenges = challenges;
        this.notifier = notifier;
        this.clock = clock;
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.cases = cases;
    }

    @Operation(summary = "A case event, as the caller's own decision releases it",
        description = "The link in every alert: the event (placement, missing episode, risk change, return home) with only the data categories released to the caller now. No relationship with the child: 404 like an unknown id.")
    @APIResponse(responseCode = "200", description = "The event as released to the caller.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = CaseEventView.class)))
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/{id}")
    public Uni<CaseEventView> read(@PathParam("id") UUID id) {
        context.describe("case-event.read", "case-event", id.toString(), null);
        return pool.withTransaction(tx -> repository.caseEvent(tx, id)
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    Row r = rows.iterator().next();
                    JsonObject raw = (JsonObject) r.getValue("details");
                    if (!Challenges.isStep(r.getString("type"))) {
                        return released(tx, id, r, raw);
                    }
                    // A disagreement's step is known only to its parties: anyone else gets a random id's 404,
                    // decided before the event's child is described so the audit rows match too.
                    JsonObject step = raw.getJsonObject("disagreement");
                    String challenge = step == null ? null : step.getString("challengeId");
                    Uni<Boolean> party = challenge == null ? Uni.createFrom().item(false)
                            : challenges.mayKnow(tx, UUID.fromString(challenge), context.requireActor().agencyId());
                    return party.chain(known -> {
                        if (!known) {
                            throw ApiException.notFound();
                        }
                        return released(tx, id, r, raw);
                    });
                }));
    }

    private Uni<CaseEventView> released(SqlClient tx, UUID id, Row r, JsonObject raw) {
        UUID childId = r.getUUID("child_id");
        Map<String, Object> details = raw.getMap();
        context.describe("case-event.read", "case-event", id.toString(), childId);
        Target event = Target.record(childId, r.getString("raised_by_agency"),
                r.getOffsetDateTime("recorded_at").toInstant(), "case-event", id);
        return cases.isMissing(tx, childId, context.requireActor())
                .chain(missing -> policy.authorise(tx, event, "read", new ArrayList<>(details.keySet()),
                        b -> b.missing(missing)))
                .chain(decision -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    decision.permittedCategories().forEach(c -> data.put(c, details.get(c)));
                    CaseEventView view = new CaseEventView(id, r.getString("type"), childId,
                            r.getOffsetDateTime("occurred_at").toInstant(), r.getString("raised_by_agency"),
                            data, List.copyOf(decision.withheld().keySet()));
                    return notifier.notifyOwner(tx, decision, r.getString("raised_by_agency"), childId,
                                    "case-event", id.toString(), context.requireActor(),
                                    context.purpose().orElseThrow().code(), clock.instant())
                            .chain(() -> audit.record(tx, audit.entryFor(context, "case-event.read", 200)))
                            .invoke(context::markAudited).replaceWith(view);
                });
    }
}
