package uk.safeguarding.gateway.signatory;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import uk.safeguarding.gateway.outbound.OutboundUrlPolicy;
import uk.safeguarding.gateway.alert.WebhookSigner;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.anomaly.Flags;
import uk.safeguarding.gateway.audit.anomaly.SecretIssued;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;
import uk.safeguarding.gateway.security.NoPurposeRequired;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The administrator's API for signatories (docs/OPERATIONS.md): onboard an agency (its Keycloak
 * client, webhook subscription and protocol membership in one step), rotate its secrets, suspend or
 * revoke it, and reinstate it. Keycloak and PostgreSQL cannot share a transaction, so each
 * operation changes Keycloak first and undoes that change if the database transaction fails.
 */
@Tag(name = "Administration", description = "Signatories, webhook subscriptions and dead letters; administrators (dead letters: DPOs too). No purpose header.")
@APIResponse(responseCode = "401", ref = "Problem")
@APIResponse(responseCode = "403", ref = "Problem")
@Path("/api/v1/admin/signatories")
@RolesAllowed("admin")
@NoPurposeRequired
@Produces(MediaType.APPLICATION_JSON)
public class SignatoryResource {

    private static final Logger LOG = Logger.getLogger(SignatoryResource.class);
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    /** A newly onboarded agency: the client secret and webhook secret are shown here once and never again. */
    public record Onboarded(String agencyId, String clientId, String clientSecret, String tokenUrl, String status,
            List<String> protocolVersions, Webhook webhook) {
    }

    /** The webhook subscription created with the agency; its signing secret is shown once. */
    public record Webhook(UUID subscriptionId, String url, String secret, int liveSecrets) {
    }

    /** Why an agency is suspended, revoked or reinstated: kept in the registry and shown to the DPO. */
    public record Reason(String reason) {
    }

    /** A new client secret, shown once; the previous one stops working at once. */
    public record ClientSecret(String agencyId, String clientId, String clientSecret) {
    }

    /**
     * The outcome of a membership or status change, with the protocol versions it created, and what
     * became of the agency's Keycloak client: {@code disabled}, {@code enabled}, or {@code not-managed}
     * for an agency named in the YAML, whose client (if any) is not the gateway's to change.
     */
    public record Changed(SignatoryStore.View signatory, List<String> protocolVersions, String keycloakClient) {
    }

    private final OutboundUrlPolicy urls;
    private final Pool pool;
    private final RequestContext context;
    private final AuditTrail audit;
    private final PolicyService policy;
    private final AgencyClients clients;
    private final SignatoryStore store;
    private final SignatoryDirectory directory;
    private final Flags flags;
    private final String tokenUrl;

    SignatoryResource(Pool pool, RequestContext context, AuditTrail audit, PolicyService policy, AgencyClients clients,
            SignatoryStore store, SignatoryDirectory directory, Flags flags, OutboundUrlPolicy urls,
            @ConfigProperty(name = "mp.jwt.verify.issuer") String issuer) {
        this.urls = urls;
        this.flags = flags;
        this.pool = pool;
        this.context = context;
        this.audit = audit;
        this.policy = policy;
        this.clients = clients;
        this.store = store;
        this.directory = directory;
        this.tokenUrl = issuer + "/protocol/openid-connect/token";
    }

