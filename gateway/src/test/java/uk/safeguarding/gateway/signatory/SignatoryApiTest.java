package uk.safeguarding.gateway.signatory;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * The admin API for signatories against the real embedded PostgreSQL, with Keycloak's side held in
 * {@link InMemoryAgencyClients}. The real Keycloak path is {@code e2e/SignatoryLifecycleIT}. Onboarded
 * agencies here sign {@code missing-from-care} only, so the membership versions they create never
 * change the {@code mash-referral} references other tests assert.
 */
@QuarkusTest
class SignatoryApiTest {

    private static final String API = "/api/v1/admin/signatories";
    private static final String PROTOCOL = "missing-from-care";

    @Inject
    InMemoryAgencyClients keycloak;

    static String admin() {
        // The operator's own agency: not a signatory, admitted with role admin for the admin API.
        return TestTokens.forAgency("gateway:admin").roles("admin").subject("admin-robin").sign();
    }

    static String body(String agencyId, String type, String protocol, String webhookUrl) {
        return """
                {"agencyId": "%s", "agencyType": "%s", "displayName": "Test council %s", "protocols": ["%s"],
                 "dpoContact": "dpo@council.example"%s}
                """.formatted(agencyId, type, agencyId, protocol,
                webhookUrl == null ? "" : ", \"webhookUrl\": \"" + webhookUrl + "\"");
    }

    static ValidatableResponse onboard(String body) {
        return given().auth().oauth2(admin()).contentType(ContentType.JSON).body(body).when().post(API).then();
    }

    static ValidatableResponse post(String path, String reason) {
        return given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(reason == null ? "{}" : "{\"reason\": \"" + reason + "\"}").when().post(API + path).then();
    }

    static ValidatableResponse whoami(String agencyId) {
        return given().auth().oauth2(TestTokens.forAgency(agencyId).sign()).when().get("/api/v1/whoami").then();
    }

