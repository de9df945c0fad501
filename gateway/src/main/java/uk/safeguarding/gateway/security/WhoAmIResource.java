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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Tells a caller how the gateway sees its token: the quickest check that a client is set up right. */
@Tag(name = "Identity", description = "How the gateway sees the caller's token. No purpose header.")
@APIResponse(responseCode = "401", ref = "Problem")
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

    @Operation(summary = "How the gateway sees the caller's token",
        description = "Subject, client, agency, roles and issuer: the quickest check that a client is set up right.")
    @APIResponse(responseCode = "200", description = "What the gateway understood from the token.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = WhoAmI.class)))
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public WhoAmI whoami() {
        JsonWebToken token = (JsonWebToken) identity.getPrincipal();
        return new WhoAmI(token.getSubject(), token.getClaim("azp"), token.getClaim("agency"),
                new TreeSet<>(token.getGroups()), token.getIssuer(), Instant.ofEpochSecond(token.getExpirationTime()));
    }
}
