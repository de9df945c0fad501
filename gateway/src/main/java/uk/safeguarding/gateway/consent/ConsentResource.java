package uk.safeguarding.gateway.consent;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.problem.ApiException;

/** Implements the Consent paths of META-INF/openapi.yaml ({@code /api/v1/consents}, overrides). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"practitioner", "supervisor", "provider"})
public class ConsentResource {

    /**
     * Why consent is withdrawn (optional; a role or circumstance, never a name), and on whose word:
     * {@code child} or {@code parental-responsibility} (required to withdraw another agency's record).
     */
    public record WithdrawalRequest(String reason, String onWordOf) {
    }

    private final ConsentService consents;
    private final OverrideService overrides;

    ConsentResource(ConsentService consents, OverrideService overrides) {
        this.consents = consents;
        this.overrides = overrides;
    }

    @POST
    @Path("/consents")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(ConsentRecord.NewConsent body) {
        return consents.create(body).map(c -> Response.created(URI.create("/api/v1/consents/" + c.id())).entity(c).build());
    }

    @GET
    @Path("/consents")
    public Uni<List<ConsentRecord>> search(@QueryParam("child") String child) {
        int bar = child == null ? -1 : child.indexOf('|');
        if (bar <= 0 || bar == child.length() - 1) {
            throw ApiException.badRequest("child", "IDENTIFIER_FORMAT",
                    "Give the child's identifier as system|value, e.g. https://fhir.nhs.uk/Id/nhs-number|9434765919.");
        }
        return consents.search(child.substring(0, bar), child.substring(bar + 1));
    }

    @GET
    @Path("/consents/{id}")
    public Uni<ConsentRecord> read(@PathParam("id") UUID id) {
        return consents.read(id);
    }

    @POST
    @Path("/consents/{id}/withdrawal")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ConsentService.Withdrawn> withdraw(@PathParam("id") UUID id, WithdrawalRequest body) {
        return consents.withdraw(id, body == null ? null : body.reason(), body == null ? null : body.onWordOf());
    }

    /** A supervisor of the agency whose refusal a pending record would loosen approves it. */
    @POST
    @Path("/consents/{id}/approval")
    public Uni<ConsentRecord> approveConsent(@PathParam("id") UUID id) {
        return consents.approve(id);
    }

    @POST
    @Path("/children/{childId}/consent-overrides")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> requestOverride(@PathParam("childId") UUID childId, OverrideService.OverrideRequest body) {
        return overrides.request(childId, body)
                .map(o -> Response.created(URI.create("/api/v1/consent-overrides/" + o.id())).entity(o).build());
    }

    @GET
    @Path("/consent-overrides/{id}")
    public Uni<OverrideService.OverrideView> readOverride(@PathParam("id") UUID id) {
        return overrides.read(id);
    }

    @POST
    @Path("/consent-overrides/{id}/approval")
    public Uni<OverrideService.OverrideView> approve(@PathParam("id") UUID id) {
        return overrides.approve(id);
    }
}
