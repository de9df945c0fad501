package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * Issue 22 point 5 with real tokens from the running realm, against the packaged gateway: Tower
 * Hamlets assesses a child HIGH; a Met officer proposes LOW and a Met supervisor approves it, which no
 * longer lowers anything: Tower Hamlets was asked first and the level stays HIGH until its supervisor
 * agrees. Then the Met challenges a Tower Hamlets assessment as a professional disagreement, and an
 * agency with no part in the child's care cannot tell the real challenge from a random id.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class RiskDisagreementIT {

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON);
    }

    @Test
    void aDowngradeOverAnotherAgencysHighWaitsForItsSupervisorAndCanBeChallenged() {
        String nhs = Fixtures.nhsNumber();
        String tower = KeycloakTokens.clientToken("la-tower-hamlets");
        Map<String, Object> placement = new java.util.LinkedHashMap<>(Api.placement(Api.NHS, nhs));
        placement.put("homePolice", "police:met");
        String child = given().auth().oauth2(tower).header("Purpose-Of-Use", "CARE-PLANNING").contentType(ContentType.JSON)
                .body(placement).when().post("/api/v1/placements").then().statusCode(201)
                .extract().path("childId");
        String reviewBy = LocalDate.now().plusMonths(3).toString();
        String url = "/api/v1/children/" + child + "/risk-assessments";
        String high = as(tower).body(Map.of("level", "HIGH", "rationale", "CSE indicators and repeated missing episodes",
                        "indicators", java.util.List.of("missing-episodes"), "reviewBy", reviewBy))
                .when().post(url).then().statusCode(201).extract().path("id");

        String proposal = as(KeycloakTokens.userToken("officer.met"))
                .body(Map.of("level", "LOW", "rationale", "Engaging with the CSE worker; no missing episodes", "reviewBy", reviewBy))
                .when().post(url).then().statusCode(201).body("inEffect", equalTo(false))
                .body("agreements.agency", hasItem("la:E09000030")).extract().path("id");
        as(KeycloakTokens.userToken("supervisor.met")).when().post("/api/v1/risk-assessments/" + proposal + "/approval")
                .then().statusCode(200).body("inEffect", equalTo(false));
        as(tower).when().get(url).then().statusCode(200)
                .body("find { it.id == '" + high + "' }.inEffect", equalTo(true))
                .body("find { it.id == '" + proposal + "' }.status", equalTo("AWAITING"));
        as(KeycloakTokens.userToken("supervisor.towerhamlets")).body(Map.of("agree", true,
                        "rationale", "Strategy meeting agreed the plan is working"))
                .when().post("/api/v1/risk-assessments/" + proposal + "/agreement").then().statusCode(200)
                .body("inEffect", equalTo(true)).body("status", equalTo("IN_EFFECT"));

        String challenge = as(KeycloakTokens.clientToken("police-met"))
                .body(Map.of("decision", Map.of("type", "risk-assessment", "id", high),
                        "grounds", "The assessment did not weigh our intelligence about the adult"))
                .when().post("/api/v1/challenges").then().statusCode(201).body("level", equalTo("practitioner"))
                .extract().path("id");
        String outsider = KeycloakTokens.clientToken("provider-sc123456");
        var real = as(outsider).when().get("/api/v1/challenges/" + challenge).then().statusCode(404).extract().asString();
        var random = as(outsider).when().get("/api/v1/challenges/" + java.util.UUID.randomUUID()).then().statusCode(404)
                .extract().jsonPath().getString("code");
        org.junit.jupiter.api.Assertions.assertEquals(random, io.restassured.path.json.JsonPath.from(real).getString("code"));
        as(tower).body(Map.of("text", "The strategy meeting weighed it")).when()
                .post("/api/v1/challenges/" + challenge + "/response").then().statusCode(200);
        as(KeycloakTokens.clientToken("police-met")).body(Map.of("result", "WITHDRAWN", "outcome", "Satisfied by the response"))
                .when().post("/api/v1/challenges/" + challenge + "/resolution").then().statusCode(200)
                .body("status", equalTo("RESOLVED"));
    }
}
