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
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.child.Standings;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.referral.PartnershipDirectory;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.Decision;

/**
 * A child missing from home, in care or not, reported by the police, the council, or a school, a
 * provider or a health body through its agency, naming the child by any identifier it knows (a police
 * id will do) and the child's home council; the school (URN) and GP where known.
 *
 * <p>Need to know (docs/SECURITY.md): the report is decided before anything about the child is looked
 * up, on what the reporter will hold, the reporter of this episode; that relationship stands for this
 * episode only, so reporting gives no sight of records that existed before. The home council and its
 * police partner are routed by the partnership directory; the school and GP the reporter names take the
 * reporter's own standing and give the reporter nothing. The answer is the same whether or not the child
 * was known: it lists only the agencies this request named or was routed to, never those already
 * involved (they are told too), and a report while an episode is open joins that episode.
 */
@Path("/api/v1")
@Tag(name = "Missing episodes")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MissingFromHomeResource {

    static final String EVENT = "child-missing";
    static final String SOURCE_TYPE = "missing-episode";
    static final List<String> CATEGORIES = List.of("identity", "missing");

    /** How the reporter knows the child: any identifier system (NHS number, a force's person id, a case number). */
    public record ChildRef(String system, String value) {
    }

    /** A missing-from-home report. {@code school}: a URN or {@code school:<URN>}; {@code gp}: an ODS code or {@code nhs:<ODS>}. */
    public record Report(ChildRef child, String homeCouncil, String school, String gp, OffsetDateTime missingSince,
            String circumstances, String lastSeenLocation, Map<String, Object> identity) {
    }

    /** What the reporter gets back: the same shape whether or not the gateway knew the child. */
    public record Receipt(UUID id, UUID childId, Instant missingSince, List<String> recipients, String link) {
    }

    private final Pool pool;
    private final PlacementRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final ChildIndex children;
    private final Standings standings;
    private final Cases cases;
    private final MissingCases missingCases;
    private final PartnershipDirectory directory;
    private final GatewayClock clock;
    private final uk.safeguarding.gateway.child.Relationships relationships;

    MissingFromHomeResource(Pool pool, PlacementRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, ChildIndex children,
            Standings standings, Cases cases, MissingCases missingCases, PartnershipDirectory directory, GatewayClock clock,
            uk.safeguarding.gateway.child.Relationships relationships) {
        this.relationships = relationships;
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.children = children;
        this.standings = standings;
        this.cases = cases;
        this.missingCases = missingCases;
        this.directory = directory;
        this.clock = clock;
    }

    @Operation(summary = "Report a child missing from home (in care or not)",
        description = "By the police, the council, or a school, provider or health body: the child by any identifier, the home council and, where known, the school (URN) and GP. They are told with the protocol's deadlines alongside the agencies already involved. The reporter stands for this episode only; the answer is the same whether or not the child was known, and a report while an episode is open joins it. A third episode in 90 days raises a strategy-discussion duty to the home council.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = Report.class),
        examples = @ExampleObject(name = "example", value = "{\"child\": {\"system\": \"https://police.example/Id/met-person\", \"value\": \"MET-123\"}, \"homeCouncil\": \"la:E09000030\", \"school\": \"100000\", \"gp\": \"nhs:RQX\", \"missingSince\": \"2026-11-22T18:00:00Z\", \"circumstances\": \"Did not come home after school\", \"lastSeenLocation\": \"Mile End station\"}")))
    @APIResponse(responseCode = "201", description = "The episode, and only the agencies this report named or was routed to.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Receipt.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @POST
    @Path("/missing-episodes")
    public Uni<Response> report(Report body) {
        Actor actor = context.requireActor();
        context.describe("missing.report-from-home", "missing-episode", null, null);
        Checked in = check(body, actor.agencyId());
        // Decided on what the reporter will hold (the reporter of this new episode), before the child is
        // looked up: the decision cannot depend on, or reveal, whether the child is known.
        Decision refer = policy.decide(policy.request(actor, "refer", context.purpose().orElseThrow())
                .relationships(java.util.Set.of("missing-reporter")).categories(CATEGORIES).missing(true)
                .counterparty(in.mash().council()).build());
        context.decided(PolicyService.audited(refer, null, null));
        if (!refer.isPermit()) {
            throw PolicyService.denied(refer);
        }
        Instant now = clock.instant();
        Instant since = body.missingSince() == null ? now : body.missingSince().toInstant();
        if (since.isAfter(now)) {
            throw ApiException.badRequest("/missingSince", "IN_FUTURE", "missingSince cannot be in the future.");
        }
        return pool.withTransaction(tx -> children.resolve(tx, body.child().system(), body.child().value())
                .chain(child -> repository.openEpisode(tx, child.id()).chain(open -> relationships.directStanding(tx, actor.agencyId(),
                        actor.subject(), child.id()).chain(standing -> {
                    UUID childId = child.id();
                    // Only the child's provider or placing council confirms a missing episode by reporting it
                    // (as POST .../confirmation requires); anyone else's report waits for them, like the police's.
                    boolean selfConfirmed = standing.confirmedKinds().stream()
                            .anyMatch(k -> k.equals("provider") || k.equals("placing-authority"));
                    // A report joining an open episode stands for itself only: the reporter gets a new id for
                    // its report, never the episode someone else opened (which it could otherwise close).
                    UUID reportId = UUID.randomUUID();
                    UUID episodeId = open == null ? reportId : open.getUUID("id");
                    Instant episodeSince = open == null ? since : MissingResource.instant(open, "missing_since");
                    context.describe("missing.report-from-home", "missing-episode", episodeId.toString(), childId);
                    Uni<Void> stored = open != null ? Uni.createFrom().voidItem()
                            : repository.insertEpisodeFromHome(tx, episodeId, childId, actor.agencyId(), since,
                                    selfConfirmed ? now : null, selfConfirmed ? actor.agencyId() : null, in.roles());
                    MissingCases.EpisodeRoles roles = in.roles();
                    return stored
                            .chain(() -> standings.establish(tx, new Standings.Establish(childId, child.created(), EVENT,
                                    SOURCE_TYPE, reportId, List.of("missing-reporter"), null, in.named(), in.routed())))
                            .chain(() -> missingCases.caseOf(tx, childId, roles, actor.agencyId()))
                            .chain(c -> cases.record(tx, new Notifier.CaseEvent(UUID.randomUUID(), EVENT, childId,
                                            actor.agencyId(), now, "MISSING-RESPONSE", true,
                                            details(childId, episodeId, episodeSince, actor, body)), actor.subject(), c.contexts())
                                    .chain(() -> open != null ? Uni.createFrom().voidItem()
                                            : missingCases.checkRepeat(tx, childId, episodeId, since, now, c.main())))
                            .chain(() -> audit.record(tx, audit.entryFor(context, "missing.report-from-home", 201)))
                            .invoke(context::markAudited)
                            .replaceWith(new Receipt(reportId, childId, since, in.recipients(),
                                    "/api/v1/missing-episodes/" + reportId));
                }))))
                .map(r -> Response.created(URI.create(r.link())).entity(r).build());
    }

    /** The alert's content: what the reporter said, nothing the gateway held before (risk, placement). */
    private static Map<String, Object> details(UUID childId, UUID episodeId, Instant since, Actor actor, Report body) {
        Map<String, Object> missing = new LinkedHashMap<>();
        missing.put("episodeId", episodeId.toString());
        missing.put("missingSince", since.toString());
        missing.put("reportedBy", actor.agencyId());
        missing.put("fromHome", true);
        if (body.circumstances() != null) {
            missing.put("circumstances", body.circumstances());
        }
        if (body.lastSeenLocation() != null) {
            missing.put("lastSeenLocation", body.lastSeenLocation());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("identity", PlacementResource.identity(childId, null, body.identity()));
        details.put("missing", missing);
        return details;
    }

    /**
     * The report's agencies, checked: the home council's partnership, the school and GP as agency ids.
     * The reporter itself is never routed or named: a report must not give its own agency a relationship
     * with the whole child (a force that is the council's police partner reports as reporter only).
     */
    private record Checked(PartnershipDirectory.Mash mash, String school, String gp, String reporter) {

        List<Standings.Named> routed() {
            List<Standings.Named> routed = new ArrayList<>();
            add(routed, mash.council(), "home-council", mash.mashContact());
            add(routed, mash.police(), "home-police", mash.policeContact());
            return routed;
        }

        List<Standings.Named> named() {
            List<Standings.Named> named = new ArrayList<>();
            add(named, school, "school", null);
            add(named, gp, "gp", null);
            return named;
        }

        private void add(List<Standings.Named> to, String agency, String kind, String contact) {
            if (agency != null && !agency.equals(reporter)) {
                to.add(new Standings.Named(agency, kind, contact));
            }
        }

        /**
         * Roles for the episode's duties (the duty planner leaves out whoever raises an event; a role
         * grants nothing by itself: each recipient's alert is decided on its own relationships).
         */
        MissingCases.EpisodeRoles roles() {
            return new MissingCases.EpisodeRoles(mash.council(), mash.police(), school, gp, null);
        }

        List<String> recipients() {
            List<String> all = new ArrayList<>();
            routed().forEach(n -> all.add(n.agency()));
            named().forEach(n -> all.add(n.agency()));
            return List.copyOf(all);
        }
    }

    private Checked check(Report body, String reporter) {
        if (body == null) {
            throw ApiException.badRequest("body", "REQUIRED", "A missing report is required.");
        }
        if (body.child() == null || blank(body.child().system()) || blank(body.child().value())) {
            throw ApiException.badRequest("/child", "REQUIRED",
                    "child.system and child.value are required (any identifier you know the child by, a police id will do).");
        }
        if (blank(body.homeCouncil())) {
            throw ApiException.badRequest("/homeCouncil", "REQUIRED", "homeCouncil (la:<ONS code>) is required.");
        }
        PartnershipDirectory.Mash mash = directory.forCouncil(body.homeCouncil()).orElseThrow(() ->
                ApiException.badRequest("/homeCouncil", "UNKNOWN_HOME_COUNCIL",
                        "No partnership is known for this home council, so the report cannot be routed."));
        return new Checked(mash, agency("/school", body.school(), "school"), agency("/gp", body.gp(), "nhs"), reporter);
    }

    /** A URN or ODS code, or the agency id itself; it must be a signatory of a protocol in force. */
    private String agency(String field, String given, String type) {
        if (given == null) {
            return null;
        }
        String id = given.startsWith(type + ":") ? given : type + ":" + given;
        if (given.contains(":") && !given.startsWith(type + ":") || blank(id.substring(type.length() + 1))) {
            throw ApiException.badRequest(field, "AGENCY_TYPE", field.substring(1) + " must be an agency id of type " + type
                    + " or its code.");
        }
        if (!policy.isActiveSignatory(id)) {
            throw ApiException.badRequest(field, "NOT_SIGNATORY", field.substring(1) + " is not a signatory of a protocol in force.");
        }
        return id;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
