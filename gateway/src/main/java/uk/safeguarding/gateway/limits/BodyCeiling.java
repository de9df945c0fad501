package uk.safeguarding.gateway.limits;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body declared larger than quarkus.http.limits.max-body-size is refused with 413 and a message
 * before anything reads it (the HTTP layer's own refusal has no body). Bodies sent without a
 * Content-Length are still cut off by the HTTP layer at the same size.
 */
@ApplicationScoped
public class BodyCeiling {

    private static final String PROBLEM = "{\"type\":\"urn:safeguarding-gateway:problem:body-too-large\",\"title\":\"Content Too Large\","
            + "\"status\":413,\"code\":\"BODY_TOO_LARGE\",\"detail\":\"The body is larger than the gateway accepts (%d bytes).\","
            + "\"errors\":[{\"field\":\"Content-Length\",\"rule\":\"BODY_TOO_LARGE\",\"message\":\"at most %d bytes\"}]}";
    private static final String OUTCOME = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"too-long\","
            + "\"details\":{\"coding\":[{\"code\":\"BODY_TOO_LARGE\"}]},\"diagnostics\":\"The body is larger than the gateway accepts "
            + "(%d bytes).\",\"expression\":[\"Content-Length\"]}]}";

    private final long max;

    BodyCeiling(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize max) {
        this.max = max.asLongValue();
    }

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            String declared = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long length;
            try {
                length = declared == null ? -1 : Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length <= max) {
                rc.next();
                return;
            }
            boolean fhir = rc.request().path().startsWith("/fhir");
            rc.response().setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, fhir ? "application/fhir+json" : "application/problem+json")
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(String.format(fhir ? OUTCOME : PROBLEM, max, max));
        }, 1000);
    }
}
