package uk.safeguarding.gateway.limits;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * Refuses a client over its rate (429) or its body ceiling (413) right after authentication, before
 * any body is parsed or any transaction opened. The refusal is audited like any other (safety net).
 */
public class LimitsFilter {

    private final LimitsConfig config;
    private final TokenBuckets buckets;
    private final RequestContext context;

    LimitsFilter(LimitsConfig config, TokenBuckets buckets, RequestContext context) {
        this.config = config;
        this.buckets = buckets;
        this.context = context;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION + 20)
    public void limit(ContainerRequestContext request) {
        if (!config.enabled() || context.actor().isEmpty()) {
            return;
        }
        String client = context.actor().get().clientId();
        String key = client == null ? "subject:" + context.actor().get().subject() : client;
        long retryAfter = buckets.take(key);
        if (retryAfter > 0) {
            throw ApiException.retryLater(429, "RATE_LIMITED",
                    "Too many requests from this client; retry after " + retryAfter + " s.", retryAfter);
        }
        String length = request.getHeaderString("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length", "CONTENT_LENGTH", "Content-Length must be a number of bytes.");
            }
            long max = buckets.maxBodyBytes(key);
            if (declared > max) {
                throw new ApiException(413, "BODY_TOO_LARGE", "The body is larger than this client's limit of " + max + " bytes.",
                        List.of(new Problem.FieldError("Content-Length", "BODY_TOO_LARGE", "at most " + max + " bytes")));
            }
        }
    }
}
