package uk.safeguarding.gateway.audit;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * Makes "every request writes an audit record" true by construction: a request whose handler did
 * not record itself inside its transaction (reads, denials, failures) is recorded here, after the
 * response status is known.
 */
public class AuditSafetyNet {

    private static final Logger LOG = Logger.getLogger(AuditSafetyNet.class);

    private final RequestContext context;
    private final AuditTrail trail;
    private final io.quarkus.security.identity.SecurityIdentity identity;

    AuditSafetyNet(RequestContext context, AuditTrail trail, io.quarkus.security.identity.SecurityIdentity identity) {
        this.context = context;
        this.trail = trail;
        this.identity = identity;
    }

    @ServerResponseFilter
    public Uni<Void> recordUnaudited(ContainerRequestContext request, ContainerResponseContext response,
            SimpleResourceInfo resource) {
        String path = request.getUriInfo().getPath();
        context.adoptIdentity(identity);
        // Console pages are audited like API calls: a page that called no API method is recorded here.
        // No verified actor (a missing or rejected token): TokenRejections has recorded the 401, capped.
        if (context.audited() || context.actor().isEmpty() || !(path.startsWith("/api/") || path.startsWith("/fhir")
                || path.startsWith("/console/"))) {
            return Uni.createFrom().voidItem();
        }
        String action = request.getMethod() + " " + (resource == null || resource.getResourceClass() == null
                ? path : resource.getResourceClass().getSimpleName() + "." + resource.getMethodName());
        context.markAudited();
        return trail.recordStandalone(trail.entryFor(context, action, response.getStatus()))
                .onFailure().invoke(e -> LOG.errorf(e, "Audit record for request %s could not be written", context.requestId()))
                .onFailure().recoverWithNull();
    }
}
