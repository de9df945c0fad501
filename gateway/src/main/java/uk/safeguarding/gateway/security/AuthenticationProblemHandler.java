package uk.safeguarding.gateway.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.AuthenticationFailedException;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.database.DatabaseFailures;
import uk.safeguarding.gateway.problem.Problem;

/**
 * Turns a rejected token into a 401 problem+json with a stable code (503 with Retry-After when the
 * revocation list cannot be read). Token checks run before
 * JAX-RS (proactive authentication), so this hooks the HTTP router's failure handling.
 * The body says which rule failed, never the token. Each refusal is counted and audited by
 * {@link TokenRejections} (capped per source address and minute), without the 401 waiting for it.
 */
@ApplicationScoped
public class AuthenticationProblemHandler {

    private static final Logger LOG = Logger.getLogger(AuthenticationProblemHandler.class);

    private final ObjectMapper json;
    private final TokenRejections rejections;

    AuthenticationProblemHandler(ObjectMapper json, TokenRejections rejections) {
        this.json = json;
        this.rejections = rejections;
    }

    void register(@Observes Router router) {
        router.route().order(-1_000).failureHandler(event -> {
            if (!(event.failure() instanceof AuthenticationFailedException failure)) {
                event.next();
                return;
            }
            String requestId = UUID.randomUUID().toString();
            String agencyCode = AgencyRejectedException.codeOf(failure);
            String code = agencyCode != null ? agencyCode : "TOKEN_INVALID";
            String detail = agencyCode != null ? failure.getMessage()
                    : "The bearer token is malformed, expired, not yet valid, not for this gateway, not signed "
                            + "with RS256 by the trusted realm, or from another issuer.";
            LOG.infof("Token rejected (%s) for %s %s, request %s", code, event.request().method(),
                    event.normalizedPath(), requestId);
            // Refused either way; but a list the gateway cannot read is its own fault, not the token's.
            boolean unavailable = AgencyRejectedException.LIST_UNAVAILABLE.equals(code);
            int status = unavailable ? 503 : 401;
            var remote = event.request().remoteAddress();
            rejections.rejected(remote == null ? null : remote.hostAddress(), status, code,
                    event.request().method() + " " + event.normalizedPath(),
                    ClaimedClient.label(event.request().getHeader("Authorization"), json).orElse(null), requestId);
            Problem problem = new Problem("urn:safeguarding-gateway:problem:" + code.toLowerCase().replace('_', '-'),
                    unavailable ? "Service Unavailable" : "Unauthorized", status, detail, event.normalizedPath(), code,
                    requestId, List.of(new Problem.FieldError("Authorization", code, detail)), List.of());
            var response = event.response().setStatusCode(status)
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .putHeader(RequestContext.REQUEST_ID_HEADER, requestId);
            if (unavailable) {
                // Quarkus has already added its bearer challenge; the token is not what failed.
                response.headers().remove("WWW-Authenticate");
                response.putHeader("Retry-After", Long.toString(DatabaseFailures.RETRY_AFTER_SECONDS));
            } else {
                response.putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            }
            try {
                response.end(json.writeValueAsString(problem));
            } catch (JsonProcessingException e) {
                response.end();
            }
        });
    }
}
