package uk.safeguarding.gateway.signatory;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;

/**
 * Agency clients in Keycloak, through the admin REST API with the gateway's own service account
 * ({@code gateway-onboarding}: manage/view/query clients in the one realm, nothing else). The client
 * is shaped like the realm file's agency clients: client credentials only, no refresh tokens, the
 * realm's basic/roles/service_account scopes and the audience scope, a hardcoded {@code agency}
 * claim. Its one role comes from a hardcoded-role mapper on the client, so onboarding needs no
 * right to manage users.
 */
@ApplicationScoped
public class KeycloakAgencyClients implements AgencyClients {

    private final Keycloak keycloak;
    private final SignatoryConfig config;

    KeycloakAgencyClients(Keycloak keycloak, SignatoryConfig config) {
        this.keycloak = keycloak;
        this.config = config;
    }

    @Override
    public Created create(Spec spec) {
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(spec.clientId());
        client.setName(spec.displayName());
        client.setDescription("Agency " + spec.agencyId() + ", onboarded through the gateway's admin API.");
        client.setEnabled(true);
        client.setProtocol("openid-connect");
        client.setPublicClient(false);
        client.setBearerOnly(false);
        client.setClientAuthenticatorType("client-secret");
        client.setStandardFlowEnabled(false);
        client.setImplicitFlowEnabled(false);
        client.setDirectAccessGrantsEnabled(false);
        client.setServiceAccountsEnabled(true);
        client.setConsentRequired(false);
        client.setFrontchannelLogout(false);
        // Only the mapped role: no default-roles composite, no account audience, exactly like the realm file's clients.
        client.setFullScopeAllowed(false);
        client.setRedirectUris(List.of());
        client.setWebOrigins(List.of());
        client.setAttributes(Map.of(
                "oauth2.device.authorization.grant.enabled", "false",
                "oidc.ciba.grant.enabled", "false",
                "client_credentials.use_refresh_token", "false",
                "use.refresh.tokens", "false"));
        client.setDefaultClientScopes(List.of("basic", "roles", "service_account", config.audienceScope()));
        client.setOptionalClientScopes(List.of());
        client.setProtocolMappers(List.of(
                mapper("agency", "oidc-hardcoded-claim-mapper", Map.of(
                        "claim.name", "agency", "claim.value", spec.agencyId(), "jsonType.label", "String",
                        "access.token.claim", "true", "id.token.claim", "false", "userinfo.token.claim", "false",
                        "introspection.token.claim", "true", "lightweight.claim", "false")),
                mapper("gateway-audience", "oidc-audience-mapper", Map.of(
                        "included.custom.audience", config.audience(), "access.token.claim", "true",
                        "id.token.claim", "false", "introspection.token.claim", "true")),
                mapper("system-role", "oidc-hardcoded-role-mapper", Map.of("role", config.systemRole()))));
        String id = call("create client " + spec.clientId(), () -> {
            try (Response response = clients().create(client)) {
                if (response.getStatus() == 409) {
                    throw new IdentityProviderException("client " + spec.clientId() + " already exists", true, null);
                }
                return CreatedResponseUtil.getCreatedId(response);
            }
        });
        try {
            String secret = call("read secret", () -> clients().get(id).getSecret().getValue());
            return new Created(id, secret);
        } catch (RuntimeException e) {
            delete(id);
            throw e;
        }
    }

    @Override
    public String rotateSecret(String internalId) {
        return call("rotate secret", () -> client(internalId).generateNewSecret().getValue());
    }

    @Override
    public void setEnabled(String internalId, boolean enabled) {
        call(enabled ? "enable client" : "disable client", () -> {
            ClientResource resource = client(internalId);
            ClientRepresentation representation = resource.toRepresentation();
            representation.setEnabled(enabled);
            resource.update(representation);
            return null;
        });
    }

    @Override
    public void delete(String internalId) {
        call("delete client", () -> {
            client(internalId).remove();
            return null;
        });
    }

    @Override
    public Optional<Boolean> enabled(String clientId) {
        return call("find client", () -> clients().findByClientId(clientId).stream().findFirst()
                .map(ClientRepresentation::isEnabled));
    }

    private org.keycloak.admin.client.resource.ClientsResource clients() {
        return keycloak.realm(config.realm()).clients();
    }

    private ClientResource client(String internalId) {
        return clients().get(internalId);
    }

    private static ProtocolMapperRepresentation mapper(String name, String type, Map<String, String> config) {
        ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
        mapper.setName(name);
        mapper.setProtocol("openid-connect");
        mapper.setProtocolMapper(type);
        mapper.setConfig(config);
        return mapper;
    }

    private static <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (IdentityProviderException e) {
            throw e;
        } catch (WebApplicationException e) {
            throw new IdentityProviderException("Keycloak refused to " + what + " (HTTP " + e.getResponse().getStatus() + ")",
                    e.getResponse().getStatus() == 409, e);
        } catch (RuntimeException e) {
            throw new IdentityProviderException("Keycloak unreachable to " + what + ": " + e.getClass().getSimpleName(), false, e);
        }
    }
}
