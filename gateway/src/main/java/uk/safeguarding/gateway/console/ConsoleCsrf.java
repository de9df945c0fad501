package uk.safeguarding.gateway.console;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * This request's side of the console's CSRF protection ({@link CsrfTokens}): the token a page puts in
 * its forms (the person's cookie's, or a new one set in the cookie), and the check of a form post.
 */
@RequestScoped
public class ConsoleCsrf {

    /** The cookie: scoped to the console, never readable by script, never sent on a cross-site request. */
    public static final String COOKIE = "console-csrf";
    /** The hidden form field every console form carries. */
    public static final String FIELD = "csrf-token";

    private final CsrfTokens tokens;
    private final SecurityIdentity identity;
    private final CurrentVertxRequest request;
    private String token;

    ConsoleCsrf(CsrfTokens tokens, SecurityIdentity identity, CurrentVertxRequest request) {
        this.tokens = tokens;
        this.identity = identity;
        this.request = request;
    }

    /** The token for this person's forms; reuses the cookie's so several open tabs keep working. */
    public String token() {
        if (token != null) {
            return token;
        }
        RoutingContext routing = request.getCurrent();
        Cookie cookie = routing.request().getCookie(COOKIE);
        String subject = subject();
        if (cookie != null && tokens.valid(cookie.getValue(), subject)) {
            token = cookie.getValue();
        } else {
            token = tokens.issue(subject);
            routing.response().addCookie(Cookie.cookie(COOKIE, token).setPath("/console").setHttpOnly(true)
                    .setSameSite(CookieSameSite.STRICT).setSecure(routing.request().isSSL()));
        }
        return token;
    }

    /** Whether a form post carries the person's cookie and the same token in its field, signed for them. */
    boolean accepts(String field) {
        Cookie cookie = request.getCurrent().request().getCookie(COOKIE);
        return field != null && cookie != null && MessageDigest.isEqual(field.getBytes(StandardCharsets.UTF_8),
                cookie.getValue().getBytes(StandardCharsets.UTF_8)) && tokens.valid(field, subject());
    }

    private String subject() {
        if (identity.isAnonymous()) {
            return null;
        }
        return identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null ? jwt.getSubject()
                : identity.getPrincipal().getName();
    }
}
