package uk.safeguarding.gateway.referral;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;
import uk.safeguarding.gateway.problem.ApiException;

/** Implements {@code /api/v1/inbox}: the referrals the caller's agency received, soonest deadline first. */
@Path("/api/v1/inbox")
@Produces(MediaType.APPLICATION_JSON)
public class InboxResource {

    private static final Set<String> STATUSES = Set.of("PENDING", "ACKNOWLEDGED", "ACCEPTED", "DECLINED");

    private final ReferralService service;

    InboxResource(ReferralService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    public Uni<List<ReferralViews.InboxEntry>> inbox(@QueryParam("status") String status) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("status", "CODED_VALUE", "status must be one of " + STATUSES + ".");
        }
        return service.inbox(status);
    }
}
