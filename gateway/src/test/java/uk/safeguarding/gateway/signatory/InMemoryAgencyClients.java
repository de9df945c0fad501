package uk.safeguarding.gateway.signatory;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keycloak's side of onboarding for the @QuarkusTest suite, which has no Keycloak: it remembers
 * clients the way Keycloak would (conflict on a taken client id, a new secret on rotation) so the
 * tests can see what was created, disabled and compensated. The e2e suite (*IT) runs the real
 * {@link KeycloakAgencyClients} against a real Keycloak instead.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class InMemoryAgencyClients implements AgencyClients {

    /** One client as Keycloak would hold it. */
    public record Client(String internalId, String clientId, String agencyId, String secret, boolean enabled) {
    }

    private final Map<String, Client> byInternalId = new ConcurrentHashMap<>();
    private volatile boolean unreachable;

    @Override
    public Created create(Spec spec) {
        failIfUnreachable();
        if (byClientId(spec.clientId()).isPresent()) {
            throw new IdentityProviderException("client exists", true, null);
        }
        Client client = new Client(UUID.randomUUID().toString(), spec.clientId(), spec.agencyId(), UUID.randomUUID().toString(), true);
        byInternalId.put(client.internalId(), client);
        return new Created(client.internalId(), client.secret());
    }

    @Override
    public String rotateSecret(String internalId) {
        failIfUnreachable();
        Client c = byInternalId.get(internalId);
        Client rotated = new Client(c.internalId(), c.clientId(), c.agencyId(), UUID.randomUUID().toString(), c.enabled());
        byInternalId.put(internalId, rotated);
        return rotated.secret();
    }

    @Override
    public void setEnabled(String internalId, boolean enabled) {
        failIfUnreachable();
        Client c = byInternalId.get(internalId);
        byInternalId.put(internalId, new Client(c.internalId(), c.clientId(), c.agencyId(), c.secret(), enabled));
    }

    @Override
    public void delete(String internalId) {
        failIfUnreachable();
        byInternalId.remove(internalId);
    }

    @Override
    public Optional<Boolean> enabled(String clientId) {
        return byClientId(clientId).map(Client::enabled);
    }

    public Optional<Client> byClientId(String clientId) {
        return byInternalId.values().stream().filter(c -> c.clientId().equals(clientId)).findFirst();
    }

    /** Makes every call fail as if Keycloak were down. */
    public void unreachable(boolean unreachable) {
        this.unreachable = unreachable;
    }

    private void failIfUnreachable() {
        if (unreachable) {
            throw new IdentityProviderException("Keycloak unreachable (test)", false, null);
        }
    }
}
