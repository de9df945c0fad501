package uk.safeguarding.gateway.security;

import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Tells a caller how the gateway sees its token: the quickest check that a client is set up right. */
@Path("/api/v1/whoami")
@Authenticated
@NoPurposeRequired
public class WhoAmIResource {

    /** What the gateway understood from the caller's verified token. */
    public record WhoAmI(String subject, String clientId, String agency, Set<String> roles, String issuer,
            Instant expiresAt) {
    }

    private final JsonWebToken token;

    WhoAmIResource(JsonWebToken token) {
        this.token = token;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public WhoAmI whoami() {
        return new WhoAmI(token.getSubject(), token.getClaim("azp"), token.getClaim("agency"),
                new TreeSet<>(token.getGroups()), token.getIssuer(), Instant.ofEpochSecond(token.getExpirationTime()));
    }
}
