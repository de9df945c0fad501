package uk.safeguarding.gateway.console;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Security headers on every response, set as the headers are written so redirects, error pages, static
 * files and 401s carry them too. Console pages and their assets get a strict Content-Security-Policy
 * (scripts, styles, fonts and images from the gateway only: GOV.UK Frontend is served from the jar and
 * the console has no inline script or style), no framing, no referrer; every response gets nosniff.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String CSP = "Content-Security-Policy";

    private final String consolePolicy;

    SecurityHeaders(@ConfigProperty(name = "quarkus.oidc.auth-server-url") String authServer) {
        URI issuer = URI.create(authServer);
        // Form posts go to the console; a post whose session has expired is redirected to the realm's login.
        String identityProvider = issuer.getScheme() + "://" + issuer.getRawAuthority();
        this.consolePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
                + "connect-src 'self'; manifest-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self' "
                + identityProvider + "; frame-ancestors 'none'";
    }

    void register(@Observes Router router) {
        router.route().order(-2_000).handler(routing -> {
            String path = routing.normalizedPath();
            boolean console = path.equals("/console") || path.startsWith("/console/") || path.startsWith("/assets/");
            routing.addHeadersEndHandler(v -> {
                MultiMap headers = routing.response().headers();
                headers.set("X-Content-Type-Options", "nosniff");
                if (console) {
                    if (!headers.contains(CSP)) {
                        headers.set(CSP, consolePolicy);
                    }
                    headers.set("X-Frame-Options", "DENY");
                    headers.set("Referrer-Policy", "no-referrer");
                }
            });
            routing.next();
        });
    }
}
