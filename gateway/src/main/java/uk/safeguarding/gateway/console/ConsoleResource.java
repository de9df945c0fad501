package uk.safeguarding.gateway.console;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import uk.safeguarding.gateway.security.NoPurposeRequired;

/** The console's front door: after sign-in each person lands on the first page their role opens. */
@Path("/console")
@NoPurposeRequired
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    private final Pages pages;
    private final SecurityIdentity identity;

    ConsoleResource(Pages pages, SecurityIdentity identity) {
        this.pages = pages;
        this.identity = identity;
    }

    @GET
    @Authenticated
    public Response home() {
        ConsoleUser user = ConsoleUser.of(identity);
        if (user.menu().isEmpty()) {
            return pages.error(403, "NO_CONSOLE_ROLE", "The console is for data protection officers, placement "
                    + "providers and practitioners; your account has none of these roles.");
        }
        return Response.seeOther(URI.create(user.menu().get(0).path())).build();
    }

    /**
     * Where Keycloak sends the browser after sign-out: the one public page of the console (it shows
     * nothing but a link to sign in again), so it is the one JAX-RS method that is {@code @PermitAll}.
     */
    @GET
    @Path("/signed-out")
    @PermitAll
    public Response signedOut() {
        return Pages.ok(pages.page("signed-out", null));
    }
}
