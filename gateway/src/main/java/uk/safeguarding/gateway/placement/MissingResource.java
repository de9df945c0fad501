package uk.safeguarding.gateway.placement;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
 * Missing episodes (reported by the provider or the police), the child being found, the 72-hour
 * return home interview, and the Philomena profile, which the host police may read only while the
 * child is missing (the engine decides, told whether the child is missing now).
 */
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

    /** The newest Philomena profile version. */
    public record Philomena(UUID childId, UUID version, Instant recordedAt, String recordedBy, Map<String, Object> profile) {
    }

    private final Pool pool;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final Cases cases;
    private final GatewayClock clock;
    private final Notifier notifier;
    private final MissingCases missingCases;
    private final ReturnInterviews interviews;

    MissingResource(Pool pool, RequestContext context, AuditTrail audit, PolicyService policy, Cases cases,
            GatewayClock clock, Notifier notifier, MissingCases missingCases, ReturnInterviews interviews) {
        this.notifier = notifier;
        this.missingCases = missingCases;
        this.interviews = interviews;
        this.pool = pool;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.cases = cases;
        this.clock = clock;
    }

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
                .chain(placement -> tx.preparedQuery("""
                                INSERT INTO missing_episode (id, child_id, placement_id, reported_by, missing_since,
                                    confirmed_at, confirmed_by)
                                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
                                """)
                        .execute(Tuple.from(new Object[] {episodeId, childId, placement.map(Cases.Placement::id).orElse(null),
                                actor.agencyId(), since.atOffset(ZoneOffset.UTC),
                                selfConfirmed ? now.atOffset(ZoneOffset.UTC) : null, selfConfirmed ? actor.agencyId() : null}))
                        .chain(rows -> {
                            if (rows.rowCount() == 0) {
                                throw new ApiException(409, "ALREADY_MISSING",
                                        "This child already has an open missing episode; report found first.", List.of());
                            }
                            return philomenaExists(tx, childId);
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

    @POST
    @Path("/missing-episodes/{id}/found")
    public Uni<Episode> found(@PathParam("id") UUID id, FoundReport body) {
        Actor actor = context.requireActor();
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        Instant foundAt = body == null || body.foundAt() == null ? now : body.foundAt().toInstant();
        context.describe("missing.found", "missing-episode", id.toString(), null);
        return pool.withTransaction(tx -> episode(tx, id).chain(row -> {
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
                        return tx.preparedQuery("""
                                        UPDATE missing_episode SET found_at = $2, found_reported_by = $3, rhi_due_at = $4,
                                            rhi_service = $5
                                        WHERE id = $1 AND found_at IS NULL
                                        """)
                                .execute(Tuple.of(id, foundAt.atOffset(ZoneOffset.UTC), actor.agencyId(),
                                        rhiDue.atOffset(ZoneOffset.UTC), ctx.agencies().get("rhi-service")))
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

    /** The placing authority stores (a new version of) the child's Philomena profile. */
    @PUT
    @Path("/children/{childId}/philomena")
    public Uni<Response> storePhilomena(@PathParam("childId") UUID childId, Map<String, Object> profile) {
        Actor actor = context.requireActor();
        if (profile == null || profile.isEmpty()) {
            throw ApiException.badRequest("body", "REQUIRED", "A profile (JSON object) is required.");
        }
        UUID version = UUID.randomUUID();
        context.describe("philomena.store", "philomena-profile", version.toString(), childId);
        Target whole = Target.wholeChild(childId, actor.agencyId());
        return pool.withTransaction(tx -> policy.authorised(tx, whole, "read", List.of("placement"), b -> b)
                .invoke(a -> PlacementResource.requireKind(a.standing(), whole, Set.of("placing-authority")))
                .chain(() -> tx.preparedQuery("INSERT INTO philomena_profile (id, child_id, recorded_at, recorded_by, profile) VALUES ($1, $2, $3, $4, $5)")
                        .execute(Tuple.of(version, childId, clock.instant().atOffset(ZoneOffset.UTC), actor.agencyId(),
                                new JsonObject(profile))))
                .chain(() -> audit.record(tx, audit.entryFor(context, "philomena.store", 201)))
                .invoke(context::markAudited))
                .map(v -> Response.created(URI.create("/api/v1/children/" + childId + "/philomena"))
                        .entity(Map.of("childId", childId, "version", version)).build());
    }

    /** Released by the engine to the host police only while the child is missing; every release audited in full. */
    @GET
    @Path("/children/{childId}/philomena")
    public Uni<Philomena> readPhilomena(@PathParam("childId") UUID childId) {
        context.describe("philomena.read", "philomena-profile", null, childId);
        Actor reader = context.requireActor();
        // Read the newest profile first to name its owner as the data's source, but reveal nothing of it
        // (not even whether there is one) until the engine has decided.
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT * FROM philomena_profile WHERE child_id = $1 ORDER BY recorded_at DESC LIMIT 1")
                .execute(Tuple.of(childId))
                .chain(rows -> cases.isMissing(tx, childId, reader).chain(missing -> {
                    Row found = rows.iterator().hasNext() ? rows.iterator().next() : null;
                    Target whole = Target.wholeChild(childId, found == null ? Target.GATEWAY : found.getString("recorded_by"));
                    return policy.authorise(tx, whole, "read", List.of("philomena"), b -> b.missing(missing))
                        .chain(decision -> {
                            if (found == null) {
                                throw ApiException.notFound();
                            }
                            Row r = found;
                            context.describe("philomena.read", "philomena-profile", r.getUUID("id").toString(), childId);
                            Philomena p = new Philomena(childId, r.getUUID("id"), instant(r, "recorded_at"),
                                    r.getString("recorded_by"), ((JsonObject) r.getValue("profile")).getMap());
                            // The release is audited in full, and its owner told (the clause's obligations).
                            return notifier.notifyOwner(tx, decision, r.getString("recorded_by"), childId,
                                            "philomena-profile", r.getUUID("id").toString(), context.requireActor(),
                                            context.purpose().orElseThrow().code(), clock.instant())
                                    .chain(() -> audit.record(tx, audit.entryFor(context, "philomena.read", 200)))
                                    .invoke(context::markAudited)
                                    .replaceWith(p);
                        });
                })));
    }

    /**
     * The provider or the placing council confirms that the child the police reported missing is
     * missing: from then on what is held only while the child is missing (the Philomena profile) is
     * released to the police as the protocol says. Confirming twice changes nothing.
     */
    @POST
    @Path("/missing-episodes/{id}/confirmation")
    public Uni<Episode> confirmMissing(@PathParam("id") UUID id) {
        Actor actor = context.requireActor();
        Instant now = clock.instant();
        context.describe("missing.confirm", "missing-episode", id.toString(), null);
        return pool.withTransaction(tx -> episode(tx, id).chain(row -> {
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
                        return tx.preparedQuery("""
                                        UPDATE missing_episode SET confirmed_at = coalesce(confirmed_at, $2),
                                            confirmed_by = coalesce(confirmed_by, $3) WHERE id = $1 RETURNING *
                                        """)
                                .execute(Tuple.of(id, now.atOffset(ZoneOffset.UTC), actor.agencyId()));
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

    static Uni<Row> episode(SqlClient tx, UUID id) {
        return tx.preparedQuery("SELECT * FROM missing_episode WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    return rows.iterator().next();
                });
    }

    private static Uni<Boolean> philomenaExists(SqlClient tx, UUID childId) {
        return tx.preparedQuery("SELECT 1 FROM philomena_profile WHERE child_id = $1 LIMIT 1").execute(Tuple.of(childId))
                .map(rows -> rows.iterator().hasNext());
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
