package uk.safeguarding.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's public HTTP API and the realm's token endpoint, called exactly as an agency system
 * would: a real Keycloak token (client credentials for systems, password grant for people through the
 * realm's test client) and the Purpose-Of-Use header.
 */
public final class Api {

    /** One call: what was sent and what came back, and how long it took. */
    public record Call(String method, String path, String as, String purpose, Object sent, int status, Object body,
            String raw, long millis) {

        public String str(Object... path) {
            return Json.str(body, path);
        }

        /** The stable code of a refusal (problem+json {@code code}). */
        public String code() {
            return str("code");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String gateway;
    private final String realm;
    private final Map<String, String[]> tokens = new LinkedHashMap<>();
    private final Map<String, String> usernames = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param gateway base URL of the gateway, e.g. http://127.0.0.1:8080
     * @param realm   the realm URL, e.g. http://127.0.0.1:8180/realms/safeguarding
     */
    public Api(String gateway, String realm) {
        this.gateway = gateway;
        this.realm = realm;
    }

    public String gateway() {
        return gateway;
    }

    /** A token for an agency system (client credentials with the dev-only secret dev-secret-&lt;client&gt;). */
    public String client(String clientId) {
        return token("client:" + clientId, Map.of("grant_type", "client_credentials", "client_id", clientId,
                "client_secret", "dev-secret-" + clientId));
    }

    /** A token for a person (password grant through the realm's e2e-tests client, dev-only password). */
    public String user(String username) {
        String token = token("user:" + username, Map.of("grant_type", "password", "client_id", "e2e-tests",
                "username", username, "password", "dev-password-" + username));
        // The gateway records people by their token subject (an id); remember whose it is for the narration.
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        usernames.put(Json.str(Json.parse(payload), "sub"), username);
        return token;
    }

    /** The username behind a token subject this client obtained, else the subject itself. */
    public String who(String subject) {
        return subject == null ? null : usernames.getOrDefault(subject, subject);
    }

    private synchronized String token(String cacheKey, Map<String, String> form) {
        String[] cached = tokens.get(cacheKey);
        // Tokens are reused for half a minute: the realm's lifetime is longer, and the journey is short.
        if (cached != null && System.currentTimeMillis() - Long.parseLong(cached[1]) < 30_000) {
            return cached[0];
        }
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response = send(request);
        String token = Json.str(Json.parse(response.body()), "access_token");
        if (response.statusCode() != 200 || token == null) {
            throw new IllegalStateException("Keycloak refused a token for " + cacheKey + ": HTTP " + response.statusCode());
        }
        tokens.put(cacheKey, new String[] {token, Long.toString(System.currentTimeMillis())});
        return token;
    }

    public Call get(String path, String as, String token, String purpose) {
        return call("GET", path, as, token, purpose, null);
    }

    public Call post(String path, String as, String token, String purpose, Object body) {
        return call("POST", path, as, token, purpose, body);
    }

    public Call put(String path, String as, String token, String purpose, Object body) {
        return call("PUT", path, as, token, purpose, body);
    }

    public Call delete(String path, String as, String token) {
        return call("DELETE", path, as, token, null, null);
    }

    /** Anything reachable without a token (health, the console page). */
    public int status(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(10)).GET().build();
        return send(request).statusCode();
    }

    private Call call(String method, String path, String as, String token, String purpose, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        if (purpose != null) {
            request.header("Purpose-Of-Use", purpose);
        }
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        long started = System.nanoTime();
        HttpResponse<String> response = send(request.build());
        long millis = (System.nanoTime() - started) / 1_000_000;
        Object parsed;
        try {
            parsed = Json.parse(response.body());
        } catch (IllegalArgumentException e) {
            parsed = null;
        }
        return new Call(method, path, as, purpose, body, response.statusCode(), parsed, response.body(), millis);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot reach " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
