package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.WebhookReceiver;

/** An endpoint that requires OAuth: the gateway gets a token with the client credentials grant and sends it. */
@QuarkusTest
class OAuthDeliveryTest {

    @Test
    void aTokenIsObtainedWithClientCredentialsAndSentWithEveryDelivery() throws Exception {
        clearSubscriptions();
        List<String> tokenRequests = new CopyOnWriteArrayList<>();
        HttpServer tokenServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        tokenServer.createContext("/oauth2/token", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            tokenRequests.add(exchange.getRequestHeaders().getFirst("Authorization") + "|" + form);
            byte[] body = "{\"access_token\":\"tok-lancs-1\",\"token_type\":\"Bearer\",\"expires_in\":300}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        tokenServer.start();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String tokenUrl = "http://127.0.0.1:" + tokenServer.getAddress().getPort() + "/oauth2/token";
            given().auth().oauth2(admin()).contentType(ContentType.JSON)
                    .body(Map.of("agency", HOST_POLICE, "url", receiver.url(HOST_POLICE),
                            "oauth", Map.of("tokenUrl", tokenUrl, "clientId", "gateway-alerts", "clientSecret", "s3cret-value",
                                    "scope", "alerts:write")))
                    .when().post("/api/v1/admin/subscriptions").then().statusCode(201);
            String listing = given().auth().oauth2(admin()).when().get("/api/v1/admin/subscriptions")
                    .then().statusCode(200).body("find { it.agency == '" + HOST_POLICE + "' }.oauthClientId",
                            equalTo("gateway-alerts")).extract().asString();
            assertFalse(listing.contains("s3cret-value"), "the client secret is never returned");
            String row = uk.safeguarding.gateway.support.Db.query("SELECT secrets::text || oauth::text AS v FROM alert_subscription "
                    + "WHERE agency_id = ?", HOST_POLICE).get(0).get("v").toString();
            assertFalse(row.contains("s3cret-value"), "the client secret is stored encrypted: " + row);
            assertTrue(row.contains("\"clientSecret\": \"gcm1:dev-only:"), row);
            assertFalse(row.contains("whsec_"), "the webhook secret is stored encrypted: " + row);

            UUID first = placedChild();
            UUID second = placedChild();
            await().atMost(Duration.ofSeconds(15)).until(() -> !forChild(receiver.deliveriesFor(HOST_POLICE), first).isEmpty()
                    && !forChild(receiver.deliveriesFor(HOST_POLICE), second).isEmpty());
            for (UUID child : List.of(first, second)) {
                assertEquals("Bearer tok-lancs-1",
                        forChild(receiver.deliveriesFor(HOST_POLICE), child).get(0).header("authorization"));
            }
            assertEquals(1, tokenRequests.size(), "the token is reused until it expires: " + tokenRequests);
            String request = tokenRequests.get(0);
            assertTrue(request.contains("grant_type=client_credentials"), request);
            String basic = "Basic " + Base64.getEncoder().encodeToString("gateway-alerts:s3cret-value".getBytes(StandardCharsets.UTF_8));
            assertTrue(request.startsWith(basic) || request.contains("client_secret=s3cret-value"), request);
        } finally {
            tokenServer.stop(0);
        }
    }

    /**
     * The runtime role can rewrite the oauth column: a client secret copied into another subscription, or
     * left under a token URL pointed elsewhere, no longer decrypts, so the delivery fails with a clear
     * error and no token request (no client secret) goes anywhere.
     */
    @Test
    void aCopiedOrRepointedClientSecretIsNeverSent() throws Exception {
        clearSubscriptions();
        List<String> tokenRequests = new CopyOnWriteArrayList<>();
        HttpServer tokenServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        tokenServer.createContext("/", exchange -> {
            tokenRequests.add(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        tokenServer.start();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String base = "http://127.0.0.1:" + tokenServer.getAddress().getPort();
            given().auth().oauth2(admin()).contentType(ContentType.JSON)
                    .body(Map.of("agency", HOST_POLICE, "url", receiver.url(HOST_POLICE),
                            "oauth", Map.of("tokenUrl", base + "/oauth2/token", "clientId", "gateway-alerts", "clientSecret", "s3cret-value")))
                    .when().post("/api/v1/admin/subscriptions").then().statusCode(201);
            subscribe(receiver, HOST_HEALTH);
            // The victim's ciphertext copied into another subscription, and the victim's own token URL re-pointed.
            uk.safeguarding.gateway.support.Db.update("UPDATE alert_subscription h SET oauth = p.oauth FROM alert_subscription p "
                    + "WHERE p.agency_id = ? AND h.agency_id = ?", HOST_POLICE, HOST_HEALTH);
            uk.safeguarding.gateway.support.Db.update("UPDATE alert_subscription SET oauth = oauth || jsonb_build_object('tokenUrl', ?::text) "
                    + "WHERE agency_id = ?", base + "/attacker/token", HOST_POLICE);
            String tag = "moved" + System.nanoTime();
            uk.safeguarding.gateway.support.Db.update("INSERT INTO alert (id, recipient_agency, event, payload) VALUES "
                    + "(gen_random_uuid(), ?, ?, '{}'::jsonb), (gen_random_uuid(), ?, ?, '{}'::jsonb)", HOST_POLICE, tag, HOST_HEALTH, tag);
            // The attempt is counted when the alert is claimed and its error written when it fails: wait for both.
            await().atMost(Duration.ofSeconds(15)).until(() -> uk.safeguarding.gateway.support.Db.count(
                    "SELECT count(*) FROM alert WHERE event = ? AND attempts >= 1 AND last_error IS NOT NULL", tag) == 2);
            for (Map<String, Object> row : uk.safeguarding.gateway.support.Db.query(
                    "SELECT status, last_error FROM alert WHERE event = ?", tag)) {
                assertEquals("PENDING", row.get("status"));
                assertTrue(String.valueOf(row.get("last_error")).contains("stored secret unusable"), row.toString());
            }
            assertEquals(List.of(), tokenRequests, "no token request, so no client secret, went anywhere");
            List<Object> ids = uk.safeguarding.gateway.support.Db.query("SELECT id::text AS id FROM alert WHERE event = ?", tag)
                    .stream().map(r -> r.get("id")).toList();
            assertTrue(receiver.deliveries().stream().noneMatch(d -> ids.contains(d.webhookId())), "nothing delivered");
        } finally {
            tokenServer.stop(0);
            clearSubscriptions();
        }
    }

    @Test
    void anOAuthTokenUrlMustBeHttps() {
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("agency", OTHER_PROVIDER, "url", "https://provider.example/hooks",
                        "oauth", Map.of("tokenUrl", "http://idp.example/token", "clientId", "a", "clientSecret", "b")))
                .when().post("/api/v1/admin/subscriptions").then().statusCode(400)
                .body("errors[0].field", equalTo("oauth.tokenUrl"));
    }
}
