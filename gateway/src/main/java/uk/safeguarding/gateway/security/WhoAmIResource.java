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

    private final io.quarkus.security.identity.SecurityIdentity identity;

    // The verified principal, not an injected JsonWebToken: with the console's OIDC extension present,
    // the injectable JsonWebToken is OIDC's, which is empty for a SmallRye JWT bearer request.
    WhoAmIResource(io.quarkus.security.identity.SecurityIdentity identity) {
        this.identity = identity;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public WhoAmI whoami() {
        JsonWebToken token = (JsonWebToken) identity.getPrincipal();
        return new WhoAmI(token.getSubject(), token.getClaim("azp"), token.getClaim("agency"),
                new TreeSet<>(token.getGroups()), token.getIssuer(), Instant.ofEpochSecond(token.getExpirationTime()));
    }
}
