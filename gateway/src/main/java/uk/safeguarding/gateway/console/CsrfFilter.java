package uk.safeguarding.gateway.console;

import jakarta.ws.rs.core.Response;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * Refuses every state-changing request to the console whose form does not carry the person's CSRF
 * token ({@link ConsoleCsrf}): by path and method, so a console form added later is covered without
 * anyone remembering to. The form is read before this runs ({@code readBody}); the API (bearer tokens,
 * JSON bodies, no cookies) is not touched. The refusal is a console error page, audited like any 403.
 */
public class CsrfFilter {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final ConsoleCsrf csrf;
    private final Pages pages;

    CsrfFilter(ConsoleCsrf csrf, Pages pages) {
        this.csrf = csrf;
        this.pages = pages;
    }

    @ServerRequestFilter(readBody = true)
    public Response check(ResteasyReactiveContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (SAFE.contains(request.getMethod()) || !(path.equals("/console") || path.startsWith("/console/"))) {
            return null;
        }
        Object field = ((ResteasyReactiveRequestContext) request.getServerRequestContext())
                .getFormParameter(ConsoleCsrf.FIELD, true, false);
        if (csrf.accepts(field instanceof String s ? s : null)) {
            return null;
        }
        return pages.error(403, "CSRF_TOKEN_INVALID", "This form could not be accepted: it has expired or did not come "
                + "from this console. Go back, reload the page and try again.");
    }
}
