package uk.safeguarding.gateway.child;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * "Who else is involved": for an agency with a relationship to the child, which agencies are
 * involved, how, how to contact them and since when; never their content. The engine decides the
 * protocol's {@code list-involvement} action; no relationship is a 404.
 */
@Path("/api/v1/children/{childId}/involvement")
@Produces(MediaType.APPLICATION_JSON)
public class InvolvementResource {

    private final Pool pool;
    private final PolicyService policy;
    private final Relationships relationships;
    private final RequestContext context;

    InvolvementResource(Pool pool, PolicyService policy, Relationships relationships, RequestContext context) {
        this.pool = pool;
        this.policy = policy;
        this.relationships = relationships;
        this.context = context;
    }

    @GET
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    public Uni<List<Relationships.Involvement>> involvement(@PathParam("childId") UUID childId) {
        context.describe("child.involvement", "Child", childId.toString(), childId);
        // The protocol's list-involvement action: any live relationship with the child, never content.
        // The gateway's own index is the source; the child as a whole is the record (an unconfirmed claim
        // to a child others already know shows nothing of who they are).
        return policy.authorise(pool, uk.safeguarding.gateway.policy.Target.wholeChild(childId,
                        uk.safeguarding.gateway.policy.Target.GATEWAY), "list-involvement", List.of("identity"), b -> b)
                .chain(decision -> relationships.involvedWithLinked(pool, childId));
    }
}
