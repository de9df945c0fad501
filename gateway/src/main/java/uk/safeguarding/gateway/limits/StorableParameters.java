package uk.safeguarding.gateway.limits;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import uk.safeguarding.gateway.problem.ApiException;

/**
 * The query and path parameters' half of {@link StorableText}: a search by {@code ?child=} or
 * {@code subject:identifier=} holding {@code %00} reached PostgreSQL and was answered 500 (SQLSTATE
 * 22021). Refused after authentication, so the refusal is audited like any other, with a 400 naming
 * the parameter.
 */
public class StorableParameters {

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION + 30)
    public void check(ContainerRequestContext request) {
        check(request.getUriInfo().getQueryParameters());
        check(request.getUriInfo().getPathParameters());
    }

    private static void check(MultivaluedMap<String, String> parameters) {
        for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
            boolean bad = !StorableText.storable(p.getKey()) || p.getValue().stream().anyMatch(v -> !StorableText.storable(v));
            if (bad) {
                String name = StorableText.storable(p.getKey()) ? p.getKey() : "\uFFFD";
                throw ApiException.badRequest(name, StorableText.RULE, "This parameter contains a character that cannot"
                        + " be stored or searched for (U+0000, or half of a UTF-16 surrogate pair).");
            }
        }
    }
}
