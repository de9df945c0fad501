package uk.safeguarding.gateway.problem;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.database.DatabaseFailures;
import uk.safeguarding.gateway.fhir.OperationOutcomes;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import uk.safeguarding.gateway.security.RequestContext;

/** Every error leaves as problem+json with a stable code; stack traces and internals never do. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    private final RequestContext context;
    private final OperationOutcomes outcomes;
    private final uk.safeguarding.gateway.audit.AuditTrail trail;
    private final io.quarkus.security.identity.SecurityIdentity identity;

    private final jakarta.enterprise.inject.Instance<uk.safeguarding.gateway.console.Pages> consolePages;
    private final uk.safeguarding.gateway.security.TokenRejections rejections;

    ProblemMapper(RequestContext context, OperationOutcomes outcomes, uk.safeguarding.gateway.audit.AuditTrail trail,
            io.quarkus.security.identity.SecurityIdentity identity,
            jakarta.enterprise.inject.Instance<uk.safeguarding.gateway.console.Pages> consolePages,
            uk.safeguarding.gateway.security.TokenRejections rejections) {
        this.rejections = rejections;
        this.consolePages = consolePages;
        this.context = context;
        this.outcomes = outcomes;
        this.trail = trail;
        this.identity = identity;
    }

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        Response response = respond(e.status(), e.code(), e.getMessage(), e.errors(), uri);
        return e.retryAfterSeconds() > 0
                ? Response.fromResponse(response).header("Retry-After", e.retryAfterSeconds()).build() : response;
    }

    /** No token at all: refused like a bad one, and audited through the same per-address cap. */
    @ServerExceptionMapper
    public Response unauthorized(io.quarkus.security.UnauthorizedException e, UriInfo uri,
            io.vertx.core.http.HttpServerRequest http) {
        rejections.rejected(http.remoteAddress() == null ? null : http.remoteAddress().hostAddress(), 401, "TOKEN_REQUIRED",
                http.method() + " " + uri.getPath(), null, context.requestId());
        return Response.fromResponse(respond(401, "TOKEN_REQUIRED", "A bearer token from the safeguarding realm is required.",
                List.of(new Problem.FieldError("Authorization", "TOKEN_REQUIRED", "missing")), uri))
                .header("WWW-Authenticate", "Bearer").build();
    }

    /**
     * A role check refuses before any filter or handler runs, so the refusal is audited here: the
     * safety net's response filter is not reached on that path.
     */
    @ServerExceptionMapper
    public io.smallrye.mutiny.Uni<Response> forbidden(io.quarkus.security.ForbiddenException e, UriInfo uri,
            jakarta.ws.rs.core.Request request, jakarta.ws.rs.core.HttpHeaders headers) {
        context.beginIfNotBegun(headers.getHeaderString(RequestContext.REQUEST_ID_HEADER), null);
        Response response = respond(403, "ROLE_REQUIRED", "Your role does not allow this operation.", List.of(), uri);
        context.adoptIdentity(identity);
        if (context.audited() || context.actor().isEmpty()) {
            return io.smallrye.mutiny.Uni.createFrom().item(response);
        }
        context.markAudited();
        return trail.recordStandalone(trail.entryFor(context, request.getMethod() + " " + uri.getPath(), 403))
                .onFailure().invoke(f -> LOG.errorf(f, "Audit record for request %s could not be written", context.requestId()))
                .onFailure().recoverWithNull()
                .replaceWith(response);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        return respond(404, "NOT_FOUND", "No such resource.", List.of(), uri);
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, UriInfo uri) {
        return respond(405, "METHOD_NOT_ALLOWED", "This method is not allowed on this resource.", List.of(), uri);
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e, UriInfo uri) {
        return respond(415, "UNSUPPORTED_MEDIA_TYPE", "Send application/json (or application/fhir+json on /fhir).",
                List.of(new Problem.FieldError("Content-Type", "UNSUPPORTED_MEDIA_TYPE", "unsupported content type")), uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        return respond(status, "HTTP_" + status, Response.Status.fromStatusCode(status) == null
                ? "Request rejected." : Response.Status.fromStatusCode(status).getReasonPhrase(), List.of(), uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        if (DatabaseFailures.unavailable(e)) {
            // The database is down or restarting: the transaction did not commit, and the same request
            // will succeed once it is back, so this is a 503 to retry, never a 500.
            LOG.warnf("Database unavailable, request %s answered 503: %s", context.requestId(), DatabaseFailures.describe(e));
            return api(ApiException.retryLater(503, "DATABASE_UNAVAILABLE", "The gateway's database is unavailable; "
                    + "nothing was saved. Retry the same request later.", DatabaseFailures.RETRY_AFTER_SECONDS), uri);
        }
        LOG.errorf(e, "Unexpected failure, request %s", context.requestId());
        return respond(500, "INTERNAL_ERROR", "The gateway could not complete the request; nothing was saved. "
                + "Quote the request id to the operators.", List.of(), uri);
    }

    private Response respond(int status, String code, String detail, List<Problem.FieldError> errors, UriInfo uri) {
        context.failed(status, code);
        if (uri != null && (uri.getPath().equals("/console") || uri.getPath().startsWith("/console/"))) {
            // People in the console get a page (same status, same stable code in the audit record).
            return consolePages.get().error(status, code, detail);
        }
        if (uri != null && (uri.getPath().equals("/fhir") || uri.getPath().startsWith("/fhir/"))) {
            // FHIR callers get an OperationOutcome naming the failing element's FHIRPath.
            return outcomes.error(status, code, detail, errors, context.requestId());
        }
        Problem problem = new Problem("urn:safeguarding-gateway:problem:" + code.toLowerCase().replace('_', '-'),
                Response.Status.fromStatusCode(status) == null ? "Error" : Response.Status.fromStatusCode(status).getReasonPhrase(),
                status, detail, uri == null ? null : uri.getPath(), code, context.requestId(), errors, List.of());
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
