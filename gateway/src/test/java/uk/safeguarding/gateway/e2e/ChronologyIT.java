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
 * child and assesses it HIGH, the Met challenges that assessment, the home writes a trigger plan:
 * Tower Hamlets reads the challenge and the plan, the Met the challenge only, Lancashire (the host
 * council) neither; an agency with no part in the child's care gets the 404 of a random child.
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
        placement.put("provider", "provider:SC123456");
        placement.put("homePolice", "police:met");
        String child = given().auth().oauth2(tower).header("Purpose-Of-Use", "CARE-PLANNING").contentType(ContentType.JSON)
                .body(placement).when().post("/api/v1/placements").then().statusCode(201).extract().path("childId");
        String url = "/api/v1/children/" + child + "/risk-assessments";
        String reviewBy = LocalDate.now().plusMonths(3).toString();
        String high = as(tower).body(Map.of("level", "HIGH", "rationale", "CSE indicators and repeated missing episodes",
                "reviewBy", reviewBy)).when().post(url).then().statusCode(201).extract().path("id");
        as(met).body(Map.of("decision", Map.of("type", "risk-assessment", "id", high),
                "grounds", "The assessment did not weigh our intelligence")).when().post("/api/v1/challenges").then().statusCode(201);
        given().auth().oauth2(KeycloakTokens.clientToken("provider-sc123456")).header("Purpose-Of-Use", "CARE-PLANNING")
                .contentType(ContentType.JSON).body(Map.of("reviewDate", reviewBy,
                        "actions", List.of(Map.of("who", "provider", "what", "Search the home, ring her phone")),
                        "thresholds", List.of(Map.of("afterMinutes", 30, "action", "Report her missing to Lancashire police"))))
                .when().post("/api/v1/children/" + child + "/trigger-plan/versions").then().statusCode(201);

        List<Map<String, Object>> towers = story(tower, child);
        List<Map<String, Object>> mets = story(met, child);
        List<Map<String, Object>> lancs = story(lancashire, child);
        // Tower Hamlets: the challenge against it and the trigger plan it keeps; the Met: its challenge, not
        // the plan; Lancashire, the host council: neither.
        assertEquals(List.of("police:met raised"), disagreements(towers));
        assertEquals(List.of("police:met raised"), disagreements(mets));
        assertEquals(List.of(), disagreements(lancs));
        assertEquals(1, towers.stream().filter(e -> "trigger-plan".equals(e.get("kind"))).count(), towers.toString());
        assertEquals(0, mets.stream().filter(e -> "trigger-plan".equals(e.get("kind"))).count(), mets.toString());
        assertEquals(0, lancs.stream().filter(e -> "trigger-plan".equals(e.get("kind"))).count(), lancs.toString());
        assertNotEquals(towers, mets);
        assertNotEquals(towers, lancs);
        assertNotEquals(mets, lancs);
        for (List<Map<String, Object>> s : List.of(towers, mets, lancs)) {
            assertTrue(s.stream().anyMatch(e -> "placement".equals(e.get("kind"))), s.toString());
            assertEquals(1, s.stream().filter(e -> "risk-assessment".equals(e.get("kind"))).count(), s.toString());
            assertTrue(s.toString().indexOf("intelligence") < 0 && s.toString().indexOf("ring her phone") < 0, "no free text");
        }

        String outsider = KeycloakTokens.clientToken("provider-sc654321");
        ExtractableResponse<Response> hidden = as(outsider).when().get("/api/v1/children/" + child + "/chronology").then().extract();
        ExtractableResponse<Response> unknown = as(outsider).when().get("/api/v1/children/" + UUID.randomUUID() + "/chronology")
                .then().extract();
        assertEquals(404, hidden.statusCode());
        assertEquals(Api.shape(unknown), Api.shape(hidden));
    }

    /**
     * A strategy discussion with an action, through real tokens: Tower Hamlets convenes it with the Met
     * invited and gives the Met an action already past its due date. The running gateway's action clock
     * raises the protocol's overdue duty (strategy-discussion#strategy-action-overdue) to the Met, whose
     * inbox then lists the action as overdue; the discussion is in the stories of the convener and the
     * invitee and not in Lancashire's, which holds standing with the child but was not invited. (The
     * escalation to the convener when the duty is not acknowledged by the end of the day needs the clock
     * moved on: StrategyDiscussionTest shows it.)
     */
    @Test
    void anOverdueStrategyActionIsADutyInItsOwnersInboxAndTheDiscussionIsInTheInvitedStoriesOnly() throws InterruptedException {
        String tower = KeycloakTokens.clientToken("la-tower-hamlets");
        String met = KeycloakTokens.clientToken("police-met");
        String lancashire = KeycloakTokens.clientToken("la-lancashire");
        Map<String, Object> placement = new LinkedHashMap<>(Api.placement(Api.NHS, Fixtures.nhsNumber()));
        placement.put("provider", "provider:SC123456");
        placement.put("homePolice", "police:met");
        String child = given().auth().oauth2(tower).header("Purpose-Of-Use", "CARE-PLANNING").contentType(ContentType.JSON)
                .body(placement).when().post("/api/v1/placements").then().statusCode(201).extract().path("childId");
        String discussion = as(tower).body(Map.of("childId", child, "heldAt", java.time.Instant.now().toString(),
                        "summary", "Missing three times this month; seen with older adults.", "invitees", List.of("police:met"),
                        "informationShared", List.of("missing", "police-intelligence"), "exploitation", true))
                .when().post("/api/v1/strategy-discussions").then().statusCode(201).extract().path("id");
        // The police hold standing too, but the protocol lets children's social care convene.
        as(met).body(Map.of("childId", child, "heldAt", java.time.Instant.now().toString(), "summary", "x",
                "invitees", List.of("la:E09000030"))).when().post("/api/v1/strategy-discussions").then().statusCode(403);
        String action = as(tower).body(Map.of("ownerAgency", "police:met", "description", "Map her associates.",
                        "dueOn", LocalDate.now(java.time.ZoneId.of("Europe/London")).minusDays(2).toString()))
                .when().post("/api/v1/strategy-discussions/" + discussion + "/actions").then().statusCode(201).extract().path("id");

        Map<String, Object> listed = null;
        for (int i = 0; i < 60 && (listed == null || !Boolean.TRUE.equals(listed.get("overdue"))); i++) {
            Thread.sleep(500);
            listed = as(met).when().get("/api/v1/inbox?kind=strategy-action").then().statusCode(200).extract().jsonPath()
                    .getMap("find { it.actionId == '" + action + "' }");
        }
        assertTrue(listed != null && Boolean.TRUE.equals(listed.get("overdue")), "the Met's inbox lists its action overdue: " + listed);
        assertEquals("OPEN", listed.get("status"));
        assertEquals(discussion, listed.get("discussionId"));
        assertEquals(child, listed.get("childId"));
        List<Map<String, Object>> duties = as(met).when().get("/api/v1/alerts").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.event == 'strategy-action-overdue' && it.payload.actionId == '" + action + "' }");
        assertEquals(1, duties.size(), duties.toString());
        assertEquals("strategy-discussion@1.0.0#strategy-action-overdue", duties.get(0).get("dutyRef"));
        assertTrue(as(tower).when().get("/api/v1/inbox").then().statusCode(200).extract().asString().indexOf(action) < 0,
                "the convener's inbox does not list the Met's action");

        for (String reader : List.of(tower, met)) {
            List<String> kinds = story(reader, child).stream().filter(e -> discussion.equals(e.get("recordId")))
                    .map(e -> (String) e.get("kind")).toList();
            assertEquals(List.of("strategy-discussion", "strategy-action", "strategy-action-overdue"), kinds);
        }
        List<Map<String, Object>> lancs = story(lancashire, child);
        assertTrue(lancs.stream().noneMatch(e -> String.valueOf(e.get("kind")).startsWith("strategy")), lancs.toString());
        assertEquals(404, as(lancashire).when().get("/api/v1/strategy-discussions/" + discussion).then().extract().statusCode());
    }
}
