package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static uk.safeguarding.gateway.support.Api.shape;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * A trigger plan's life with real tokens from the running realm, against the packaged gateway: the
 * children's home writes it, the police cannot read it while the child is not missing nor on their
 * own unconfirmed report, both forces read it once the placing council confirms the episode, a provider
 * with no part in the child's care is answered as for a random child, and after the find only the force
 * that found her still reads it.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class TriggerPlanIT {

    static RequestSpecification as(String client, String purpose) {
        return given().auth().oauth2(KeycloakTokens.clientToken(client)).header("Purpose-Of-Use", purpose)
                .contentType(ContentType.JSON);
    }

    static ValidatableResponse plan(String client, String childId) {
        return as(client, "MISSING-RESPONSE").when().get("/api/v1/children/" + childId + "/trigger-plan").then();
    }

    @Test
    void writtenByTheHomeReleasedToBothForcesOnlyWhileSheIsMissingOnceTheCouncilConfirms() {
        Map<String, Object> placement = new java.util.LinkedHashMap<>(Api.placement(Api.NHS, Fixtures.nhsNumber()));
        placement.put("provider", "provider:SC123456");
        placement.put("homePolice", "police:met");
        String childId = as("la-tower-hamlets", "CARE-PLANNING").body(placement).when().post("/api/v1/placements")
                .then().statusCode(201).extract().path("childId");
        String version = as("provider-sc123456", "CARE-PLANNING").body(Map.of(
                        "reviewDate", LocalDate.now().plusMonths(3).toString(),
                        "actions", List.of(Map.of("who", "provider", "what", "Search the home, ring her phone")),
                        "thresholds", List.of(Map.of("afterMinutes", 30, "action", "Report her missing to Lancashire police")),
                        "places", List.of(Map.of("place", "Preston bus station"))))
                .when().post("/api/v1/children/" + childId + "/trigger-plan/versions")
                .then().statusCode(201).extract().path("version");

        plan("police-lancashire", childId).statusCode(403).body("code", equalTo("CHILD_STATE_NOT_MET"));
        String episode = as("police-lancashire", "MISSING-RESPONSE").body(Map.of("circumstances", "Did not return"))
                .when().post("/api/v1/children/" + childId + "/missing-episodes").then().statusCode(201).extract().path("id");
        plan("police-lancashire", childId).statusCode(403);

        as("la-tower-hamlets", "MISSING-RESPONSE").body(Map.of())
                .when().post("/api/v1/missing-episodes/" + episode + "/confirmation").then().statusCode(200);
        plan("police-lancashire", childId).statusCode(200).body("version", equalTo(version))
                .body("plan.places[0].place", equalTo("Preston bus station"));
        plan("police-met", childId).statusCode(200);
        var real = plan("provider-sc654321", childId).extract();
        var random = plan("provider-sc654321", UUID.randomUUID().toString()).extract();
        assertEquals(404, real.statusCode());
        assertEquals(shape(random), shape(real));

        as("police-lancashire", "MISSING-RESPONSE").body(Map.of("locationFound", "Blackpool"))
                .when().post("/api/v1/missing-episodes/" + episode + "/found").then().statusCode(200);
        plan("police-lancashire", childId).statusCode(200);
        plan("police-met", childId).statusCode(403);
    }
}
