package uk.safeguarding.gateway.alert;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import uk.safeguarding.gateway.outbound.OutboundUrlPolicy;
import uk.safeguarding.gateway.outbound.PinnedHttp;

/**
 * Access tokens for recipients whose webhook endpoints require OAuth: the client credentials grant
 * (RFC 6749 4.4, client_secret_basic) against the token URL as registered, its tokens reused until
 * they expire. The token request goes through the outbound URL policy and is pinned to the address
 * checked, like the webhook itself; that is why it is done here rather than with the Quarkus OIDC
 * client, which resolves the token URL's host on its own. Called on the dispatcher's worker threads.
 */
@ApplicationScoped
public class OutboundTokens {

    private static final int MAX_TOKEN_RESPONSE = 64 * 1024;

    private record Token(String value, Instant expiresAt) {
    }

    private final AlertConfig config;
    private final OutboundUrlPolicy urls;
    private final PinnedHttp http;
    private final ConcurrentMap<String, Token> tokens = new ConcurrentHashMap<>();

    OutboundTokens(AlertConfig config, OutboundUrlPolicy urls, PinnedHttp http) {
        this.config = config;
        this.urls = urls;
        this.http = http;
    }

    /** A bearer token for this subscription's endpoint. {@code key} changes whenever the subscription does. */
    public String bearer(String key, JsonObject oauth) {
        // compute() serialises concurrent dispatchers on one subscription: one token request, not one each.
        return tokens.compute(key, (k, current) -> current != null && Instant.now().isBefore(current.expiresAt())
                ? current : request(oauth)).value();
    }

    private Token request(JsonObject oauth) {
        OutboundUrlPolicy.Target target = urls.resolve(oauth.getString("tokenUrl"));
        String credentials = form(oauth.getString("clientId")) + ":" + form(oauth.getString("clientSecret"));
        StringBuilder body = new StringBuilder("grant_type=client_credentials");
        String scope = oauth.getString("scope");
        if (scope != null && !scope.isBlank()) {
            body.append("&scope=").append(form(scope));
        }
        PinnedHttp.Response response;
        try {
            response = http.send(HttpMethod.POST, target, Map.of(
                    "authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)),
                    "content-type", "application/x-www-form-urlencoded", "accept", "application/json"),
                    body.toString(), config.requestTimeout(), MAX_TOKEN_RESPONSE)
                    .get(config.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("token request failed: " + e.getCause().getClass().getSimpleName() + ": "
                    + e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("token request timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        if (response.status() != 200 || response.truncated()) {
            // The body may echo what was sent; only the status is kept.
            throw new IllegalStateException("token endpoint answered HTTP " + response.status());
        }
        JsonObject json;
        try {
            json = new JsonObject(response.body());
        } catch (RuntimeException e) {
            throw new IllegalStateException("token endpoint answered something other than JSON");
        }
        String token = json.getString("access_token");
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("token endpoint answered without access_token");
        }
        Number expiresIn = json.getValue("expires_in") instanceof Number n ? n : 60;
        // Renew a little early, so a token never expires in flight.
        long seconds = Math.max(1, expiresIn.longValue() - Math.min(30, expiresIn.longValue() / 10));
        return new Token(token, Instant.now().plusSeconds(seconds));
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
