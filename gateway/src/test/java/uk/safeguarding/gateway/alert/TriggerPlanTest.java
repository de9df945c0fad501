package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;
import static uk.safeguarding.gateway.support.Api.shape;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.placement.TriggerPlanReviewClock;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Trigger plans through the API: versions written by the placing council or the provider, a problem
 * naming every field, the release with the Philomena profile while the child is missing (only once a
 * police-opened episode is confirmed, or through the override path), the finding force's debrief read,
 * real objects of other agencies answering like random ids, and the review duty with its escalation.
 */
@QuarkusTest
class TriggerPlanTest {

    @Inject
    GatewayClock clock;
    @Inject
    TriggerPlanReviewClock reviews;
    @Inject
    Escalator escalator;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static RequestSpecification as(String token, String purpose) {
        return given().auth().oauth2(token).header("Purpose-Of-Use", purpose).contentType(ContentType.JSON);
    }

    static Map<String, Object> plan(LocalDate review, String notes) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("reviewDate", review.toString());
        plan.put("actions", List.of(Map.of("who", "provider", "what", "Search the home and the garden, ring her phone"),
                Map.of("who", "placing council", "what", "Tell the allocated social worker")));
        plan.put("thresholds", List.of(Map.of("afterMinutes", 30, "action", "Report missing to Lancashire police")));
        plan.put("places", List.of(Map.of("place", "Preston bus station", "note", "seen there twice")));
        plan.put("people", List.of(Map.of("name", "Aunt (maternal)", "relationship", "family", "note", "07700 900111")));
        if (notes != null) {
            plan.put("notes", notes);
        }
        return plan;
    }

    static LocalDate today() {
        return LocalDate.now(ZoneId.of("Europe/London"));
    }

    static ExtractableResponse<Response> write(UUID child, String token, Map<String, Object> plan) {
        return as(token, "CARE-PLANNING").body(plan).when().post("/api/v1/children/" + child + "/trigger-plan/versions")
                .then().extract();
    }

    static ValidatableResponse current(UUID child, String token) {
        return as(token, "MISSING-RESPONSE").when().get("/api/v1/children/" + child + "/trigger-plan").then();
    }

    static ExtractableResponse<Response> reportMissing(UUID child, String token) {
        return as(token, "MISSING-RESPONSE").body(Map.of("circumstances", "did not return from school"))
                .when().post("/api/v1/children/" + child + "/missing-episodes").then().extract();
    }

    static void found(String episode, String token) {
        as(token, "MISSING-RESPONSE").body(Map.of("locationFound", "Blackpool"))
                .when().post("/api/v1/missing-episodes/" + episode + "/found").then().statusCode(200);
    }

    /** A child placed with the Met as both home and host force: Lancashire is not involved. */
    static UUID childLancashireDoesNotKnow() {
        Map<String, Object> body = placementBody(newChildValue(), LocalDate.now().plusDays(7), false);
        body.put("hostPolice", HOME_POLICE);
        return UUID.fromString(AlertFixtures.plan(body).statusCode(201).extract().path("childId"));
    }

    @Test
    void theCouncilAndTheProviderWriteVersionsTheHistoryKeepsThemAndLanguageIsFlaggedNotRewritten() {
        UUID child = placedChild();
        var first = write(child, practitioner(PLACING), plan(today().plusMonths(3), "She is putting herself at risk at the bus station"));
        assertEquals(201, first.statusCode(), first.asString());
        String v1 = first.path("version");
        assertEquals("She is putting herself at risk at the bus station", first.path("plan.notes"), "never rewritten");
        List<String> flagged = first.path("warnings.field");
        assertEquals(List.of("/notes"), flagged);
        assertEquals("VICTIM_BLAMING_LANGUAGE", first.path("warnings[0].rule"));

        Map<String, Object> second = plan(today().plusMonths(2), null);
        second.put("supersedes", v1);
        var byProvider = write(child, provider(PROVIDER), second);
        assertEquals(201, byProvider.statusCode(), byProvider.asString());
        String v2 = byProvider.path("version");
        assertEquals(v1, byProvider.path("supersedes"));
        // Written on a version that is no longer current: refused, nothing written.
        var stale = write(child, practitioner(PLACING), second);
        assertEquals(409, stale.statusCode());
        assertEquals("VERSION_CONFLICT", stale.path("code"));

        // Each agreed version is announced: the police learn there is a plan, not what it says.
        assertEquals(2, alertsFor(child, HOST_POLICE, "trigger-plan-agreed"));
        assertEquals(2, alertsFor(child, HOME_POLICE, "trigger-plan-agreed"));
        assertEquals(1, alertsFor(child, PROVIDER, "trigger-plan-agreed"), "not told of its own version");
        assertEquals(List.of("[\"identity\"]"), Db.query("""
                SELECT DISTINCT categories::text AS c FROM alert WHERE child_id = ? AND event = 'trigger-plan-agreed'
                  AND recipient_agency = ?""", child, HOST_POLICE).stream().map(r -> r.get("c").toString()).toList());
        assertEquals(1, Db.count("""
                SELECT count(*) FROM alert WHERE child_id = ? AND event = 'trigger-plan-agreed' AND recipient_agency = ?
                  AND categories @> '["trigger-plan"]'::jsonb""", child, PROVIDER));
        as(provider(PROVIDER), "CARE-PLANNING").when().get("/api/v1/children/" + child + "/trigger-plan/versions")
                .then().statusCode(200).body("versions.version", equalTo(List.of(v2, v1)))
                .body("versions[0].recordedBy", equalTo(PROVIDER)).body("versions[1].recordedBy", equalTo(PLACING));
        current(child, practitioner(PLACING)).statusCode(200).body("version", equalTo(v2))
                .body("plan.thresholds[0].afterMinutes", equalTo(30)).body("plan.places[0].place", equalTo("Preston bus station"));
        assertEquals(2, Db.count("SELECT count(*) FROM trigger_plan WHERE child_id = ?", child));
        assertEquals(2, Db.count("SELECT count(*) FROM audit_event WHERE action = 'trigger-plan.write' AND child_id = ? AND outcome = 201",
                child));
        // The host council and the forces are involved but do not write; the school neither.
        for (String token : List.of(practitioner(HOST_COUNCIL), practitioner(HOST_POLICE), practitioner(SCHOOL))) {
            assertEquals(403, write(child, token, plan(today().plusMonths(1), null)).statusCode());
        }
        as(practitioner(HOST_POLICE), "MISSING-RESPONSE").when().get("/api/v1/children/" + child + "/trigger-plan/versions")
                .then().statusCode(403);
        assertEquals(2, Db.count("SELECT count(*) FROM trigger_plan WHERE child_id = ?", child));
    }

    @Test
    void aBadPlanIsOneProblemNamingEveryFieldAndNothingIsWritten() {
        UUID child = placedChild();
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("reviewDate", today().minusDays(1).toString());
        bad.put("actions", List.of(Map.of("who", "provider", "what", " ")));
        bad.put("thresholds", List.of(Map.of("afterMinutes", 0, "action", "Ring the police")));
        bad.put("people", List.of(Map.of("name", "Aunt", "colour", "red")));
        bad.put("favouriteFood", "chips");
        as(practitioner(PLACING), "CARE-PLANNING").body(bad).when().post("/api/v1/children/" + child + "/trigger-plan/versions")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("INVALID_TRIGGER_PLAN"))
                .body("errors.field", hasItems("/reviewDate", "/actions/0/what", "/thresholds/0/afterMinutes",
                        "/people/0/colour", "/favouriteFood"))
                .body("errors.rule", hasItems("REVIEW_DATE_RANGE", "REQUIRED", "MINUTES_RANGE", "UNKNOWN_FIELD"));
        as(practitioner(PLACING), "CARE-PLANNING").body(Map.of("reviewDate", today().plusDays(10).toString()))
                .when().post("/api/v1/children/" + child + "/trigger-plan/versions")
                .then().statusCode(400).body("errors.field", hasItems("/actions"));
        // Text PostgreSQL cannot store is refused at the edge, naming the field.
        as(practitioner(PLACING), "CARE-PLANNING")
                .body("{\"reviewDate\":\"" + today().plusDays(5) + "\",\"actions\":[{\"who\":\"x\",\"what\":\"a\\u0000b\"}]}")
                .when().post("/api/v1/children/" + child + "/trigger-plan/versions")
                .then().statusCode(400).body("errors[0].field", equalTo("/actions/0/what"));
        assertEquals(0, Db.count("SELECT count(*) FROM trigger_plan WHERE child_id = ?", child));
    }

    @Test
    void releasedToBothForcesAndTheHostCouncilOnlyOnceAPoliceOpenedEpisodeIsConfirmed() {
        UUID child = placedChild();
        assertEquals(201, write(child, provider(PROVIDER), plan(today().plusMonths(3), null)).statusCode());
        for (String agency : List.of(HOST_POLICE, HOME_POLICE, HOST_COUNCIL)) {
            current(child, practitioner(agency)).statusCode(403).body("code", equalTo("CHILD_STATE_NOT_MET"));
        }
        String episode = reportMissing(child, practitioner(HOST_POLICE)).path("id");
        current(child, practitioner(HOST_POLICE)).statusCode(403).body("code", equalTo("CHILD_STATE_NOT_MET"));
        current(child, practitioner(HOME_POLICE)).statusCode(403);

        asProvider(PROVIDER).when().post("/api/v1/missing-episodes/" + episode + "/confirmation").then().statusCode(200);
        for (String agency : List.of(HOST_POLICE, HOME_POLICE, HOST_COUNCIL)) {
            current(child, practitioner(agency)).statusCode(200).body("plan.actions[0].who", equalTo("provider"));
            assertEquals(1, Db.count("""
                    SELECT count(*) FROM audit_event WHERE action = 'trigger-plan.read' AND child_id = ? AND actor_agency = ?
                      AND decision = 'PERMIT' AND outcome = 200""", child, agency), agency + ": each release audited");
        }
        assertEquals(3, alertsFor(child, PROVIDER, Notifier.ACCESS_EVENT), "the provider, who wrote it, told of each release");
        current(child, practitioner(SCHOOL)).statusCode(403);

        // An agency with no relationship: a real child answers exactly like a random one.
        var real = as(provider(OTHER_PROVIDER), "MISSING-RESPONSE").when().get("/api/v1/children/" + child + "/trigger-plan")
                .then().extract();
        var random = as(provider(OTHER_PROVIDER), "MISSING-RESPONSE").when()
                .get("/api/v1/children/" + UUID.randomUUID() + "/trigger-plan").then().extract();
        assertEquals(404, real.statusCode());
        assertEquals(shape(random), shape(real));
    }

    @Test
    void aForceNotInvolvedGetsA404LikeARandomChildWhileTheChildIsMissing() {
        UUID child = childLancashireDoesNotKnow();
        write(child, practitioner(PLACING), plan(today().plusMonths(3), null));
        as(practitioner(PLACING), "SAFEGUARDING").body(Map.of("phones", List.of("07700 900123")))
                .when().put("/api/v1/children/" + child + "/philomena").then().statusCode(201);
        assertEquals(201, reportMissing(child, provider(PROVIDER)).statusCode());
        current(child, practitioner(HOME_POLICE)).statusCode(200);
        UUID randomChild = UUID.randomUUID();
        for (String path : List.of("trigger-plan", "trigger-plan/versions", "philomena")) {
            var real = as(practitioner(HOST_POLICE), "MISSING-RESPONSE").when().get("/api/v1/children/" + child + "/" + path)
                    .then().extract();
            var random = as(practitioner(HOST_POLICE), "MISSING-RESPONSE").when()
                    .get("/api/v1/children/" + randomChild + "/" + path).then().extract();
            assertEquals(404, real.statusCode(), path);
            assertEquals(shape(random), shape(real), path);
        }
        var realWrite = write(child, practitioner(HOST_POLICE), plan(today().plusMonths(1), null));
        var randomWrite = write(randomChild, practitioner(HOST_POLICE), plan(today().plusMonths(1), null));
        assertEquals(404, realWrite.statusCode());
        assertEquals(shape(randomWrite), shape(realWrite));
        // A malformed plan tells a stranger nothing either: the decision comes before the body is read.
        var realBad = write(child, practitioner(HOST_POLICE), Map.of("nonsense", true));
        assertEquals(shape(write(randomChild, practitioner(HOST_POLICE), Map.of("nonsense", true))), shape(realBad));
    }

    @Test
    void theOverridePathReleasesThePlanToTheForceWhoseReportNobodyConfirmed() {
        UUID child = placedChild();
        write(child, practitioner(PLACING), plan(today().plusMonths(3), null));
        reportMissing(child, practitioner(HOST_POLICE));
        current(child, practitioner(HOST_POLICE)).statusCode(403);
        String override = as(TestTokens.forAgency(HOST_POLICE).roles("practitioner").subject("pc-77").sign(), "MISSING-RESPONSE")
                .body(Map.of("scope", "missing", "justification", "Seen getting into a silver car with two adults an hour ago."))
                .when().post("/api/v1/children/" + child + "/standing-overrides").then().statusCode(201).extract().path("id");
        as(supervisor(HOST_POLICE, "sgt-77"), "MISSING-RESPONSE").when().post("/api/v1/standing-overrides/" + override + "/approval")
                .then().statusCode(200);
        current(child, TestTokens.forAgency(HOST_POLICE).roles("practitioner").subject("pc-77").sign()).statusCode(200);
        // The override is in the requesting force's chronology of the child, and in nobody else's.
        String chronology = "/api/v1/children/" + child + "/chronology?kind=standing-override";
        as(TestTokens.forAgency(HOST_POLICE).roles("practitioner").subject("pc-77").sign(), "MISSING-RESPONSE")
                .when().get(chronology).then().statusCode(200)
                .body("entries.code", org.hamcrest.Matchers.contains("REQUESTED", "APPROVED"))
                .body("entries.recordId", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo(override)))
                .body("entries.details.scope", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo("missing")));
        as(practitioner(PLACING), "SAFEGUARDING").when().get(chronology).then().statusCode(200)
                .body("entries", org.hamcrest.Matchers.empty());
        // The override is its requester's alone.
        current(child, practitioner(HOST_POLICE)).statusCode(403);
    }

    @Test
    void theProviderKeepsThePhilomenaProfileAndTheFindingForceReadsBothOnlyAfterAConfirmedEpisode() {
        UUID child = placedChild();
        write(child, practitioner(PLACING), plan(today().plusMonths(3), null));
        as(provider(PROVIDER), "SAFEGUARDING").body(Map.of("associates", List.of("adult male, 30s, silver car")))
                .when().put("/api/v1/children/" + child + "/philomena").then().statusCode(201);
        as(provider(OTHER_PROVIDER), "SAFEGUARDING").body(Map.of("associates", List.of("x")))
                .when().put("/api/v1/children/" + child + "/philomena").then().statusCode(404);
        as(practitioner(HOST_COUNCIL), "SAFEGUARDING").body(Map.of("associates", List.of("x")))
                .when().put("/api/v1/children/" + child + "/philomena").then().statusCode(403);

        String episode = reportMissing(child, provider(PROVIDER)).path("id");
        as(practitioner(HOME_POLICE), "MISSING-RESPONSE").when().get("/api/v1/children/" + child + "/philomena")
                .then().statusCode(200).body("recordedBy", equalTo(PROVIDER));
        assertEquals(1, alertsFor(child, PROVIDER, Notifier.ACCESS_EVENT), "the provider, the profile's owner, told");

        found(episode, practitioner(HOST_POLICE));
        // The finder, for its debrief; not the other force, not after the window.
        as(practitioner(HOST_POLICE), "MISSING-RESPONSE").when().get("/api/v1/children/" + child + "/philomena")
                .then().statusCode(200);
        current(child, practitioner(HOST_POLICE)).statusCode(200);
        as(practitioner(HOME_POLICE), "MISSING-RESPONSE").when().get("/api/v1/children/" + child + "/philomena")
                .then().statusCode(403).body("code", equalTo("PHILOMENA_NOT_MISSING"));
        current(child, practitioner(HOME_POLICE)).statusCode(403);
        as(practitioner(HOST_POLICE), "INVESTIGATION").when().get("/api/v1/children/" + child + "/philomena")
                .then().statusCode(403);
        clock.advance(Duration.ofHours(25));
        as(practitioner(HOST_POLICE), "MISSING-RESPONSE").when().get("/api/v1/children/" + child + "/philomena")
                .then().statusCode(403).body("code", equalTo("PHILOMENA_NOT_MISSING"));
        current(child, practitioner(HOST_POLICE)).statusCode(403);
    }

    @Test
    void aForceThatFindsTheChildInAnEpisodeNobodyConfirmedReadsNothing() {
        UUID child = placedChild();
        write(child, practitioner(PLACING), plan(today().plusMonths(3), null));
        as(practitioner(PLACING), "SAFEGUARDING").body(Map.of("phones", List.of("07700 900123")))
                .when().put("/api/v1/children/" + child + "/philomena").then().statusCode(201);
        String episode = reportMissing(child, practitioner(HOST_POLICE)).path("id");
        found(episode, practitioner(HOST_POLICE));
        as(practitioner(HOST_POLICE), "MISSING-RESPONSE").when().get("/api/v1/children/" + child + "/philomena")
                .then().statusCode(403).body("code", equalTo("PHILOMENA_NOT_MISSING"));
        current(child, practitioner(HOST_POLICE)).statusCode(403);
    }

    @Test
    void aPlanPastItsReviewDateRaisesTheReviewDutyOnceAndItEscalates() {
        UUID overdue = placedChild();
        UUID renewed = placedChild();
        write(overdue, practitioner(PLACING), plan(today(), null));
        String old = write(renewed, practitioner(PLACING), plan(today(), null)).path("version");
        reviews.raiseOverdue();
        assertEquals(0, alertsFor(overdue, PLACING, "trigger-plan-review-due"), "not before the review date has passed");

        Map<String, Object> next = plan(today().plusMonths(6), null);
        next.put("supersedes", old);
        assertEquals(201, write(renewed, provider(PROVIDER), next).statusCode());
        clock.advance(Duration.ofDays(2));
        reviews.raiseOverdue();
        assertEquals(1, alertsFor(overdue, PLACING, "trigger-plan-review-due"));
        assertEquals(1, alertsFor(overdue, PROVIDER, "trigger-plan-review-due"));
        assertEquals(0, alertsFor(renewed, PLACING, "trigger-plan-review-due"), "reviewed in time: a new version");
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE action = 'trigger-plan.review-overdue' AND child_id = ?",
                overdue));
        reviews.raiseOverdue();
        assertEquals(1, alertsFor(overdue, PLACING, "trigger-plan-review-due"), "once only");

        clock.advance(Duration.ofDays(5));
        uk.safeguarding.gateway.alert.AlertFixtures.escalateAllDue(escalator);
        assertEquals(2, Db.count("""
                SELECT count(*) FROM alert e JOIN alert o ON o.id::text = e.resource_id
                WHERE e.event = 'alert-escalated' AND o.event = 'trigger-plan-review-due' AND e.child_id = ?""", overdue),
                "unacknowledged review duties escalate to the placing council's supervisor");
    }
}
