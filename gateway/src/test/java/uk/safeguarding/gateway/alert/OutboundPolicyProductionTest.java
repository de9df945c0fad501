package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.outbound.OutboundConfig;
import uk.safeguarding.gateway.outbound.OutboundUrlPolicy;
import uk.safeguarding.gateway.support.Db;

/**
 * The outbound URL policy with production's settings: registration refuses metadata, private and
 * plain-http URLs with the field and rule named, and a send to a name that now resolves to a private
 * address is a recorded delivery failure, not a crash and not a request. This profile's own dispatcher
 * is off, so the one under test, whose resolver answers as a rebinding DNS would, is the only sender.
 */
@QuarkusTest
@TestProfile(OutboundPolicyProductionTest.ProductionPolicy.class)
class OutboundPolicyProductionTest {

    /** Production's outbound settings on the test profile; the background dispatcher off. */
    public static class ProductionPolicy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.outbound.allow-private-addresses", "false",
                    "gateway.outbound.allow-http-to-loopback", "false",
                    "gateway.outbound.allow-any-port", "false",
                    "gateway.alert.dispatcher-enabled", "false");
        }
    }

    @Inject
    OutboundConfig outbound;
    @Inject
    TestDispatchers dispatchers;

    @BeforeEach
    void clean() {
        clearSubscriptions();
    }

    private static io.restassured.response.ValidatableResponse subscribe(Map<String, Object> body) {
        return given().auth().oauth2(admin()).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/admin/subscriptions").then();
    }

    @Test
    void theCloudMetadataAddressIsRefusedWithTheFieldAndRuleNamed() {
        subscribe(Map.of("agency", HOST_POLICE, "url", "http://169.254.169.254/latest/meta-data/")).statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("code", equalTo("URL_ADDRESS_NOT_ALLOWED"))
                .body("errors[0].field", equalTo("url")).body("errors[0].rule", equalTo("URL_ADDRESS_NOT_ALLOWED"))
                .body("errors[0].message", containsString("link-local"));
        subscribe(Map.of("agency", HOST_POLICE, "url", "https://2130706433/hooks")).statusCode(400)
                .body("errors[0].field", equalTo("url")).body("errors[0].message", containsString("loopback"));
        subscribe(Map.of("agency", HOST_POLICE, "url", "https://alerts.police.example:8443/hooks")).statusCode(400)
                .body("errors[0].rule", equalTo("URL_PORT_NOT_ALLOWED"));
        subscribe(Map.of("agency", HOST_POLICE, "url", "https://alerts.police.example/hooks",
                "oauth", Map.of("tokenUrl", "https://[::ffff:10.0.0.1]/token", "clientId", "a", "clientSecret", "b")))
                .statusCode(400).body("errors[0].field", equalTo("oauth.tokenUrl"))
                .body("errors[0].rule", equalTo("URL_ADDRESS_NOT_ALLOWED"));
        assertEquals(0, Db.count("SELECT count(*) FROM alert_subscription"), "nothing was stored");
    }

    @Test
    void aNameThatResolvesToAPrivateAddressAtSendTimeIsARecordedFailureAndNoRequest() throws Exception {
        // Registered while the name looked public (names are not resolved at registration) ...
        subscribe(Map.of("agency", HOST_POLICE, "url", "https://alerts.police.example/hooks")).statusCode(201);
        String tag = "t" + System.nanoTime();
        Db.update("INSERT INTO alert (id, recipient_agency, event, payload) VALUES (gen_random_uuid(), ?, ?, '{\"test\": true}'::jsonb)",
                HOST_POLICE, tag);
        // ... and now resolving to a private address (DNS rebinding, or a changed record).
        OutboundUrlPolicy rebound = new OutboundUrlPolicy(outbound,
                host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7})});
        Dispatcher dispatcher = dispatchers.create(rebound);
        assertEquals(1, dispatcher.dispatchOnce());
        List<Map<String, Object>> rows = Db.query("SELECT status, attempts, last_error FROM alert WHERE event = ?", tag);
        assertEquals("PENDING", rows.get(0).get("status"), "retried later, like any failed delivery");
        assertEquals(1, ((Number) rows.get(0).get("attempts")).intValue());
        String error = (String) rows.get(0).get("last_error");
        // Rule and host, never the resolved address: last_error is shown to administrators and DPOs.
        assertTrue(error.contains("URL_ADDRESS_NOT_ALLOWED") && !error.contains("10.0.0.7") && error.contains("alerts.police.example"),
                error);
    }
}
