package uk.safeguarding.gateway.audit.anomaly;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.dpo.DpoAccess;
import uk.safeguarding.gateway.limits.StorableText;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The DPO's review queue of anomaly flags. Listing is audited like every DPO request; resolving
 * writes the flag's new state and its audit record in one transaction. A DPO sees and resolves only
 * flags whose {@code agencies} include their scope's (the engine's decision, {@link DpoAccess}); another
 * agency's flag answers exactly as an id that does not exist, whatever its state.
 */
@Tag(name = "Audit", description = "The DPO's API: audit search and export, verification, disclosure reports, anomaly flags; within the DPO's scope, decided by the dpo-oversight protocol.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@APIResponse(responseCode = "400", ref = "Problem")
@Path("/api/v1/audit/anomalies")
@RolesAllowed("dpo")
public class AnomalyResource {

    static final Set<String> KINDS = Set.of("NO_RELATIONSHIP", "BULK_READS", "OUT_OF_HOURS", "OVERRIDE", "REPEATED_DENIALS",
            "SIGNATORY_SUSPENDED", "SIGNATORY_REVOKED", "ASSERTED_STANDING", "STANDING_OVERRIDE", "STANDING_DECIDED", "CONSENT_LOOSENED", "CONSENT_TIGHTENED",
            "SECRET_ISSUED", "PARTNERSHIP_VIEW", "MISSING_UNCONFIRMED");
    private static final Set<String> STATUSES = Set.of("OPEN", "RESOLVED", "ALL");
    private static final int MAX_NOTE = 2000;
    /** A flag as the DPO sees it. {@code firstEventId} leads to the evidence in the audit search. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Anomaly(UUID id, String kind, Instant detectedAt, String agency, String subject, UUID childId,
            Instant windowStart, Instant windowEnd, int eventCount, UUID firstEventId, Instant lastEventAt, String summary,
            String status, Instant resolvedAt, String resolvedBy, String resolutionNote) {
    }

    /** The DPO's note on how the flag was reviewed. */
    public record Resolution(String note) {
    }

    private final Pool pool;
    private final AnomalyRepository repository;
    private final AuditTrail trail;
    private final RequestContext context;
    private final DpoAccess dpo;

    AnomalyResource(Pool pool, AnomalyRepository repository, AuditTrail trail, RequestContext context, DpoAccess dpo) {
        this.pool = pool;
        this.repository = repository;
        this.trail = trail;
        this.context = context;
        this.dpo = dpo;
    }

    /**
     * Flags, newest first: {@code status} OPEN (default), RESOLVED or ALL; optionally one {@code kind} and
     * one {@code user} (token subject).
     */
    @Operation(summary = "The DPO's review queue of anomaly flags",
        description = "Newest first: status OPEN (default), RESOLVED or ALL, optionally one kind and one user (token subject); only flags naming the DPO's agency (scope=partnership: a lead DPO's partnership view).")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The flags.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Anomaly.class, type = SchemaType.ARRAY)))
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<List<Anomaly>> list(@QueryParam("status") String status, @QueryParam("kind") String kind,
            @QueryParam("user") String user, @QueryParam("limit") String limit, @QueryParam("scope") String scope) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String chosen = status == null || status.isBlank() ? "OPEN" : status;
        if (!STATUSES.contains(chosen)) {
            errors.add(new Problem.FieldError("status", "UNKNOWN_STATUS", "status must be OPEN, RESOLVED or ALL."));
        }
        if (kind != null && !kind.isBlank() && !KINDS.contains(kind)) {
            errors.add(new Problem.FieldError("kind", "UNKNOWN_KIND", "kind must be one of " + KINDS + "."));
        }
        int max = 100;
        if (limit != null && !limit.isBlank()) {
            try {
                max = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1 || max > 500) {
                errors.add(new Problem.FieldError("limit", "OUT_OF_RANGE", "limit must be between 1 and 500."));
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "INVALID_FILTER", "One or more filters are invalid; see errors.", errors);
        }
        int most = max;
        return dpo.open(DpoAccess.SEARCH, "audit.anomalies.review", "AuditAnomaly", null, null, scope)
                .chain(granted -> repository.find(granted, chosen, kind == null || kind.isBlank() ? null : kind,
                        user == null || user.isBlank() ? null : user, most)).map(rows -> {
                    List<Anomaly> anomalies = new ArrayList<>();
                    for (Row row : rows) {
                        anomalies.add(read(row));
                    }
                    return anomalies;
                });
    }

    /**
     * Closes a flag in the DPO's scope with their note; 409 if it was already resolved. A flag out of
     * scope is 404 like a random id: scope is checked before state, in the same statement.
     */
    @Operation(summary = "Resolve a flag with the DPO's note",
        description = "Scope is checked before state, in the same statement: a flag out of scope is 404 like a random id; 409 ALREADY_RESOLVED.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = Resolution.class),
                        examples = @ExampleObject(name = "example", value = "{\"note\": \"Reviewed with the team manager: access during a strategy discussion, as expected.\"}"))})
    @APIResponse(responseCode = "200", description = "Resolved.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Anomaly.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/{id}/resolve")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Anomaly> resolve(@PathParam("id") String id, @QueryParam("scope") String scope, Resolution resolution) {
        List<Problem.FieldError> errors = new ArrayList<>();
        UUID anomalyId = null;
        try {
            anomalyId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError("id", "NOT_A_UUID", "id must be a UUID."));
        }
        String note = resolution == null ? null : resolution.note();
        if (note == null || note.isBlank()) {
            errors.add(new Problem.FieldError("/note", "REQUIRED", "Say how the flag was reviewed and why it can be closed."));
        } else if (note.length() > MAX_NOTE) {
            errors.add(new Problem.FieldError("/note", "TOO_LONG", "note is at most " + MAX_NOTE + " characters."));
        } else if (!StorableText.storable(note)) {
            // The console's form reaches here without passing the JSON body check.
            errors.add(new Problem.FieldError("/note", StorableText.RULE, "note contains a character that cannot be stored"
                    + " (U+0000, or half of a UTF-16 surrogate pair)."));
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, "INVALID_RESOLUTION", "The resolution is invalid; see errors.", errors);
        }
        UUID flag = anomalyId;
        String resolver = context.requireActor().subject();
        return dpo.open(DpoAccess.SEARCH, "audit.anomalies.resolve", "AuditAnomaly", id, null, scope)
                .chain(granted -> pool.withTransaction(tx -> {
                    return repository.resolve(tx, granted, flag, resolver, note)
                        .chain(rows -> {
                            if (rows.size() == 0) {
                                return repository.existsInScope(tx, granted, flag)
                                        .map(found -> {
                                            throw !found ? ApiException.notFound()
                                                    : new ApiException(409, "ALREADY_RESOLVED", "This flag was already resolved.", List.of());
                                        });
                            }
                            Anomaly resolved = read(rows.iterator().next());
                            context.describe("audit.anomalies.resolve", "AuditAnomaly", id, resolved.childId());
                            // The resolution and its audit record commit together, or neither does.
                            return trail.record(tx, trail.entryFor(context, "audit.anomalies.resolve", 200)).replaceWith(resolved);
                        });
                }))
                .invoke(ignored -> context.markAudited());
    }

    private static Anomaly read(Row row) {
        return new Anomaly(row.getUUID("id"), row.getString("kind"), instant(row, "detected_at"), row.getString("actor_agency"),
                row.getString("actor_subject"), row.getUUID("child_id"), instant(row, "window_start"),
                instant(row, "window_end"), row.getInteger("event_count"), row.getUUID("first_event_id"),
                instant(row, "last_event_at"), row.getString("summary"), row.getString("status"),
                instant(row, "resolved_at"), row.getString("resolved_by"), row.getString("resolution_note"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
