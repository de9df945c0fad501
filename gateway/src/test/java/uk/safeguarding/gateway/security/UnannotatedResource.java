package uk.safeguarding.gateway.security;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * Test only: a resource whose author forgot to say who may call it. With
 * {@code quarkus.security.jaxrs.deny-unannotated-endpoints} nobody may ({@link SecurityAnnotationsTest}).
 */
@Path("/api/v1/test-only/unannotated")
public class UnannotatedResource {

    @GET
    public String reached() {
        return "reached";
    }
}