    @Operation(summary = "Onboard an agency",
        description = "Its Keycloak client, webhook subscription and protocol membership in one step (docs/OPERATIONS.md); the client secret and webhook secret are shown once, here, and flagged to the agency's DPO. 409 AGENCY_EXISTS or CLIENT_EXISTS; 502 when Keycloak cannot be updated (nothing changed).")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = OnboardingValidator.Onboard.class),
                        examples = @ExampleObject(name = "example", value = "{\"agencyId\": \"la:E06000081\", \"agencyType\": \"la\", \"displayName\": \"Example council\", \"protocols\": [\"missing-from-care\"], \"dpoContact\": \"dpo@council.example\", \"webhookUrl\": \"https://alerts.council.example/safeguarding\"}"))})
    @APIResponse(responseCode = "201", description = "Onboarded; the secrets are shown this once.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Onboarded.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @APIResponse(responseCode = "502", ref = "Problem")
    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    public Response onboard(OnboardingValidator.Onboard body) {
        List<String> protocols = OnboardingValidator.validate(body, policy.shippedProtocols(), urls);
        String agencyId = body.agencyId();
        context.describe("signatory.onboard", "signatory", agencyId, null);
        boolean inYaml = policy.shippedProtocols().protocols().stream().anyMatch(p -> p.signatory(agencyId).isPresent());
        if (inYaml || await(store.find(pool, agencyId, false)).isPresent()) {
            throw exists(agencyId);
        }
        String clientId = OnboardingValidator.clientId(agencyId);
        AgencyClients.Created created = identityProvider(() -> clients.create(new AgencyClients.Spec(clientId, agencyId,
                body.displayName())));
        String webhookSecret = body.webhookUrl() == null ? null : WebhookSigner.newSecret();
        String actor = context.requireActor().subject();
        record Written(List<String> versions, UUID subscriptionId) {
        }
        Written written;
        try {
            written = await(pool.withTransaction(tx -> store.insert(tx, body, protocols, clientId, created.internalId(), actor,
                            context.requestId())
                    .chain(versions -> (webhookSecret == null ? Uni.createFrom().<UUID>nullItem()
                            : store.subscribe(tx, agencyId, body.webhookUrl(), webhookSecret, actor))
                            .map(subscription -> new Written(versions, subscription)))
                    .call(w -> {
                        context.decided(membership(w.versions()));
                        return audit.record(tx, audit.entryFor(context, "signatory.onboard", 201));
                    })
                    .call(() -> flags.raise(tx, SecretIssued.flag(agencyId, webhookSecret == null ? "Client secret"
                            : "Client secret and webhook signing secret", "onboarding", context.requireActor())))));
        } catch (RuntimeException e) {
            context.decided(null);
            throw compensate(created.internalId(), clientId, agencyId, e);
        }
        context.markAudited();
        await(directory.refresh());
        LOG.infof("Signatory %s onboarded as client %s, protocols %s", agencyId, clientId, written.versions());
        Webhook webhook = webhookSecret == null ? null : new Webhook(written.subscriptionId(), body.webhookUrl(), webhookSecret, 1);
        return Response.status(201).location(URI.create("/api/v1/admin/signatories/" + agencyId))
                .entity(new Onboarded(agencyId, clientId, created.secret(), tokenUrl, "ACTIVE", written.versions(), webhook))
                .build();
    }

    @Operation(summary = "Every signatory, with its status")
    @APIResponse(responseCode = "200", description = "The signatories.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SignatoryStore.View.class, type = SchemaType.ARRAY)))
    @GET
    public Uni<List<SignatoryStore.View>> list() {
        context.describe("signatory.list", "signatory", null, null);
        return store.list(pool);
    }

    @Operation(summary = "One signatory")
    @APIResponse(responseCode = "200", description = "The signatory.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = SignatoryStore.View.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @GET
    @Path("/{agencyId}")
    public Uni<SignatoryStore.View> get(@PathParam("agencyId") String agencyId) {
        context.describe("signatory.read", "signatory", agencyId, null);
        return store.viewOf(pool, agencyId).map(view -> view.orElseThrow(ApiException::notFound));
    }

    /** A new Keycloak client secret, shown once; tokens already issued stay valid until they expire (revoke to end them). */
    @Operation(summary = "A new Keycloak client secret",
        description = "Shown once; the previous one stops working at once (tokens already issued stay valid until they expire). 409 CLIENT_NOT_MANAGED for an agency named in the protocol YAML.")
    @APIResponse(responseCode = "200", description = "The new secret, shown this once.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ClientSecret.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @APIResponse(responseCode = "502", ref = "Problem")
    @POST
    @Blocking
    @Path("/{agencyId}/client-secret")
    public ClientSecret rotateClientSecret(@PathParam("agencyId") String agencyId) {
        context.describe("signatory.rotate-client-secret", "signatory", agencyId, null);
        Row row = await(store.find(pool, agencyId, false)).orElseThrow(() -> store.yamlProtocols(agencyId).isEmpty()
                ? ApiException.notFound()
                : new ApiException(409, "CLIENT_NOT_MANAGED", agencyId + " is a signatory in the protocol YAML; its Keycloak "
                        + "client is not managed by the gateway, so rotate its secret in Keycloak.", List.of()));
        String secret = identityProvider(() -> clients.rotateSecret(row.getString("keycloak_client_id")));
        await(pool.withTransaction(tx -> store.touch(tx, agencyId)
                .chain(() -> audit.record(tx, audit.entryFor(context, "signatory.rotate-client-secret", 200)))
                .chain(() -> flags.raise(tx, SecretIssued.flag(agencyId, "Client secret", "rotation", context.requireActor())))));
        context.markAudited();
        return new ClientSecret(agencyId, row.getString("client_id"), secret);
    }

    /** Starts a webhook secret rotation: a new secret (shown once) joins the current one; both sign every delivery. */
    @Operation(summary = "Start a webhook secret rotation for the agency",
        description = "A new secret, shown once, joins the current one; both sign every delivery. 409 NO_WEBHOOK.")
    @APIResponse(responseCode = "201", description = "The new secret, shown this once.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Webhook.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/{agencyId}/webhook-secret")
    public Uni<Response> rotateWebhookSecret(@PathParam("agencyId") String agencyId) {
        context.describe("signatory.rotate-webhook-secret", "signatory", agencyId, null);
        String secret = WebhookSigner.newSecret();
        return pool.withTransaction(tx -> store.addWebhookSecret(tx, agencyId, secret)
                        .invoke(live -> live.orElseThrow(() -> noWebhook(agencyId)))
                        .call(live -> audit.record(tx, audit.entryFor(context, "signatory.rotate-webhook-secret", 201)))
                        .call(live -> flags.raise(tx, SecretIssued.flag(agencyId, "Webhook signing secret", "rotation",
                                context.requireActor()))))
                .invoke(context::markAudited)
                .map(live -> Response.status(201).entity(new Webhook(null, null, secret, live.orElseThrow())).build());
    }

    /** Ends a webhook secret rotation: only the newest secret stays live. */
    @Operation(summary = "End a webhook secret rotation for the agency",
        description = "Only the newest secret stays live.")
    @APIResponse(responseCode = "200", description = "The subscription.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Webhook.class)))
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @POST
    @Path("/{agencyId}/webhook-secret/retire-previous")
    public Uni<Webhook> retirePreviousWebhookSecret(@PathParam("agencyId") String agencyId) {
        context.describe("signatory.retire-webhook-secret", "signatory", agencyId, null);
        return pool.withTransaction(tx -> store.retirePreviousWebhookSecret(tx, agencyId)
                        .invoke(live -> live.orElseThrow(() -> noWebhook(agencyId)))
                        .call(live -> audit.record(tx, audit.entryFor(context, "signatory.retire-webhook-secret", 200))))
                .invoke(context::markAudited)
                .map(live -> new Webhook(null, null, null, live.orElseThrow()));
    }

    /** Temporarily cuts the agency off (a compromised system, say), pending an explicit reinstatement. */
    @Operation(summary = "Suspend an agency",
        description = "Cuts it off at once (a compromised system, say) until it is reinstated; its Keycloak client is disabled. A reason is required.")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = Reason.class),
                        examples = @ExampleObject(name = "example", value = "{\"reason\": \"Their case system is suspected compromised; suspended pending their security review.\"}"))})
    @APIResponse(responseCode = "200", description = "Suspended.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Changed.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @APIResponse(responseCode = "502", ref = "Problem")
    @POST
    @Blocking
    @Path("/{agencyId}/suspend")
    @Consumes(MediaType.APPLICATION_JSON)
    public Changed suspend(@PathParam("agencyId") String agencyId, Reason body) {
        return cutOff(agencyId, body, "SUSPENDED");
    }

    /** Cuts the agency off because it left or must not share any more; reinstating is still possible, explicitly. */
    @Operation(summary = "Revoke an agency",
        description = "It left or must not share any more; reinstating is still possible, explicitly. A reason is required.")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = Reason.class),
                        examples = @ExampleObject(name = "example", value = "{\"reason\": \"Left the partnership on 1 December.\"}"))})
    @APIResponse(responseCode = "200", description = "Revoked.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Changed.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @APIResponse(responseCode = "502", ref = "Problem")
    @POST
    @Blocking
    @Path("/{agencyId}/revoke")
    @Consumes(MediaType.APPLICATION_JSON)
    public Changed revoke(@PathParam("agencyId") String agencyId, Reason body) {
        return cutOff(agencyId, body, "REVOKED");
    }

    @Operation(summary = "Reinstate a suspended or revoked agency",
        description = "409 NOT_CUT_OFF when it is active. A reason is required.")
    @RequestBody(required = true, content = {
                @Content(mediaType = "application/json", schema = @Schema(implementation = Reason.class),
                        examples = @ExampleObject(name = "example", value = "{\"reason\": \"Security review passed.\"}"))})
    @APIResponse(responseCode = "200", description = "Active again.",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = Changed.class)))
    @APIResponse(responseCode = "400", ref = "Problem")
    @APIResponse(responseCode = "404", ref = "Problem")
    @APIResponse(responseCode = "409", ref = "Problem")
    @APIResponse(responseCode = "502", ref = "Problem")
    @POST
    @Blocking
    @Path("/{agencyId}/reinstate")
    @Consumes(MediaType.APPLICATION_JSON)
    public Changed reinstate(@PathParam("agencyId") String agencyId, Reason body) {
        String reason = reason(body);
        context.describe("signatory.reinstate", "signatory", agencyId, null);
        SignatoryStore.Target target = await(store.target(pool, agencyId)).orElseThrow(ApiException::notFound);
        if ("ACTIVE".equals(target.status())) {
            throw new ApiException(409, "NOT_CUT_OFF", agencyId + " is active; there is nothing to reinstate.", List.of());
        }
        String keycloakId = target.keycloakClientId();
        setEnabled(keycloakId, true);
        List<String> versions;
        try {
            versions = await(pool.withTransaction(tx -> store.reinstate(tx, agencyId)
                    .chain(() -> target.inYaml() ? Uni.createFrom().item(List.<String>of())
                            : store.status(tx, agencyId, "ACTIVE", reason).chain(() -> store.membershipChange(tx, agencyId,
                                    target.protocols(), "ADDED", context.requireActor().subject(), context.requestId())))
                    .call(v -> {
                        context.decided(membership(target, v));
                        return audit.record(tx, audit.entryFor(context, "signatory.reinstate", 200));
                    })));
        } catch (RuntimeException e) {
            context.decided(null);
            // The agency stays cut off: put Keycloak back as the database still says.
            if (keycloakId != null) {
                undo("disable client " + keycloakId, () -> clients.setEnabled(keycloakId, false));
            }
            throw e;
        }
        context.markAudited();
        await(directory.refresh());
        return changed(target, versions, true);
    }

    private Changed cutOff(String agencyId, Reason body, String status) {
        String reason = reason(body);
        String action = "signatory." + (status.equals("SUSPENDED") ? "suspend" : "revoke");
        context.describe(action, "signatory", agencyId, null);
        SignatoryStore.Target target = await(store.target(pool, agencyId)).orElseThrow(ApiException::notFound);
        if (status.equals(target.status())) {
            throw new ApiException(409, "ALREADY_" + status, agencyId + " is already " + status.toLowerCase() + ".", List.of());
        }
        boolean rejoin = "ACTIVE".equals(target.status()) && !target.inYaml();
        // Keycloak first: from here no new token is issued. If the database then fails, the client
        // stays disabled (the safe side) and the administrator repeats the call. An agency named in the
        // YAML has no client the gateway manages: the revocation list alone refuses its tokens.
        setEnabled(target.keycloakClientId(), false);
        String actor = context.requireActor().subject();
        List<String> versions;
        try {
            versions = await(pool.withTransaction(tx -> store.revoke(tx, agencyId, status, actor, reason)
                    .chain(() -> target.inYaml() ? Uni.createFrom().item(List.<String>of())
                            : store.status(tx, agencyId, status, reason).chain(() -> rejoin
                                    ? store.membershipChange(tx, agencyId, target.protocols(), "REMOVED", actor, context.requestId())
                                    : Uni.createFrom().item(List.<String>of())))
                    .call(v -> {
                        context.decided(membership(target, v));
                        AuditEntry entry = audit.entryFor(context, action, 200);
                        return audit.record(tx, entry).chain(() -> store.tellDpo(tx, agencyId, "SIGNATORY_" + status, actor,
                                entry.id(), "Agency " + agencyId + " (" + target.displayName() + ", DPO " + target.dpoContact()
                                        + ") " + status.toLowerCase() + " by an administrator: " + reason
                                        + (target.inYaml() ? " [signatory in the protocol YAML: its Keycloak client is not "
                                                + "managed by the gateway; the revocation list refuses its tokens]" : "")));
                    })));
        } catch (RuntimeException e) {
            context.decided(null);
            LOG.errorf("Signatory %s: Keycloak client disabled but the registry change failed; repeat the call", agencyId);
            throw e;
        }
        context.markAudited();
        await(directory.refresh());
        LOG.infof("Signatory %s %s; protocol versions %s", agencyId, status.toLowerCase(), versions);
        return changed(target, versions, false);
    }

    /** Enables or disables the agency's Keycloak client, if the gateway manages one. */
    private void setEnabled(String keycloakId, boolean enabled) {
        if (keycloakId != null) {
            identityProvider(() -> {
                clients.setEnabled(keycloakId, enabled);
                return null;
            });
        }
    }

    private Changed changed(SignatoryStore.Target target, List<String> versions, boolean enabled) {
        return new Changed(await(store.viewOf(pool, target.agencyId())).orElseThrow(), versions,
                target.keycloakClientId() == null ? "not-managed" : enabled ? "enabled" : "disabled");
    }

    /** Undoes the Keycloak half of a failed onboarding, and says honestly whether that worked. */
    private ApiException compensate(String keycloakId, String clientId, String agencyId, RuntimeException failure) {
        boolean duplicate = isUniqueViolation(failure);
        if (!duplicate && !(failure instanceof ApiException)) {
            LOG.errorf(failure, "Onboarding %s: the database transaction failed; removing Keycloak client %s", agencyId, clientId);
        }
        if (!undo("delete client " + clientId, () -> clients.delete(keycloakId))) {
            return new ApiException(500, "ONBOARDING_INCOMPLETE", "The registry was not changed, but Keycloak client "
                    + clientId + " could not be removed: delete it by hand before retrying.", List.of());
        }
        if (duplicate) {
            return exists(agencyId);
        }
        if (failure instanceof ApiException api) {
            return api;
        }
        return new ApiException(500, "ONBOARDING_FAILED", "The registry could not be written, so nothing was kept: "
                + "the Keycloak client was removed again. Retry later; quote the request id to the operators.", List.of());
    }

    private static boolean undo(String what, Runnable action) {
        try {
            action.run();
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "Compensation failed: could not %s in Keycloak", what);
            return false;
        }
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }

    private static <T> T identityProvider(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (AgencyClients.IdentityProviderException e) {
            LOG.warnf("Identity provider call failed: %s", e.getMessage());
            if (e.conflict()) {
                throw new ApiException(409, "CLIENT_EXISTS", "Keycloak already has a client for this agency; "
                        + "nothing was created.", List.of(new Problem.FieldError("agencyId", "CLIENT_EXISTS", "client exists")));
            }
            throw new ApiException(502, "IDENTITY_PROVIDER_FAILED", "Keycloak could not be updated, so nothing was changed. "
                    + "Retry later.", List.of());
        }
    }

    private static RequestContext.AuditedDecision membership(List<String> versions) {
        return new RequestContext.AuditedDecision("NONE", List.of(), versions, null, null, null, null);
    }

    /**
     * The audit reasons of a cut-off or reinstatement: the membership versions it created, or for an
     * agency named in the YAML (whose membership is the YAML's and does not change) what it signed there.
     */
    private RequestContext.AuditedDecision membership(SignatoryStore.Target target, List<String> versions) {
        return membership(!target.inYaml() ? versions : target.protocols().stream().map(p -> "protocol-yaml-signatory:"
                + p + "@" + policy.shippedProtocols().protocol(p).orElseThrow().version()).toList());
    }

    private static ApiException exists(String agencyId) {
        return new ApiException(409, "AGENCY_EXISTS", agencyId + " is already a signatory; nothing was created.",
                List.of(new Problem.FieldError("agencyId", "AGENCY_EXISTS", "already a signatory")));
    }

    private static ApiException noWebhook(String agencyId) {
        return new ApiException(409, "NO_WEBHOOK", agencyId + " has no webhook subscription to rotate.", List.of());
    }

    private static String reason(Reason body) {
        if (body == null || body.reason() == null || body.reason().isBlank() || body.reason().length() > 500
                || CONTROL.matcher(body.reason()).find()) {
            throw ApiException.badRequest("reason", "REASON_REQUIRED",
                    "reason is required: 1 to 500 characters about the agency (never about a child), no control characters.");
        }
        return body.reason();
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(DB_TIMEOUT);
    }
}
