package uk.safeguarding.gateway.signatory;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;

/**
 * An agency named in the protocol YAML (Lancashire police) is suspended, revoked and reinstated
 * through the same admin API as an onboarded one: its still-valid tokens are refused at once, its
 * deliveries pause, its DPO is told, and reinstatement restores it. Its Keycloak client is not the
 * gateway's, so nothing is asked of Keycloak ({@link InMemoryAgencyClients} would fail on a call
 * without a client) and the answer says so; its YAML membership, and so every protocol's version
 * label the other tests assert, is unchanged.
 */
@QuarkusTest
class ProtocolSignatoryTest {

    private static final String AGENCY = "police:lancashire";
    private static final String API = "/api/v1/admin/signatories/";

    @Inject
    SignatoryDirectory directory;

    @Test
    void aYamlSignatoryIsSuspendedRevokedAndReinstatedThroughTheApi() throws Exception {
        long versionsBefore = Db.count("SELECT count(*) FROM protocol_membership_version");
        try {
            given().auth().oauth2(SignatoryApiTest.admin()).when().get(API + AGENCY).then().statusCode(200)
                    .body("source", equalTo("protocol-yaml")).body("status", equalTo("ACTIVE"))
                    .body("clientId", nullValue()).body("dpoContact", equalTo("dpo@lancashire.police.example"))
                    .body("protocols", hasItems("mash-referral", "missing-from-care"));
            SignatoryApiTest.whoami(AGENCY).statusCode(200);

            String suspendRequest = SignatoryApiTest.post("/" + AGENCY + "/suspend", "Case system compromised, INC-77")
                    .statusCode(200).body("signatory.status", equalTo("SUSPENDED")).body("signatory.source", equalTo("protocol-yaml"))
                    .body("keycloakClient", equalTo("not-managed")).body("protocolVersions", equalTo(List.of()))
                    .extract().header("X-Request-Id");
            // Its still-valid token is refused at once on this replica (within the cache time on others).
            SignatoryApiTest.whoami(AGENCY).statusCode(401).body("code", equalTo("AGENCY_REVOKED"));
            assertEquals(1, Db.count("""
                    SELECT count(*) FROM audit_anomaly a JOIN audit_event e ON e.id = a.first_event_id
                    WHERE e.request_id = ? AND a.kind = 'SIGNATORY_SUSPENDED' AND ? = ANY (a.agencies)
                      AND a.summary LIKE '%dpo@lancashire.police.example%' AND a.summary LIKE '%INC-77%'""",
                    suspendRequest, AGENCY));
            assertEquals(0, Db.count("SELECT count(*) FROM alert_subscription WHERE agency_id = ? AND paused_at IS NULL", AGENCY),
                    "no live subscription while suspended");
            SignatoryApiTest.post("/" + AGENCY + "/suspend", "again").statusCode(409).body("code", equalTo("ALREADY_SUSPENDED"));
            SignatoryApiTest.post("/" + AGENCY + "/revoke", "Left the partnership").statusCode(200)
                    .body("signatory.status", equalTo("REVOKED")).body("signatory.statusReason", equalTo("Left the partnership"));
            SignatoryApiTest.post("/" + AGENCY + "/client-secret", null).statusCode(409).body("code", equalTo("CLIENT_NOT_MANAGED"));
            // No way round the cut-off through a new subscription either.
            given().auth().oauth2(SignatoryApiTest.admin()).contentType(ContentType.JSON)
                    .body("{\"agency\": \"" + AGENCY + "\", \"url\": \"https://lancashire.example/in\"}")
                    .when().post("/api/v1/admin/subscriptions").then().statusCode(409)
                    .body("code", equalTo("AGENCY_CUT_OFF")).body("errors.field", hasItem("agency"));
            given().auth().oauth2(SignatoryApiTest.admin()).when().get(API.substring(0, API.length() - 1)).then().statusCode(200)
                    .body("find { it.agencyId == '" + AGENCY + "' }.status", equalTo("REVOKED"))
                    .body("find { it.agencyId == 'police:met' }.source", equalTo("protocol-yaml"));

            SignatoryApiTest.post("/" + AGENCY + "/reinstate", "Rejoined after review").statusCode(200)
                    .body("signatory.status", equalTo("ACTIVE")).body("keycloakClient", equalTo("not-managed"));
            SignatoryApiTest.whoami(AGENCY).statusCode(200).body("agency", equalTo(AGENCY));
            SignatoryApiTest.post("/" + AGENCY + "/reinstate", "again").statusCode(409).body("code", equalTo("NOT_CUT_OFF"));
        } finally {
            Db.update("DELETE FROM signatory_revocation WHERE agency_id = ?", AGENCY);
            Db.update("UPDATE alert_subscription SET paused_at = NULL WHERE agency_id = ?", AGENCY);
            directory.refresh().await().atMost(Duration.ofSeconds(10));
        }
        assertEquals(versionsBefore, Db.count("SELECT count(*) FROM protocol_membership_version"),
                "the YAML's membership, and every protocol's version label, is unchanged");
        List<Map<String, Object>> steps = Db.query("""
                SELECT action, outcome, reasons::text AS reasons FROM audit_event
                WHERE resource_id = ? AND outcome = 200 AND action IN ('signatory.suspend', 'signatory.revoke', 'signatory.reinstate')
                ORDER BY recorded_at""", AGENCY);
        assertEquals(List.of("signatory.suspend", "signatory.revoke", "signatory.reinstate"),
                steps.stream().map(s -> s.get("action")).toList());
        assertTrue(steps.get(0).get("reasons").toString().contains("protocol-yaml-signatory:mash-referral@1.0.0"),
                "the record names what the agency signed: " + steps.get(0).get("reasons"));
    }

    @Test
    void anAgencyNobodySignedIsStillUnknown() {
        SignatoryApiTest.post("/police:atlantis/suspend", "No such force").statusCode(404);
        given().auth().oauth2(SignatoryApiTest.admin()).when().get(API + "police:atlantis").then().statusCode(404);
    }
}
