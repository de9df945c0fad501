package uk.safeguarding.gateway.referral;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import uk.safeguarding.gateway.limits.StrictUtf8;

/** Implements {@code /api/v1/referrals} of META-INF/openapi.yaml. */
@Path("/api/v1/referrals")
@Produces(MediaType.APPLICATION_JSON)
public class ReferralResource {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";

    private final ReferralService service;
    private final ReferralJson json;

    ReferralResource(ReferralService service, ReferralJson json) {
        this.service = service;
        this.json = json;
    }

    // Parsing, validation and the language check are CPU work: on a worker, as the FHIR intake does,
    // so the event loops stay free to authenticate and rate-limit other callers (the burst drill saw
    // a 256-client burst queue behind them, reaching the limiter only after seconds).
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    public Uni<Response> create(byte[] body, @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey) {
        Referral referral = json.parse(StrictUtf8.decode(body, "/"));
        return service.create(referral, idempotencyKey, "json").map(created -> created.replay()
                ? Response.ok(created.receipt()).header(REPLAYED, "true").build()
                : Response.created(URI.create("/api/v1/referrals/" + created.receipt().id()))
                        .entity(created.receipt()).build());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({"practitioner", "supervisor", "provider"})
    public Uni<ReferralViews.Read> read(@PathParam("id") UUID id) {
        return service.read(id);
    }

    @POST
    @Path("/{id}/acknowledge")
    @RolesAllowed({"practitioner", "supervisor"})
    public Uni<ReferralViews.Recipient> acknowledge(@PathParam("id") UUID id) {
        return service.respond(id, "acknowledge", null);
    }

    @POST
    @Path("/{id}/accept")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"practitioner", "supervisor"})
    public Uni<ReferralViews.Recipient> accept(@PathParam("id") UUID id, ReferralViews.Response body) {
        return service.respond(id, "accept", body == null ? null : body.reason());
    }

    @POST
    @Path("/{id}/decline")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"practitioner", "supervisor"})
    public Uni<ReferralViews.Recipient> decline(@PathParam("id") UUID id, ReferralViews.Response body) {
        return service.respond(id, "decline", body == null ? null : body.reason());
    }
}