    private static long rows(String agencyId) {
        return Db.count("SELECT count(*) FROM signatory WHERE agency_id = ?", agencyId)
                + Db.count("SELECT count(*) FROM signatory_protocol WHERE agency_id = ?", agencyId)
                + Db.count("SELECT count(*) FROM protocol_membership_version WHERE agency_id = ?", agencyId)
                + Db.count("SELECT count(*) FROM alert_subscription WHERE agency_id = ?", agencyId);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown protocol      | la:E06000081 | la     | no-such-protocol   |                          | protocols[0] | UNKNOWN_PROTOCOL
            malformed URL         | la:E06000082 | la     | missing-from-care  | not a url                | webhookUrl   | URL_INVALID
            http off loopback     | la:E06000083 | la     | missing-from-care  | http://council.example/h | webhookUrl   | URL_NOT_HTTPS
            malformed agency id   | la/E06000084 | la     | missing-from-care  |                          | agencyId     | AGENCY_ID_FORMAT
            type is not the prefix| la:E06000085 | police | missing-from-care  |                          | agencyType   | AGENCY_TYPE_MISMATCH
            unknown agency type   | bank:X1      | bank   | missing-from-care  |                          | agencyType   | UNKNOWN_AGENCY_TYPE
            """)
    void badInputIsA400NamingTheFieldAndNothingIsCreated(String name, String agencyId, String type, String protocol,
            String url, String field, String rule) {
        onboard(body(agencyId, type, protocol, url))
                .statusCode(400).contentType("application/problem+json")
                .body("code", equalTo(rule))
                .body("errors.field", hasItem(field))
                .body("errors.rule", hasItem(rule));
        assertTrue(keycloak.byClientId(OnboardingValidator.clientId(agencyId)).isEmpty(), "nothing in Keycloak");
        assertEquals(0, rows(agencyId), "nothing in the database");
    }

    @Test
    void everyBadFieldIsReportedAtOnce() {
        onboard("{\"agencyId\": \"x\", \"protocols\": [], \"dpoContact\": \"nobody\"}")
                .statusCode(400).body("code", equalTo("VALIDATION_FAILED"))
                .body("errors.field", hasItem("agencyId")).body("errors.field", hasItem("displayName"))
                .body("errors.field", hasItem("protocols")).body("errors.field", hasItem("dpoContact"));
    }

    @Test
    void aDuplicateAgencyIsA409AndNothingMoreIsCreated() {
        onboard(body("police:met", "police", PROTOCOL, null)).statusCode(409).body("code", equalTo("AGENCY_EXISTS"));
        assertTrue(keycloak.byClientId("police-met").isEmpty());

        onboard(body("la:E06000086", "la", PROTOCOL, null)).statusCode(201);
        String firstSecret = keycloak.byClientId("la-e06000086").orElseThrow().secret();
        onboard(body("la:E06000086", "la", PROTOCOL, null)).statusCode(409).body("code", equalTo("AGENCY_EXISTS"));
        assertEquals(firstSecret, keycloak.byClientId("la-e06000086").orElseThrow().secret(), "the first client is untouched");
        assertEquals(1, Db.count("SELECT count(*) FROM signatory WHERE agency_id = 'la:E06000086'"));
    }

    @Test
    void aClientAlreadyInKeycloakIsA409AndNothingIsWritten() {
        keycloak.create(new AgencyClients.Spec("la-e06000087", "la:E06000087", "made by hand"));
        onboard(body("la:E06000087", "la", PROTOCOL, null)).statusCode(409).body("code", equalTo("CLIENT_EXISTS"));
        assertEquals(0, rows("la:E06000087"));
    }

    @Test
    void keycloakDownIsA502AndNothingIsWritten() {
        keycloak.unreachable(true);
        try {
            onboard(body("la:E06000088", "la", PROTOCOL, null)).statusCode(502).body("code", equalTo("IDENTITY_PROVIDER_FAILED"));
        } finally {
            keycloak.unreachable(false);
        }
        assertEquals(0, rows("la:E06000088"));
    }

    @Test
    void aDatabaseFailureAfterKeycloakSucceededRemovesTheKeycloakClient() throws Exception {
        // A real failure inside the transaction, after the signatory row was written: the whole
        // transaction must roll back and the Keycloak client created just before must be deleted.
        Db.update("""
                CREATE OR REPLACE FUNCTION test_fail_signatory() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'injected failure for %', NEW.agency_id; END $$""");
        Db.update("""
                CREATE TRIGGER test_fail_signatory BEFORE INSERT ON signatory_protocol FOR EACH ROW
                WHEN (NEW.agency_id = 'la:E06000089') EXECUTE FUNCTION test_fail_signatory()""");
        try {
            String requestId = onboard(body("la:E06000089", "la", PROTOCOL, "https://council.example/hook"))
                    .statusCode(500).contentType("application/problem+json")
                    .body("code", equalTo("ONBOARDING_FAILED"))
                    .extract().header("X-Request-Id");
            assertTrue(keycloak.byClientId("la-e06000089").isEmpty(), "the Keycloak client was compensated");
            assertEquals(0, rows("la:E06000089"), "nothing half-written");
            List<Map<String, Object>> audit = Db.query("SELECT action, outcome, denial_code FROM audit_event WHERE request_id = ?", requestId);
            assertEquals(1, audit.size());
            assertEquals(500, audit.get(0).get("outcome"));
            assertEquals("ONBOARDING_FAILED", audit.get(0).get("denial_code"));
        } finally {
            Db.update("DROP TRIGGER test_fail_signatory ON signatory_protocol");
        }
    }

    @Test
    void aCallerWithoutRoleAdminCannotOnboard() {
        given().auth().oauth2(TestTokens.forAgency("la:E09000030").roles("practitioner", "supervisor", "dpo").sign())
                .contentType(ContentType.JSON).body(body("la:E06000090", "la", PROTOCOL, null))
                .when().post(API).then().statusCode(403).body("code", equalTo("ROLE_REQUIRED"));
        // The operator agency without the admin role is not admitted at all.
        given().auth().oauth2(TestTokens.forAgency("gateway:admin").roles("practitioner").sign())
                .contentType(ContentType.JSON).body(body("la:E06000090", "la", PROTOCOL, null))
                .when().post(API).then().statusCode(401).body("code", equalTo("AGENCY_NOT_SIGNATORY"));
        assertTrue(keycloak.byClientId("la-e06000090").isEmpty());
        assertEquals(0, rows("la:E06000090"));
    }

    @Test
    void onboardSuspendAndReinstateEndToEndThroughTheApi() {
        String agency = "la:E06000091";
        whoami(agency).statusCode(401).body("code", equalTo("AGENCY_NOT_SIGNATORY"));

        String secret = onboard(body(agency, "la", PROTOCOL, "http://127.0.0.1:9/hook"))
                .statusCode(201)
                .body("clientId", equalTo("la-e06000091"))
                .body("clientSecret", notNullValue())
                .body("protocolVersions", hasSize(1))
                .body("protocolVersions[0]", startsWith(PROTOCOL + "@1.0.0+m"))
                .body("webhook.secret", startsWith("whsec_"))
                .extract().path("clientSecret");
        assertEquals(secret, keycloak.byClientId("la-e06000091").orElseThrow().secret());
        assertTrue(keycloak.byClientId("la-e06000091").orElseThrow().enabled());
        String stored = Db.query("SELECT (SELECT to_jsonb(s)::text FROM signatory s WHERE agency_id = ?) AS row", agency)
                .get(0).get("row").toString();
        assertFalse(stored.contains(secret), "the client secret is never stored");
        whoami(agency).statusCode(200).body("agency", equalTo(agency));

        post("/" + agency + "/suspend", "System compromised; incident INC-1").statusCode(200)
                .body("signatory.status", equalTo("SUSPENDED"))
                .body("protocolVersions[0]", startsWith(PROTOCOL + "@1.0.0+m"));
        assertFalse(keycloak.byClientId("la-e06000091").orElseThrow().enabled(), "Keycloak client disabled");
        // Its still-valid token is refused at once on this replica.
        whoami(agency).statusCode(401).body("code", equalTo("AGENCY_REVOKED"));
        assertEquals(1, Db.count("SELECT count(*) FROM alert_subscription WHERE agency_id = ? AND paused_at IS NOT NULL", agency));
        assertEquals(1, Db.count("SELECT count(*) FROM audit_anomaly WHERE kind = 'SIGNATORY_SUSPENDED' AND actor_agency = ?"
                + " AND status = 'OPEN' AND summary LIKE '%dpo@council.example%'", agency));
        post("/" + agency + "/suspend", "again").statusCode(409).body("code", equalTo("ALREADY_SUSPENDED"));
        post("/" + agency + "/reinstate", null).statusCode(400).body("errors.field", contains("reason"));

        post("/" + agency + "/reinstate", "Incident closed; new secret issued").statusCode(200)
                .body("signatory.status", equalTo("ACTIVE"));
        assertTrue(keycloak.byClientId("la-e06000091").orElseThrow().enabled());
        whoami(agency).statusCode(200);
        assertEquals(0, Db.count("SELECT count(*) FROM alert_subscription WHERE agency_id = ? AND paused_at IS NOT NULL", agency));

        // Three membership versions (joined, left, rejoined), each in the audit record of its step.
        List<Map<String, Object>> versions = Db.query(
                "SELECT version, change FROM protocol_membership_version WHERE agency_id = ? ORDER BY version", agency);
        assertEquals(List.of("ADDED", "REMOVED", "ADDED"), versions.stream().map(v -> v.get("change")).toList());
        for (String action : List.of("signatory.onboard", "signatory.suspend", "signatory.reinstate")) {
            List<Map<String, Object>> audit = Db.query(
                    "SELECT reasons::text AS reasons, outcome FROM audit_event WHERE action = ? AND resource_id = ? AND outcome = 200 + (CASE WHEN ? = 'signatory.onboard' THEN 1 ELSE 0 END)",
                    action, agency, action);
            assertEquals(1, audit.size(), action);
            assertTrue(audit.get(0).get("reasons").toString().contains(PROTOCOL + "@1.0.0+m"), action + " names the membership version");
        }
    }

    @Test
    void aRevocationWrittenByAnotherReplicaIsHonouredWithinTheCacheTime() throws Exception {
        String agency = "la:E06000092";
        onboard(body(agency, "la", PROTOCOL, null)).statusCode(201);
        whoami(agency).statusCode(200);
        long start = System.nanoTime();
        Db.update("INSERT INTO signatory_revocation (agency_id, status, reason) VALUES (?, 'REVOKED', 'by another replica')", agency);
        Awaitility.await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200))
                .until(() -> whoami(agency).extract().statusCode() == 401);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs <= 6_000, "refused within the cache time, took " + tookMs + " ms");
        whoami(agency).statusCode(401).body("code", equalTo("AGENCY_REVOKED"));
        Db.update("DELETE FROM signatory_revocation WHERE agency_id = ?", agency);
        Awaitility.await().atMost(Duration.ofSeconds(6)).until(() -> whoami(agency).extract().statusCode() == 200);
    }

    @Test
    void secretsRotateAndTwoWebhookSecretsAreLiveDuringARotation() {
        String agency = "la:E06000093";
        String first = onboard(body(agency, "la", PROTOCOL, "https://council.example/hook")).statusCode(201)
                .extract().path("clientSecret");
        String second = post("/" + agency + "/client-secret", null).statusCode(200)
                .body("clientId", equalTo("la-e06000093")).extract().path("clientSecret");
        assertNotEquals(first, second);
        assertEquals(second, keycloak.byClientId("la-e06000093").orElseThrow().secret());

        post("/" + agency + "/webhook-secret", null).statusCode(201)
                .body("secret", startsWith("whsec_")).body("liveSecrets", equalTo(2));
        assertEquals(2, Db.count("SELECT jsonb_array_length(secrets) FROM alert_subscription WHERE agency_id = ?", agency));
        post("/" + agency + "/webhook-secret/retire-previous", null).statusCode(200).body("liveSecrets", equalTo(1));
        assertEquals(1, Db.count("SELECT jsonb_array_length(secrets) FROM alert_subscription WHERE agency_id = ?", agency));

        post("/la:E06000094/webhook-secret", null).statusCode(409).body("code", equalTo("NO_WEBHOOK"));
        post("/la:E06000094/client-secret", null).statusCode(404);
        given().auth().oauth2(admin()).when().get(API + "/" + agency).then().statusCode(200)
                .body("status", equalTo("ACTIVE")).body("webhook", equalTo(true))
                .body("$", not(org.hamcrest.Matchers.hasKey("clientSecret")));
    }
}
