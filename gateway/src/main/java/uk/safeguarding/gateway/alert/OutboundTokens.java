package uk.safeguarding.gateway.alert;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.OidcClientConfigBuilder;
import io.quarkus.oidc.client.OidcClients;
import io.quarkus.oidc.client.Tokens;
import io.quarkus.oidc.client.runtime.OidcClientConfig;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Access tokens for recipients whose webhook endpoints require OAuth: one Quarkus OIDC client per
 * subscription (client credentials grant, no discovery, the token URL as registered), its tokens
 * reused until they expire. Called on the dispatcher's worker threads, never on the event loop.
 */
@ApplicationScoped
public class OutboundTokens {

    private final OidcClients clients;
    private final AlertConfig config;
    private final ConcurrentMap<String, OidcClient> byKey = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Tokens> tokens = new ConcurrentHashMap<>();

    OutboundTokens(OidcClients clients, AlertConfig config) {
        this.clients = clients;
        this.config = config;
    }

    /** A bearer token for this subscription's endpoint. {@code key} changes whenever the subscription does. */
    public String bearer(String key, JsonObject oauth) {
        // compute() serialises concurrent dispatchers on one subscription: one token request, not one each.
        return tokens.compute(key, (k, current) -> {
            if (current != null && !current.isAccessTokenExpired()) {
                return current;
            }
            OidcClient client = byKey.computeIfAbsent(k, c -> clients.newClient(clientConfig(c, oauth))
                    .await().atMost(config.requestTimeout()));
            return client.getTokens().await().atMost(config.requestTimeout());
        }).getAccessToken();
    }

    private static OidcClientConfig clientConfig(String key, JsonObject oauth) {
        URI token = URI.create(oauth.getString("tokenUrl"));
        String origin = token.getScheme() + "://" + token.getAuthority();
        OidcClientConfigBuilder b = OidcClientConfig.builder().id("alert-" + key)
                .authServerUrl(origin).discoveryEnabled(false).tokenPath(token.toString())
                .clientId(oauth.getString("clientId")).credentials(oauth.getString("clientSecret"))
                .grant(OidcClientConfig.Grant.Type.CLIENT);
        String scope = oauth.getString("scope");
        if (scope != null && !scope.isBlank()) {
            b.scopes(scope.split(" "));
        }
        return b.build();
    }
}
