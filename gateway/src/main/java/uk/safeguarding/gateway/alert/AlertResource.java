package uk.safeguarding.gateway.alert;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The pull inbox (for recipients without a webhook, and for any recipient that wants to look) and
 * acknowledgement. An agency sees only alerts addressed to it: anyone else's alert is a 404, exactly
 * like one that does not exist.
 */
@Tag(name = "Alerts", description = "The pull inbox of alerts addressed to the caller's agency, acknowledgement, and the case events alerts link to.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1/alerts")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AlertResource {

    /** One alert as its recipient sees it: the payload is already redacted for this recipient. */
    public record AlertView(UUID id, String event, String status, Instant createdAt, Instant ackDueAt,
            Instant deliveredAt, Instant acknowledgedAt, String dutyRef, Map<String, Object> payload) {
    }


    private final Pool pool;
    private final AlertRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final GatewayClock clock;
    private final AlertReads reads;

    AlertResource(Pool pool, AlertRepository repository, RequestContext context, AuditTrail audit, GatewayClock clock, AlertReads reads) {
        this.reads = reads;
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Unacknowledged alerts for the caller's agency, oldest first, each decided again for the caller
     * (AlertReads): an alert nothing of which is released to the caller now is left out, and stays
     * undelivered. Reading the shown ones marks them delivered.
     */
    @Operation(summary = "The caller's agency's alerts, oldest first",
        description = "Unacknowledged alerts (all with include-acknowledged=true), at most limit, each decided again for the caller: an alert nothing of which is released now is left out. Reading marks them delivered.")
    @APIResponse(responseCode = "200", description = "The alerts, each redacted for the caller.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = AlertView.class, type = SchemaType.ARRAY)))
    @Parameter(ref = "PurposeOfUse")
    @GET
    public Uni<List<AlertView>> inbox(@QueryParam("limit") @DefaultValue("100") int limit,
            @QueryParam("include-acknowledged") @DefaultValue("false") boolean includeAcknowledged) {
        Actor actor = context.requireActor();
        int size = Math.max(1, Math.min(limit, 500));
        context.describe("alert.inbox", "alert", null, null);
        reads.requireRole(actor);
        return pool.withTransaction(tx -> repository.inbox(tx, actor.agencyId(), includeAcknowledged, size)
                .chain(rows -> {
                    AlertReads.Cache cache = new AlertReads.Cache();
                    Uni<List<AlertView>> decided = Uni.createFrom().item(new ArrayList<>());
                    for (Row r : rows) {
                        decided = decided.chain(list -> reads.decide(tx, actor, r, cache).map(v -> {
                            v.ifPresent(list::add);
                            return list;
                        }));
                    }
                    return decided;
                })
                .chain(views -> {
                    List<UUID> ids = new ArrayList<>();
                    Set<String> categories = new LinkedHashSet<>();
                    for (AlertView v : views) {
                        ids.add(v.id());
                        if (v.payload().get("data") instanceof Map<?, ?> data) {
                            data.keySet().forEach(c -> categories.add(c.toString()));
                        }
                    }
                    context.decided(new RequestContext.AuditedDecision("NONE", List.copyOf(categories), List.of(),
                            null, null, null, null));
                    return repository.markDelivered(tx, ids, clock.instant())
                            .chain(() -> audit.record(tx, audit.entryFor(context, "alert.inbox", 200)))
                            .invoke(context::markAudited)
                            .replaceWith(views);
                }));
    }

    @Operation(summary = "One alert addressed to the caller's agency",
        description = "Its payload redacted for this recipient. Another agency's alert answers 404 exactly like an unknown id.")
    @APIResponse(responseCode = "200", description = "The alert.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = AlertView.class)))
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/{id}")
    public Uni<AlertView> one(@PathParam("id") UUID id) {
        Actor actor = context.requireActor();
        context.describe("alert.read", "alert", id.toString(), null);
        reads.requireRole(actor);
        return pool.withTransaction(tx -> repository.addressedTo(tx, id, actor.agencyId())
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    Row r = rows.iterator().next();
                    context.describe("alert.read", "alert", id.toString(), r.getUUID("child_id"));
                    return reads.decide(tx, actor, r, new AlertReads.Cache()).chain(decided -> {
                        // Nothing of it released to this reader now: the same answer as an alert that does not exist.
                        AlertView view = decided.orElseThrow(ApiException::notFound);
                        List<String> categories = view.payload().get("data") instanceof Map<?, ?> data
                                ? data.keySet().stream().map(Object::toString).toList() : List.of();
                        context.decided(new RequestContext.AuditedDecision("PERMIT", categories, List.of("alert:" + id),
                                null, null, null, null));
                        return audit.record(tx, audit.entryFor(context, "alert.read", 200)).invoke(context::markAudited)
                                .replaceWith(view);
                    });
                }));
    }

    /** Only the recipient may acknowledge; acknowledging twice changes nothing. */
    @Operation(summary = "Acknowledge an alert",
        description = "Only its recipient may; this meets the duty's acknowledgement deadline. Acknowledging twice changes nothing; 409 ALERT_NOT_ACKNOWLEDGEABLE when the alert takes no acknowledgement.")
    @APIResponse(responseCode = "200", description = "Acknowledged (or already so).",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = AlertView.class)))
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/{id}/acknowledge")
    public Uni<AlertView> acknowledge(@PathParam("id") UUID id) {
        Actor actor = context.requireActor();
        context.describe("alert.acknowledge", "alert", id.toString(), null);
        reads.requireRole(actor);
        return pool.withTransaction(tx -> repository.acknowledge(tx, id, actor.agencyId(), clock.instant())
                .chain(() -> repository.addressedTo(tx, id, actor.agencyId()))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    Row r = rows.iterator().next();
                    if (!"ACKNOWLEDGED".equals(r.getString("status"))) {
                        throw new ApiException(409, "ALERT_NOT_ACKNOWLEDGEABLE",
                                "This alert is " + r.getString("status") + " and cannot be acknowledged.", List.of());
                    }
                    context.describe("alert.acknowledge", "alert", id.toString(), r.getUUID("child_id"));
                    // Acknowledged either way (the duty is met); the answer shows only what the reader may see now.
                    return reads.decide(tx, actor, r, new AlertReads.Cache())
                            .map(decided -> decided.orElseGet(() -> AlertReads.redacted(view(r), List.of())))
                            .call(() -> audit.record(tx, audit.entryFor(context, "alert.acknowledge", 200)))
                            .invoke(context::markAudited);
                }));
    }

    static AlertView view(Row r) {
        JsonObject payload = (JsonObject) r.getValue("payload");
        return new AlertView(r.getUUID("id"), r.getString("event"), r.getString("status"),
                instant(r, "created_at"), instant(r, "ack_due_at"), instant(r, "delivered_at"),
                instant(r, "acknowledged_at"), r.getString("duty_ref"), payload.getMap());
    }

    static Instant instant(Row r, String column) {
        var value = r.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
