package uk.safeguarding.gateway.alert;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.anomaly.Flags;
import uk.safeguarding.gateway.audit.anomaly.SecretIssued;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.security.NoPurposeRequired;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.gateway.outbound.OutboundUrlPolicy;
import uk.safeguarding.gateway.signatory.SignatoryDirectory;

/**
 * Webhook subscriptions, one per agency, managed by gateway administrators. A secret is shown once,
 * when it is created (or generated); listings never include secrets. Rotation adds a second live
 * secret (both sign every delivery) until the old one is retired.
 */
@Tag(name = "Administration", description = "Signatories, webhook subscriptions and dead letters; administrators (dead letters: DPOs too). No purpose header.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Path("/api/v1/admin/subscriptions")
@RolesAllowed("admin")
@NoPurposeRequired
@Produces(MediaType.APPLICATION_JSON)
public class SubscriptionResource {

    /** A new subscription: the https endpoint (http only on loopback), optionally its first secret and OAuth. */
    public record NewSubscription(String agency, String url, String secret, OAuth oauth) {
    }

    /** Client credentials for an endpoint that requires an OAuth token; the secret is never returned. */
    public record OAuth(String tokenUrl, String clientId, String clientSecret, String scope) {
    }

    /** A subscription as listed: never its secrets, only how many are live, and the OAuth client id if any. */
    public record SubscriptionView(UUID id, String agency, String url, int liveSecrets, String oauthTokenUrl,
            String oauthClientId, Instant createdAt, Instant updatedAt) {
    }

    /** The answer to a creation or rotation: the one time a secret is shown. */
    public record Created(UUID id, String agency, String url, String secret, int liveSecrets) {
    }

    private final Pool pool;
    private final AlertRepository repository;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final Flags flags;
    private final SignatoryDirectory signatories;
    private final StoredSecrets stored;
    private final OutboundUrlPolicy urls;

    SubscriptionResource(Pool pool, AlertRepository repository, RequestContext context, AuditTrail audit, PolicyService policy, Flags flags,
            SignatoryDirectory signatories, StoredSecrets stored, OutboundUrlPolicy urls) {
        this.stored = stored;
        this.urls = urls;
        this.flags = flags;
        this.signatories = signatories;
        this.pool = pool;
        this.repository = repository;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
    }

    @Operation(summary = "Subscribe an agency's webhook endpoint",
        description = "https to a public address on an allowed port (docs/SECURITY.md, outbound URL policy; dev and test also allow local receivers); the signing secret is generated unless given, and shown once, here. Optional OAuth client credentials for the endpoint. Flagged to the agency's DPO (SECRET_ISSUED). 409 when the agency already has a subscription or is suspended or revoked.")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = NewSubscription.class),
                        examples = @ExampleObject(name = "example", value = "{\"agency\": \"provider:SC123456\", \"url\": \"https://alerts.provider.example/safeguarding\"}"))})
    @APIResponse(responseCode = "201", description = "Subscribed; the secret is shown this once.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Created.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(NewSubscription body) {
        if (body == null || body.agency() == null || body.agency().isBlank()) {
            throw ApiException.badRequest("agency", "REQUIRED", "agency is required.");
        }
        if (!policy.isActiveSignatory(body.agency())) {
            throw ApiException.badRequest("agency", "NOT_SIGNATORY", "agency is not a signatory of a protocol in force.");
        }
        urls.validate(body.url(), "url");
        String secret = body.secret() == null ? WebhookSigner.newSecret() : body.secret();
        if (!WebhookSigner.isValidSecret(secret)) {
            throw ApiException.badRequest("secret", "SECRET_FORMAT",
                    "secret must be whsec_ followed by base64 of 24 to 64 random bytes (or omitted, to have one generated).");
        }
        JsonObject oauth = null;
        if (body.oauth() != null) {
            OAuth o = body.oauth();
            urls.validate(o.tokenUrl(), "oauth.tokenUrl");
            if (o.clientId() == null || o.clientId().isBlank() || o.clientSecret() == null || o.clientSecret().isBlank()) {
                throw ApiException.badRequest("oauth", "REQUIRED", "oauth needs tokenUrl, clientId and clientSecret.");
            }
            oauth = new JsonObject().put("tokenUrl", o.tokenUrl()).put("clientId", o.clientId())
                    .put("clientSecret", o.clientSecret()).put("scope", o.scope());
        }
        UUID id = UUID.randomUUID();
        JsonObject oauthColumn = stored.sealOAuth(id, oauth);
        context.describe("subscription.create", "subscription", id.toString(), null);
        // A suspended or revoked agency named in the YAML is still a signatory there; its deliveries must stay paused.
        return signatories.current().invoke(registry -> {
            if (registry.revoked().contains(body.agency())) {
                throw new ApiException(409, "AGENCY_CUT_OFF", body.agency() + " is suspended or revoked; reinstate it first.",
                        List.of(new Problem.FieldError("agency", "AGENCY_CUT_OFF", "suspended or revoked")));
            }
        }).chain(() -> pool.withTransaction(tx -> repository.insertSubscription(tx, id, body.agency(), body.url(),
                        stored.sealWebhook(id, body.url(), secret), context.requireActor().subject(), oauthColumn)
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new ApiException(409, "SUBSCRIPTION_EXISTS",
                                "This agency already has a subscription; rotate its secret or delete it first.", List.of());
                    }
                    return audit.record(tx, audit.entryFor(context, "subscription.create", 201));
                })
                .call(() -> flags.raise(tx, SecretIssued.flag(body.agency(), "Webhook signing secret",
                        "subscription created", context.requireActor())))
                .invoke(context::markAudited)
                .map(v -> Response.status(201).location(URI.create("/api/v1/admin/subscriptions/" + id))
                        .entity(new Created(id, body.agency(), body.url(), secret, 1)).build())));
    }

    @Operation(summary = "Every webhook subscription, without its secrets",
        description = "How many secrets are live and the OAuth client, if any.")
    @APIResponse(responseCode = "200", description = "The subscriptions.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SubscriptionView.class, type = SchemaType.ARRAY)))
    @GET
    public Uni<List<SubscriptionView>> list() {
        return repository.subscriptions().map(rows -> {
                    List<SubscriptionView> out = new ArrayList<>();
                    rows.forEach(r -> out.add(view(r)));
                    return out;
                });
    }

    /** Starts a rotation: a new secret (shown once) is added; the newest two stay live. */
    @Operation(summary = "Start a webhook secret rotation",
        description = "A new secret, shown once, joins the newest one; both sign every delivery until the old one is retired.")
    @APIResponse(responseCode = "201", description = "The new secret, shown this once.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Created.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/{id}/secrets")
    public Uni<Response> rotate(@PathParam("id") UUID id) {
        String secret = WebhookSigner.newSecret();
        context.describe("subscription.rotate", "subscription", id.toString(), null);
        return pool.withTransaction(tx -> repository.lockSubscription(tx, id)
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    JsonArray secrets = rows.iterator().next().getJsonArray("secrets");
                    JsonArray live = new JsonArray();
                    if (!secrets.isEmpty()) {
                        live.add(secrets.getString(secrets.size() - 1));
                    }
                    live.add(stored.sealWebhook(id, rows.iterator().next().getString("url"), secret));
                    return repository.replaceSecrets(tx, id, live);
                })
                .chain(rows -> audit.record(tx, audit.entryFor(context, "subscription.rotate", 201))
                        .chain(() -> flags.raise(tx, SecretIssued.flag(rows.iterator().next().getString("agency_id"),
                                "Webhook signing secret", "rotation", context.requireActor())))
                        .replaceWith(rows.iterator().next()))
                .invoke(context::markAudited)
                .map(r -> Response.status(201).entity(new Created(id, r.getString("agency_id"), r.getString("url"),
                        secret, r.getJsonArray("secrets").size())).build()));
    }

    /** Ends a rotation: every secret but the newest is retired. */
    @Operation(summary = "End a webhook secret rotation",
        description = "Every secret but the newest is retired.")
    @APIResponse(responseCode = "200", description = "The subscription with one live secret.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SubscriptionView.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @POST
    @Path("/{id}/secrets/retire-previous")
    public Uni<SubscriptionView> retire(@PathParam("id") UUID id) {
        context.describe("subscription.retire-secret", "subscription", id.toString(), null);
        return pool.withTransaction(tx -> repository.retireSecrets(tx, id)
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound();
                    }
                    SubscriptionView view = view(rows.iterator().next());
                    return audit.record(tx, audit.entryFor(context, "subscription.retire-secret", 200)).replaceWith(view);
                })
                .invoke(context::markAudited));
    }

    @Operation(summary = "Remove a webhook subscription",
        description = "Alerts for the agency then wait in its pull inbox.")
    @APIResponse(responseCode = "204", description = "Removed.")
    @APIResponse(responseCode = "404", ref = "Problem")
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        context.describe("subscription.delete", "subscription", id.toString(), null);
        return pool.withTransaction(tx -> repository.deleteSubscription(tx, id)
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ApiException.notFound();
                    }
                    return audit.record(tx, audit.entryFor(context, "subscription.delete", 204));
                })
                .invoke(context::markAudited)
                .map(v -> Response.noContent().build()));
    }

    private static SubscriptionView view(Row r) {
        JsonObject oauth = (JsonObject) r.getValue("oauth");
        return new SubscriptionView(r.getUUID("id"), r.getString("agency_id"), r.getString("url"),
                r.getJsonArray("secrets").size(), oauth == null ? null : oauth.getString("tokenUrl"),
                oauth == null ? null : oauth.getString("clientId"), AlertResource.instant(r, "created_at"),
                AlertResource.instant(r, "updated_at"));
    }
}
