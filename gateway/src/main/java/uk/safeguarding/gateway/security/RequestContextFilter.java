package uk.safeguarding.gateway.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import uk.safeguarding.gateway.problem.ApiException;

/** Builds the {@link RequestContext} once per request and refuses a missing or unknown purpose. */
public class RequestContextFilter {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RequestContextFilter.class);

    private final RequestContext context;
    private final SecurityIdentity identity;

    RequestContextFilter(RequestContext context, SecurityIdentity identity) {
        this.context = context;
        this.identity = identity;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION + 10)
    public void begin(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest http) {
        context.begin(request.getHeaderString(RequestContext.REQUEST_ID_HEADER),
                http.remoteAddress() == null ? null : http.remoteAddress().hostAddress());
        MDC.put("requestId", context.requestId());
        context.writes(request.getMethod());
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return;
        }
        context.actor(actorFrom(token, identity.getRoles()));
        if (exempt(resource)) {
            return;
        }
        List<String> offered = request.getHeaders().get(PurposeOfUse.HEADER);
        if (offered == null || offered.isEmpty() || offered.get(0).isBlank()) {
            throw ApiException.badRequest(PurposeOfUse.HEADER, "PURPOSE_REQUIRED",
                    "The " + PurposeOfUse.HEADER + " header is required: one of " + PurposeOfUse.allowedCodes() + ".");
        }
        if (offered.size() > 1) {
            throw ApiException.badRequest(PurposeOfUse.HEADER, "PURPOSE_AMBIGUOUS",
                    "Send exactly one " + PurposeOfUse.HEADER + " header.");
        }
        PurposeOfUse purpose = PurposeOfUse.fromCode(offered.get(0).trim()).orElseThrow(() ->
                ApiException.badRequest(PurposeOfUse.HEADER, "PURPOSE_UNKNOWN",
                        "The " + PurposeOfUse.HEADER + " header must be one of " + PurposeOfUse.allowedCodes() + "."));
        context.purpose(purpose);
    }

    @ServerResponseFilter
    public void end(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource) {
        response.getHeaders().putSingle(RequestContext.REQUEST_ID_HEADER, context.requestId());
        // The operation, never the path or query (they may carry identifiers a log must not hold);
        // the line carries the request and trace ids from the MDC like every other line of the request.
        if (LOG.isTraceEnabled() && resource.getResourceMethod() != null) {
            LOG.tracef("%s %s.%s answered %d", request.getMethod(), resource.getResourceClass().getSimpleName(),
                    resource.getResourceMethod().getName(), response.getStatus());
        }
        MDC.remove("requestId");
    }

    static Actor actorFrom(JsonWebToken token, Set<String> roles) {
        String username = token.getClaim("preferred_username");
        boolean serviceAccount = username != null && username.startsWith("service-account-")
                || username == null && token.getClaim("client_id") != null;
        String clientId = token.getClaim("azp");
        return new Actor(token.getSubject(), clientId, serviceAccount ? Actor.Kind.CLIENT : Actor.Kind.USER,
                token.getClaim("agency"), Set.copyOf(roles));
    }

    private static boolean exempt(ResourceInfo resource) {
        return resource.getResourceMethod() == null
                || resource.getResourceMethod().isAnnotationPresent(NoPurposeRequired.class)
                || resource.getResourceClass().isAnnotationPresent(NoPurposeRequired.class);
    }
}
