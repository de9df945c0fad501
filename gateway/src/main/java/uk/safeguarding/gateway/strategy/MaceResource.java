package uk.safeguarding.gateway.strategy;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * Two lists built from strategy discussions: the multi-agency child exploitation (MACE) view of the
 * partnership (the active signatories of the area's protocol, {@code gateway.strategy.partnership-protocol}),
 * and the actions the caller's agency owns (beside its referral inbox, {@code /api/v1/inbox}). Ids and dates only: a child's identity
 * is released by the child's own routes, under their decisions.
 */
@Path("/api/v1")
@Tag(name = "Strategy discussions", description = "Multi-agency strategy discussions about a child (Working Together 2023): attendance, information shared (by category), the decision and the actions agreed, each owned by one agency with a due date.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MaceResource {

    public record Tracked(UUID childId, UUID discussionId, String convener, Instant heldAt, String decision,
            LocalDate nextReviewOn) {
    }

    private final Strategy strategy;
    private final RequestContext context;
    private final PolicyService policy;
    private final StrategyConfig config;
    private final GatewayClock clock;

    MaceResource(Strategy strategy, RequestContext context, PolicyService policy, StrategyConfig config, GatewayClock clock) {
        this.strategy = strategy;
        this.context = context;
        this.policy = policy;
        this.config = config;
        this.clock = clock;
    }

    @Operation(summary = "The MACE view: children the partnership tracks for exploitation",
        description = "For an agency of the partnership (an active signatory of the area's protocol): each child whose latest exploitation strategy discussion was convened by a partner, with its decision and next review date, soonest review first. Any other agency is refused (NOT_PARTNER).")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The children tracked, by id.",
        content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = Tracked.class)))
    @GET
    @Path("/mace")
    public Uni<List<Tracked>> mace() {
        Actor actor = context.requireActor();
        context.describe("strategy.mace", "mace", config.partnershipProtocol(), null);
        LocalDate today = LocalDate.ofInstant(clock.instant(), StrategyActionClock.LONDON);
        List<String> partnership = policy.engine().protocolSet().protocol(config.partnershipProtocol())
                .map(p -> p.signatories().stream().map(s -> s.agencyId()).filter(a -> p.hasSignatoryOn(a, today)).toList())
                .orElse(List.of());
        if (!partnership.contains(actor.agencyId())) {
            throw ApiException.forbidden("NOT_PARTNER", "The MACE view is the partnership's: your agency is not an active signatory of its protocol.");
        }
        return Panache.withTransaction(() -> strategy.discussions().exploitationTrackedBy(partnership)
                .map(list -> list.stream().map(d -> new Tracked(d.childId, d.id, d.convenerAgency, d.heldAt, d.decision,
                        d.nextReviewOn)).toList())
                .call(() -> strategy.audited("strategy.mace", 200)));
    }

    @Operation(summary = "The strategy actions the caller's agency owns",
        description = "Its part of the inbox: open actions first, soonest due first, each with its discussion; overdue ones are flagged (and raised as a duty that escalates to the convener).")
    @Parameter(ref = "PurposeOfUse")
    @APIResponse(responseCode = "200", description = "The actions.",
        content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = StrategyResource.ActionView.class)))
    @GET
    @Path("/strategy-actions")
    public Uni<List<StrategyResource.ActionView>> ownActions() {
        Actor actor = context.requireActor();
        context.describe("strategy.inbox", "strategy-action", null, null);
        return Panache.withTransaction(() -> strategy.actions().ownedBy(actor.agencyId()).chain(strategy::readable)
                .map(list -> list.stream().map(StrategyResource.ActionView::of).toList())
                .call(() -> strategy.audited("strategy.inbox", 200)));
    }
}
