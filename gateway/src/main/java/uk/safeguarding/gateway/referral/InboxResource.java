package uk.safeguarding.gateway.referral;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.gateway.strategy.Strategy;

/**
 * Implements {@code /api/v1/inbox}: the referrals the caller's agency received, soonest deadline first,
 * then the strategy actions it owns, overdue first. Every entry names its {@code kind}, so a client that
 * knew only referral entries asks for {@code kind=referral} and gets the answer it always had.
 */
@Path("/api/v1/inbox")
@Produces(MediaType.APPLICATION_JSON)
public class InboxResource {

    public static final String REFERRAL = "referral";
    static final String ACTION = "strategy-action";
    private static final Set<String> STATUSES = Set.of("PENDING", "ACKNOWLEDGED", "ACCEPTED", "DECLINED");
    private static final Set<String> ACTION_STATUSES = Set.of("OPEN", "DONE", "CANCELLED");
    private static final int LIMIT = 200;

    private final ReferralService service;
    private final Strategy strategy;
    private final RequestContext context;

    InboxResource(ReferralService service, Strategy strategy, RequestContext context) {
        this.service = service;
        this.strategy = strategy;
        this.context = context;
    }

    @GET
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    public Uni<List<Object>> inbox(@QueryParam("status") String status, @QueryParam("kind") String kind) {
        context.describe("referral.inbox", ReferralService.RESOURCE_TYPE, null, null);
        if (kind != null && !REFERRAL.equals(kind) && !ACTION.equals(kind)) {
            throw ApiException.badRequest("kind", "CODED_VALUE", "kind must be one of [" + REFERRAL + ", " + ACTION + "].");
        }
        if (status != null && !STATUSES.contains(status) && !ACTION_STATUSES.contains(status)) {
            throw ApiException.badRequest("status", "CODED_VALUE",
                    "status must be one of " + STATUSES + " (referrals) or " + ACTION_STATUSES + " (strategy actions).");
        }
        // A status belongs to one kind of entry: it narrows the inbox to that kind.
        boolean referrals = !ACTION.equals(kind) && (status == null || STATUSES.contains(status));
        boolean actions = !REFERRAL.equals(kind) && (status == null || ACTION_STATUSES.contains(status));
        Uni<List<ReferralViews.InboxEntry>> received = referrals ? service.inbox(status) : Uni.createFrom().item(List.of());
        return received.chain(entries -> (actions ? strategy.inbox(context.requireActor().agencyId(), status, LIMIT)
                        : Uni.createFrom().item(List.<Strategy.InboxAction>of()))
                .map(owned -> {
                    List<Object> all = new ArrayList<>(entries);
                    all.addAll(owned);
                    return all;
                }));
    }
}
