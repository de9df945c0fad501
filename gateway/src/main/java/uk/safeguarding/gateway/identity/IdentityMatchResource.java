package uk.safeguarding.gateway.identity;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * Identity matches (docs/IDENTITY.md): proposals that two child records are one child, confirmed side
 * by side by agencies that already held confirmed standing on each, merged as a link and unmerged by
 * ending it. Only agencies with confirmed standing on one side know a proposal exists; anyone else gets
 * the 404 of a random id. Views carry ids, identifier systems and the kinds of key that matched: never
 * a name, a date of birth, a postcode or an identifier's value.
 */
@Path("/api/v1/identity-matches")
@Tag(name = "Identity matches", description = "Proposals that two child records are the same child, their confirmation by an agency holding confirmed standing on each side, the merge (a link resolved on every read) and the unmerge.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class IdentityMatchResource {

    static final List<String> STATUSES = List.of(IdentityMatch.PROPOSED, IdentityMatch.MERGED, IdentityMatch.REFUSED,
            IdentityMatch.UNMERGED);

    /** An identifier an agency knows a child by. */
    public record Identifier(String system, String value) {
    }

    /** A proposal: the caller's child, and the other by id (one the caller holds) or by identifier. */
    public record NewMatch(UUID childId, UUID otherChildId, Identifier otherIdentifier) {
    }

    /** One side: the child's id, the systems of its identifiers, whether it is confirmed, and whether by the caller's agency's standing it can be. */
    public record Side(UUID childId, List<String> identifierSystems, boolean confirmed, boolean yours) {
    }

    @Schema(name = "IdentityMatch")
    public record MatchView(UUID id, String status, String origin, List<String> reasonKeys, Side newChild, Side candidate,
            Instant createdAt, Instant closedAt) {
    }

    /** Days a refused pair cannot be proposed again (a refusal is not to be worn down by repetition). */
    static final int REFUSAL_COOL_DOWN_DAYS = 30;

    private final Identity identity;
    private final IdentityAccess access;
    private final MatchRepository matches;
    private final ChildIndex children;
    private final Relationships relationships;
    private final RequestContext context;
    private final GatewayClock clock;
    private final Pool pool;

    IdentityMatchResource(Identity identity, IdentityAccess access, MatchRepository matches, ChildIndex children,
            Relationships relationships, RequestContext context, GatewayClock clock, Pool pool) {
        this.identity = identity;
        this.access = access;
        this.matches = matches;
        this.children = children;
        this.relationships = relationships;
        this.context = context;
        this.clock = clock;
        this.pool = pool;
    }

    @Operation(summary = "Identity matches the caller's agency may act on",
        description = "Proposals about a child the caller's agency holds confirmed child-wide standing on (not an asserted claim, not a referrer's own-record standing), newest first, at most 200. Ids, identifier systems and the kinds of matching key only.")
    @Parameter(ref = "PurposeOfUse")
    @Parameter(name = "status", description = "Only matches in this status: PROPOSED, MERGED, REFUSED or UNMERGED.")
    @APIResponse(responseCode = "200", description = "The matches.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = MatchView[].class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @GET
    public Uni<List<MatchView>> list(@QueryParam("status") String status) {
        Actor actor = context.requireActor();
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("status", "STATUS", "status must be one of " + STATUSES + ".");
        }
        context.describe("identity.list", "identity-match", null, null);
        return access.visibleMatches(pool, actor.agencyId(), actor.subject(), status)
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<IdentityMatch>of())
                        : Panache.withSession(() -> matches.list("id in ?1 order by createdAt desc, id", ids)))
                .chain(found -> views(actor, found));
    }

    @Operation(summary = "Propose that two child records are the same child",
        description = "By an agency holding confirmed child-wide standing on `childId`; the other child by `otherChildId` (one the caller holds any standing with) or `otherIdentifier`. A child the caller may not name answers 404 like a random id. The two children must share a matching key (400 NO_SHARED_MATCHING_KEY naming the field otherwise; the kinds shared are recorded as reasonKeys, never the keys); a pair refused in the last 30 days is 409 REFUSED_RECENTLY. Nothing merges: an agency with confirmed standing on each side must confirm (POST /{id}/confirm). The same child twice is 400 SAME_CHILD; the caller's child already merged is 409 ALREADY_LINKED (the other child's link is checked when the merge is made); an open proposal for the pair is 409 PROPOSAL_OPEN.")
    @Parameter(ref = "PurposeOfUse")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = NewMatch.class),
        examples = @ExampleObject(name = "example", value = "{\"childId\": \"3f9a1c2e-1b7d-4c55-9a57-1f0d7b9a6c11\", \"otherIdentifier\": {\"system\": \"https://fhir.nhs.uk/Id/nhs-number\", \"value\": \"9434765919\"}}")))
    @APIResponse(responseCode = "201", description = "The proposal.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = MatchView.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    public Uni<Response> propose(NewMatch body) {
        Actor actor = context.requireActor();
        if (body == null || body.childId() == null) {
            throw ApiException.badRequest("childId", "REQUIRED", "childId is required: a child your agency holds confirmed standing on.");
        }
        boolean byId = body.otherChildId() != null;
        Identifier other = body.otherIdentifier();
        if (byId == (other != null)) {
            throw ApiException.badRequest("otherChildId", "ONE_OF", "Give exactly one of otherChildId and otherIdentifier.");
        }
        if (other != null && (other.system() == null || other.system().isBlank() || other.value() == null || other.value().isBlank())) {
            throw ApiException.badRequest("otherIdentifier", "REQUIRED", "otherIdentifier needs a system and a value.");
        }
        context.describe("identity.propose", "identity-match", null, body.childId());
        Uni<Optional<UUID>> otherChild = byId
                // An internal id is known only to those holding the child: without standing, it is a random id.
                ? relationships.standing(pool, actor.agencyId(), actor.subject(), body.otherChildId())
                        .map(s -> s.isEmpty() ? Optional.<UUID>empty() : Optional.of(body.otherChildId()))
                : children.find(pool, other.system(), other.value());
        return access.confirmedAmong(pool, actor.agencyId(), actor.subject(), List.of(body.childId()))
                .chain(mine -> mine.isEmpty() ? Uni.createFrom().failure(ApiException.notFound()) : otherChild)
                .chain(found -> {
                    UUID otherId = found.orElseThrow(ApiException::notFound);
                    if (otherId.equals(body.childId())) {
                        throw ApiException.badRequest(byId ? "otherChildId" : "otherIdentifier", "SAME_CHILD",
                                "The other child is the same child: a match needs two different records.");
                    }
                    String field = byId ? "otherChildId" : "otherIdentifier";
                    return access.refusedWithin(pool, otherId, body.childId(), REFUSAL_COOL_DOWN_DAYS).chain(refused -> {
                        if (refused) {
                            throw new ApiException(409, "REFUSED_RECENTLY", "A proposal about these two children was refused "
                                    + "in the last " + REFUSAL_COOL_DOWN_DAYS + " days: the pair cannot be proposed again until then.",
                                    List.of());
                        }
                        return access.sharedKeyKinds(pool, otherId, body.childId());
                    }).map(shared -> {
                        if (shared.isEmpty()) {
                            throw ApiException.badRequest(field, "NO_SHARED_MATCHING_KEY", "The two children share no "
                                    + "matching key (family name and date of birth, their phonetic form and initial, or date "
                                    + "of birth, postcode district and initial): nothing supports that they are one child.");
                        }
                        return Map.entry(otherId, shared);
                    });
                })
                .chain(pair -> {
                    UUID otherId = pair.getKey();
                    List<String> shared = pair.getValue();
                    IdentityMatch m = new IdentityMatch();
                    m.id = UUID.randomUUID();
                    m.reasonKeys = String.join(",", shared);
                    m.newChildId = otherId;
                    m.candidateChildId = body.childId();
                    m.origin = "proposed";
                    m.proposedByAgency = actor.agencyId();
                    m.proposedBySubject = actor.subject();
                    m.status = IdentityMatch.PROPOSED;
                    m.createdAt = clock.instant();
                    return involved(actor, m.newChildId, m.candidateChildId)
                            .chain(involved -> Panache.withTransaction(() -> identity.propose(m, involved, actor)))
                            .chain(saved -> views(actor, List.of(saved)));
                })
                .map(v -> Response.created(URI.create("/api/v1/identity-matches/" + v.get(0).id())).entity(v.get(0)).build());
    }

    @Operation(summary = "Confirm a match for your side",
        description = "By an agency holding confirmed child-wide standing on one side (or both): records its confirmation for one side it holds (one side per request). The two sides are confirmed by two agencies, or, when one agency alone holds both children, the second by another person of it with the supervisor or dpo role (403 FOUR_EYES_REQUIRED; 409 SECOND_AGENCY_REQUIRED when another agency holds that side). When both sides are confirmed the two records are merged: a link every read resolves, nothing rewritten. A match the caller holds no confirmed standing on answers 404 like a random id; confirming twice is 409 ALREADY_CONFIRMED; a closed one 409 MATCH_CLOSED.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The match.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = MatchView.class)))
    @APIResponse(responseCode = "403", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/{id}/confirm")
    public Uni<MatchView> confirm(@PathParam("id") UUID id) {
        return act(id, "identity.confirm", identity::confirm);
    }

    @Operation(summary = "Refuse a match",
        description = "By an agency holding confirmed child-wide standing on either side: closes the proposal. 404 as for a random id otherwise; 409 MATCH_CLOSED when already closed.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The match.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = MatchView.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/{id}/refuse")
    public Uni<MatchView> refuse(@PathParam("id") UUID id) {
        return act(id, "identity.refuse", identity::refuse);
    }

    @Operation(summary = "Unmerge",
        description = "By an agency holding confirmed child-wide standing on either side: ends the merge's link (it is kept, ended). Each record then reads exactly as before the merge; what was written during it stays with the record it was written for. 404 as for a random id otherwise; 409 NOT_MERGED.")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The match.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = MatchView.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/{id}/unmerge")
    public Uni<MatchView> unmerge(@PathParam("id") UUID id) {
        return act(id, "identity.unmerge", identity::unmerge);
    }

    /** A step on an existing match: who may act is read first (direct confirmed standing), then the session. */
    private Uni<MatchView> act(UUID id, String action, Step step) {
        Actor actor = context.requireActor();
        context.describe(action, "identity-match", id.toString(), null);
        return access.sides(pool, actor.agencyId(), actor.subject(), id).chain(found -> {
            IdentityAccess.Sides sides = found.orElseThrow(ApiException::notFound);
            return involved(actor, sides.newChild(), sides.candidate())
                    .chain(involved -> Panache.withTransaction(() -> step.apply(id, sides.mine(), involved, actor)));
        }).chain(m -> views(actor, List.of(m))).map(v -> v.get(0));
    }

    interface Step {
        Uni<IdentityMatch> apply(UUID id, Set<UUID> mine, List<String> involved, Actor actor);
    }

    /** The agencies a step concerns: those with confirmed standing on either side, and the actor's. */
    private Uni<List<String>> involved(Actor actor, UUID one, UUID other) {
        return access.agenciesConfirmedOn(pool, one, other).map(list -> {
            Set<String> all = new LinkedHashSet<>(list);
            all.add(actor.agencyId());
            return List.copyOf(new java.util.TreeSet<>(all));
        });
    }

    private Uni<List<MatchView>> views(Actor actor, List<IdentityMatch> found) {
        if (found.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<UUID> ids = new ArrayList<>();
        found.forEach(m -> {
            ids.add(m.newChildId);
            ids.add(m.candidateChildId);
        });
        return access.identifierSystems(pool, ids).chain(systems -> access.confirmedAmong(pool, actor.agencyId(),
                actor.subject(), ids).map(mine -> found.stream().map(m -> new MatchView(m.id, m.status, m.origin,
                        m.reasonKeys == null || m.reasonKeys.isEmpty() ? List.of() : Arrays.asList(m.reasonKeys.split(",")),
                        side(m.newChildId, m.newConfirmedBy != null, systems, mine),
                        side(m.candidateChildId, m.candidateConfirmedBy != null, systems, mine), m.createdAt, m.closedAt))
                .toList()));
    }

    private static Side side(UUID child, boolean confirmed, Map<UUID, List<String>> systems, Set<UUID> mine) {
        // Identifier systems name the services that know a child (a local id's system names its agency):
        // only an agency holding that child sees them, never a proposer holding the other side.
        return new Side(child, mine.contains(child) ? systems.getOrDefault(child, List.of()) : List.of(), confirmed,
                mine.contains(child));
    }
}
