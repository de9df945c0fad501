package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * Issue 24's "done when" for the chronology, with real tokens from the running realm against the
 * packaged gateway: one child, three agencies, three different stories. Tower Hamlets places the
 * child and assesses it HIGH, the Met assesses MEDIUM and challenges Tower Hamlets' assessment,
 * Lancashire challenges the Met's: each council sees only the disagreement it is party to, the Met
 * both; an agency with no part in the child's care gets the 404 of a random child.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class ChronologyIT {

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON);
    }

    static List<Map<String, Object>> story(String token, String child) {
        ExtractableResponse<Response> r = as(token).when().get("/api/v1/children/" + child + "/chronology?limit=200").then()
                .extract();
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath().getList("entries");
    }

    static List<String> disagreements(List<Map<String, Object>> story) {
        return story.stream().filter(e -> "disagreement".equals(e.get("kind")))
                .map(e -> ((Map<?, ?>) e.get("agency")).get("id") + " " + e.get("code")).toList();
    }

    @Test
    void threeAgenciesReadThreeDifferentlyRedactedStoriesOfOneChild() {
        String tower = KeycloakTokens.clientToken("la-tower-hamlets");
        String met = KeycloakTokens.clientToken("police-met");
        String lancashire = KeycloakTokens.clientToken("la-lancashire");
        Map<String, Object> placement = new LinkedHashMap<>(Api.placement(Api.NHS, Fixtures.nhsNumber()));
        placement.put("homePolice", "police:met");
        String child = given().auth().oauth2(tower).header("Purpose-Of-Use", "CARE-PLANNING").contentType(ContentType.JSON)
                .body(placement).when().post("/api/v1/placements").then().statusCode(201).extract().path("childId");
        String url = "/api/v1/children/" + child + "/risk-assessments";
        String reviewBy = LocalDate.now().plusMonths(3).toString();
        String high = as(tower).body(Map.of("level", "HIGH", "rationale", "CSE indicators and repeated missing episodes",
                "reviewBy", reviewBy)).when().post(url).then().statusCode(201).extract().path("id");
        String medium = as(KeycloakTokens.userToken("officer.met")).body(Map.of("level", "MEDIUM", "rationale", "Seen near the station with older males",
                "reviewBy", reviewBy)).when().post(url).then().statusCode(201).extract().path("id");
        as(met).body(Map.of("decision", Map.of("type", "risk-assessment", "id", high),
                "grounds", "The assessment did not weigh our intelligence")).when().post("/api/v1/challenges").then().statusCode(201);
        as(lancashire).body(Map.of("decision", Map.of("type", "risk-assessment", "id", medium),
                "grounds", "The host authority's observations were not asked for")).when().post("/api/v1/challenges").then()
                .statusCode(201);

        List<Map<String, Object>> towers = story(tower, child);
        List<Map<String, Object>> mets = story(met, child);
        List<Map<String, Object>> lancs = story(lancashire, child);
        assertEquals(List.of("police:met raised"), disagreements(towers));
        assertEquals(List.of("la:E10000017 raised"), disagreements(lancs));
        assertEquals(List.of("police:met raised", "la:E10000017 raised"), disagreements(mets));
        assertNotEquals(towers, mets);
        assertNotEquals(towers, lancs);
        assertNotEquals(mets, lancs);
        for (List<Map<String, Object>> s : List.of(towers, mets, lancs)) {
            assertTrue(s.stream().anyMatch(e -> "placement".equals(e.get("kind"))), s.toString());
            assertEquals(2, s.stream().filter(e -> "risk-assessment".equals(e.get("kind"))).count(), s.toString());
            assertTrue(s.toString().indexOf("intelligence") < 0 && s.toString().indexOf("observations") < 0, "no free text");
        }

        String outsider = KeycloakTokens.clientToken("provider-sc123456");
        ExtractableResponse<Response> hidden = as(outsider).when().get("/api/v1/children/" + child + "/chronology").then().extract();
        ExtractableResponse<Response> unknown = as(outsider).when().get("/api/v1/children/" + UUID.randomUUID() + "/chronology")
                .then().extract();
        assertEquals(404, hidden.statusCode());
        assertEquals(Api.shape(unknown), Api.shape(hidden));
    }
}
