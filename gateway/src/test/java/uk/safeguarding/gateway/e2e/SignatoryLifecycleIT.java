package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * A signatory's whole life against the packaged gateway and the real Keycloak, through the public
 * API only: an administrator onboards a new council, the council's system gets a token with the
 * credentials it was given and refers a child, the administrator revokes it, its still-valid token is
 * refused within seconds and its Keycloak client is disabled; a caller without role admin cannot
 * onboard; and every step is in the audit trail. An agency named in the protocol YAML is suspended and
 * reinstated through the same API, its real tokens refused meanwhile.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class SignatoryLifecycleIT {

    private static final String API = "/api/v1/admin/signatories";
    /** Keycloak's database outlives a run, so each run onboards a council of its own. */
    private static final String COUNCIL = "la:E0" + (6_000_000 + ThreadLocalRandom.current().nextInt(999_999));
    private static final String CLIENT_ID = COUNCIL.toLowerCase().replace(':', '-');

    private static String onboardBody() {
        return """
                {"agencyId": "%s", "agencyType": "la", "displayName": "E2E test council",
                 "protocols": ["mash-referral"], "dpoContact": "dpo@e2e-council.example",
                 "webhookUrl": "https://e2e-council.example/safeguarding/alerts"}
                """.formatted(COUNCIL);
    }

    @Test
    void aCouncilIsOnboardedUsedAndRevokedWithoutTouchingKeycloakByHand() {
        // A caller without role admin cannot onboard, and nothing is created.
        given().auth().oauth2(KeycloakTokens.clientToken("la-tower-hamlets")).contentType(ContentType.JSON)
                .body(onboardBody()).when().post(API)
                .then().statusCode(403).body("code", equalTo("ROLE_REQUIRED"));
        assertTrue(keycloakClient().isEmpty(), "no client created by the refused call");

        String admin = KeycloakTokens.clientToken("gateway-admin");
        Response onboarded = given().auth().oauth2(admin).contentType(ContentType.JSON).body(onboardBody())
                .when().post(API)
                .then().statusCode(201)
                .body("clientId", equalTo(CLIENT_ID))
                .body("tokenUrl", equalTo(KeycloakResource.REALM_URL + "/protocol/openid-connect/token"))
                .body("protocolVersions", hasItem(startsWith("mash-referral@1.0.0+m")))
                .body("webhook.secret", startsWith("whsec_"))
                .extract().response();
        String secret = onboarded.path("clientSecret");
        String membership = onboarded.path("protocolVersions[0]");

        // The council's system gets a token with the credentials it was given, once.
        String token = KeycloakTokens.clientToken(KeycloakResource.REALM_URL, CLIENT_ID, secret);
        given().auth().oauth2(token).when().get("/api/v1/whoami")
                .then().statusCode(200).body("agency", equalTo(COUNCIL)).body("roles", hasItem("practitioner"));

        // It can refer, and the decision records the membership version it was made under.
        String referralRequest = given().auth().oauth2(token).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(ContentType.JSON)
                .body(Fixtures.load("council-health.json", Fixtures.nhsNumber()).replace("la:E10000017", COUNCIL))
                .when().post("/api/v1/referrals")
                .then().statusCode(201).extract().header("X-Request-Id");
        assertTrue(auditOf(referralRequest).get("reasons").toString().contains(membership + "#refer-concern"),
                "the referral's audit record names " + membership);

        // Revoked: the Keycloak client is disabled and the still-valid token is refused within seconds.
        long start = System.nanoTime();
        String revokeRequest = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"reason\": \"Left the partnership (e2e test)\"}")
                .when().post(API + "/" + COUNCIL + "/revoke")
                .then().statusCode(200).body("signatory.status", equalTo("REVOKED"))
                .extract().header("X-Request-Id");
        Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> given().auth().oauth2(token).when().get("/api/v1/whoami").statusCode() == 401);
        long refusedAfterMs = (System.nanoTime() - start) / 1_000_000;
        given().auth().oauth2(token).header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON)
                .body(Fixtures.load("council-health.json", Fixtures.nhsNumber()).replace("la:E10000017", COUNCIL))
                .when().post("/api/v1/referrals")
                .then().statusCode(401).body("code", equalTo("AGENCY_REVOKED"));
        System.out.printf("Revoked token refused %d ms after the revoke call started%n", refusedAfterMs);
        assertEquals(Boolean.FALSE, keycloakClient().orElseThrow().get("enabled"), "the Keycloak client is disabled");
        given().formParam("grant_type", "client_credentials").formParam("client_id", CLIENT_ID)
                .formParam("client_secret", secret)
                .when().post(KeycloakResource.REALM_URL + "/protocol/openid-connect/token")
                .then().statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(400))
                .body(containsString("error"));

        // Every step is in the audit trail; the DPO has it in the review queue.
        List<Map<String, Object>> steps = Db.query("""
                SELECT action, outcome, actor_client FROM audit_event
                WHERE resource_id = ? AND action LIKE 'signatory.%' OR (request_id = ?) ORDER BY recorded_at
                """, COUNCIL, referralRequest);
        assertEquals(List.of("signatory.onboard:201:gateway-admin", "signatory.revoke:200:gateway-admin"),
                steps.stream().filter(s -> s.get("action").toString().startsWith("signatory."))
                        .map(s -> s.get("action") + ":" + s.get("outcome") + ":" + s.get("actor_client")).toList());
        assertEquals(201, auditOf(referralRequest).get("outcome"));
        assertEquals(CLIENT_ID, auditOf(referralRequest).get("actor_client"));
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE actor_client = 'la-tower-hamlets' AND outcome = 403"
                + " AND action LIKE 'POST %signatories%'"));
        assertTrue(auditOf(revokeRequest).get("reasons").toString().contains("mash-referral@1.0.0+m"));
        assertEquals(1, Db.count("SELECT count(*) FROM audit_anomaly WHERE kind = 'SIGNATORY_REVOKED' AND actor_agency = ?", COUNCIL));
        assertFalse(Db.query("SELECT paused_at FROM alert_subscription WHERE agency_id = ?", COUNCIL).get(0).get("paused_at") == null,
                "deliveries paused");
    }

    @Test
    void anAgencyNamedInTheProtocolYamlIsSuspendedAndReinstatedToo() {
        String admin = KeycloakTokens.clientToken("gateway-admin");
        String lancashire = KeycloakTokens.clientToken("police-lancashire");
        given().auth().oauth2(lancashire).when().get("/api/v1/whoami").then().statusCode(200)
                .body("agency", equalTo("police:lancashire"));
        try {
            given().auth().oauth2(admin).contentType(ContentType.JSON).body("{\"reason\": \"Suspended for the e2e test\"}")
                    .when().post(API + "/police:lancashire/suspend")
                    .then().statusCode(200).body("signatory.status", equalTo("SUSPENDED"))
                    .body("keycloakClient", equalTo("not-managed"));
            // Its still-valid token is refused; Keycloak, which the gateway does not manage for it, still
            // issues new ones, and those are refused too.
            given().auth().oauth2(lancashire).when().get("/api/v1/whoami").then().statusCode(401)
                    .body("code", equalTo("AGENCY_REVOKED"));
            given().auth().oauth2(KeycloakTokens.clientToken("police-lancashire")).when().get("/api/v1/whoami").then()
                    .statusCode(401).body("code", equalTo("AGENCY_REVOKED"));
        } finally {
            given().auth().oauth2(admin).contentType(ContentType.JSON).body("{\"reason\": \"e2e test over\"}")
                    .when().post(API + "/police:lancashire/reinstate").then().statusCode(200)
                    .body("signatory.status", equalTo("ACTIVE"));
        }
        given().auth().oauth2(lancashire).when().get("/api/v1/whoami").then().statusCode(200);
    }

    private static Map<String, Object> auditOf(String requestId) {
        List<Map<String, Object>> rows = Db.query(
                "SELECT action, outcome, actor_client, reasons::text AS reasons FROM audit_event WHERE request_id = ?", requestId);
        assertEquals(1, rows.size(), "one audit record for request " + requestId);
        return rows.get(0);
    }

    /** The council's client as Keycloak's admin API shows it, read with the onboarding account's own rights. */
    private static java.util.Optional<Map<String, Object>> keycloakClient() {
        List<Map<String, Object>> found = given().auth().oauth2(onboardingToken()).queryParam("clientId", CLIENT_ID)
                .when().get(KeycloakResource.BASE_URL + "/admin/realms/safeguarding/clients")
                .then().statusCode(200).extract().jsonPath().getList("$");
        return found.stream().findFirst();
    }

    private static String onboardingToken() {
        return KeycloakTokens.clientToken(KeycloakResource.REALM_URL, "gateway-onboarding", "dev-secret-gateway-onboarding");
    }

    /** Leaves the dev realm as it was: the test council's client is removed. */
    @AfterAll
    static void removeTheTestClient() {
        keycloakClient().ifPresent(client -> given().auth().oauth2(onboardingToken())
                .when().delete(KeycloakResource.BASE_URL + "/admin/realms/safeguarding/clients/" + client.get("id"))
                .then().statusCode(204));
    }
}
