package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * The placement attack of issue 20 with real tokens from the running realm, against the packaged
 * gateway: Lancashire County Council's system claims to be the placing authority of a child the Met
 * referred to Tower Hamlets; it reads nothing that existed before its claim, exactly as before it made
 * the claim, until Tower Hamlets confirms the claim through the API; then it reads as the protocols let
 * a placing authority read.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class StandingIT {

    static RequestSpecification as(String client, String purpose) {
        return given().auth().oauth2(KeycloakTokens.clientToken(client)).header("Purpose-Of-Use", purpose)
                .contentType(ContentType.JSON);
    }

    @Test
    void aClaimToAKnownChildGrantsNothingEarlierUntilAnInvolvedAgencyConfirmsIt() {
        String nhs = Fixtures.nhsNumber();
        String referral = as("police-met", "SAFEGUARDING").body(Fixtures.load("police-cse.json", nhs))
                .when().post("/api/v1/referrals").then().statusCode(201).extract().path("id");
        as("la-lancashire", "SAFEGUARDING").when().get("/api/v1/referrals/" + referral).then().statusCode(404);

        String childId = as("la-lancashire", "CARE-PLANNING").body(Api.placement(Api.NHS, nhs))
                .when().post("/api/v1/placements").then().statusCode(201).extract().path("childId");
        as("la-lancashire", "SAFEGUARDING").when().get("/api/v1/referrals/" + referral).then().statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        as("la-lancashire", "SAFEGUARDING").when().get("/api/v1/children/" + childId + "/involvement").then().statusCode(404);

        String claim = as("la-tower-hamlets", "SAFEGUARDING").when().get("/api/v1/relationship-claims").then().statusCode(200)
                .body("claimant", hasItem("la:E10000017")).extract().jsonPath()
                .getString("find { it.childId == '" + childId + "' }.id");
        as("la-tower-hamlets", "SAFEGUARDING").body(Map.of()).when().post("/api/v1/relationship-claims/" + claim + "/confirmation")
                .then().statusCode(200).body("status", equalTo("CONFIRMED"));

        var read = as("la-lancashire", "CARE-PLANNING").when().get("/api/v1/referrals/" + referral).then().statusCode(200)
                .extract().jsonPath();
        assertEquals("high", read.getString("referral.riskLevel"));
        assertNull(read.get("referral.policeIntelligence"), "intelligence stays with the MASH");
    }
}
