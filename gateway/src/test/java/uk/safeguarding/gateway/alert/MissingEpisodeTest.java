package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.placement.ReturnInterviewClock;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.WebhookReceiver;

/** Missing and found, the Philomena profile's release and withdrawal, the 72-hour clock, escalation. */
@QuarkusTest
class MissingEpisodeTest {

    static WebhookReceiver receiver;

    @Inject
    GatewayClock clock;
    @Inject
    ReturnInterviewClock interviews;
    @Inject
    Escalator escalator;

    @BeforeAll
    static void receivers() {
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    @BeforeEach
    void subscribe() {
        clearSubscriptions();
        for (String agency : List.of(PLACING, HOST_COUNCIL, HOST_POLICE, HOME_POLICE)) {
            AlertFixtures.subscribe(receiver, agency);
        }
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static ExtractableResponse<Response> reportMissing(UUID childId, String token) {
        return given().auth().oauth2(token).header("Purpose-Of-Use", "MISSING-RESPONSE").contentType(ContentType.JSON)
                .body(Map.of("circumstances", "did not return from school", "lastSeenLocation", "Preston bus station"))
                .when().post("/api/v1/children/" + childId + "/missing-episodes")
                .then().extract();
    }

    private static void storeProfile(UUID childId) {
        given().auth().oauth2(practitioner(PLACING)).header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON)
                .body(Map.of("associates", List.of("adult male, 30s, silver car"), "phones", List.of("07700 900123")))
                .when().put("/api/v1/children/" + childId + "/philomena").then().statusCode(201);
    }

    private static io.restassured.response.ValidatableResponse readProfile(UUID childId, String token) {
        return given().auth().oauth2(token).header("Purpose-Of-Use", "MISSING-RESPONSE")
                .when().get("/api/v1/children/" + childId + "/philomena").then();
    }

    @Test
    void aMissingReportReachesBothCouncilsAndBothForcesWithinSecondsAndReleasesPhilomenaOnlyWhileMissing() {
        UUID childId = placedChild();
        storeProfile(childId);
        String hostPolice = practitioner(HOST_POLICE);
        readProfile(childId, hostPolice).statusCode(403).body("code", equalTo("PHILOMENA_NOT_MISSING"));
        given().auth().oauth2(practitioner(HOST_COUNCIL)).header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON)
                .body(Map.of("x", "y")).when().put("/api/v1/children/" + childId + "/philomena").then().statusCode(403);

        long before = System.nanoTime();
        ExtractableResponse<Response> missing = reportMissing(childId, provider(PROVIDER));
        assertEquals(201, missing.statusCode(), missing.asString());
        List<String> notified = missing.path("event.notified.agency");
        // The school's designated safeguarding lead too (missing-school-notify); the placing council also as
        // the virtual school head, in the same alert.
        assertEquals(List.of(PLACING, HOST_COUNCIL, HOST_POLICE, HOME_POLICE, SCHOOL).stream().sorted().toList(),
                notified.stream().sorted().toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> forChild(receiver.deliveries(), childId).stream()
                .filter(d -> d.json().getString("type").equals("child-missing")).count() >= 4);
        assertTrue(System.nanoTime() - before < Duration.ofSeconds(10).toNanos());
        // Only while missing: the host police and the home police, not the council.
        readProfile(childId, hostPolice).statusCode(200).body("profile.phones[0]", equalTo("07700 900123"));
        readProfile(childId, practitioner(HOME_POLICE)).statusCode(200);
        readProfile(childId, practitioner(PLACING)).statusCode(403);
        assertEquals(1, Db.count("""
                SELECT count(*) FROM audit_event WHERE action = 'philomena.read' AND child_id = ? AND decision = 'PERMIT'
                  AND actor_agency = ? AND outcome = 200""", childId, HOST_POLICE), "each release audited");
        assertEquals(2, alertsFor(childId, PLACING, Notifier.ACCESS_EVENT), "and its owner, the placing council, told of each");
        assertEquals(409, reportMissing(childId, provider(PROVIDER)).statusCode());

        String episode = missing.path("id");
        ExtractableResponse<Response> found = given().auth().oauth2(hostPolice).header("Purpose-Of-Use", "MISSING-RESPONSE")
                .contentType(ContentType.JSON).body(Map.of("locationFound", "Blackpool"))
                .when().post("/api/v1/missing-episodes/" + episode + "/found").then().extract();
        assertEquals(200, found.statusCode(), found.asString());
        List<String> toldFound = found.path("event.notified.agency");
        assertTrue(toldFound.containsAll(List.of(PLACING, HOST_COUNCIL, HOME_POLICE)), toldFound.toString());
        Instant foundAt = Instant.parse(found.path("foundAt"));
        assertEquals(foundAt.plus(Duration.ofHours(72)), Instant.parse(found.path("rhiDueAt")));
        // Withdrawn when found (from all but the finding force, for its debrief: TriggerPlanTest).
        readProfile(childId, practitioner(HOME_POLICE)).statusCode(403).body("code", equalTo("PHILOMENA_NOT_MISSING"));
    }

    @Test
    void aMissingReportFromAnAgencyWithoutARelationshipIs404AndTheChildsSchoolMayReport() {
        UUID childId = placedChild();
        assertEquals(404, reportMissing(childId, provider(OTHER_PROVIDER)).statusCode());
        assertEquals(0, Db.count("SELECT count(*) FROM missing_episode WHERE child_id = ?", childId));
        // The school the placing council named reports through its agency (report-missing-from-home).
        assertEquals(201, reportMissing(childId, practitioner(SCHOOL)).statusCode());
    }

    @Test
    void theReturnInterviewClockEscalatesAfter72HoursUnlessTheInterviewIsRecorded() {
        UUID overdueChild = placedChild();
        UUID doneChild = placedChild();
        String overdueEpisode = reportMissing(overdueChild, provider(PROVIDER)).path("id");
        String doneEpisode = reportMissing(doneChild, provider(PROVIDER)).path("id");
        for (String episode : List.of(overdueEpisode, doneEpisode)) {
            given().auth().oauth2(practitioner(HOST_POLICE)).header("Purpose-Of-Use", "MISSING-RESPONSE")
                    .contentType(ContentType.JSON).body(Map.of())
                    .when().post("/api/v1/missing-episodes/" + episode + "/found").then().statusCode(200);
        }
        clock.advance(Duration.ofHours(71));
        interviews.escalateOverdue();
        assertEquals(0, alertsFor(overdueChild, PLACING, "return-home-interview-due"), "not yet: 71 hours");
        given().auth().oauth2(practitioner(HOST_POLICE)).header("Purpose-Of-Use", "MISSING-RESPONSE")
                .contentType(ContentType.JSON).body(Map.of())
                .when().post("/api/v1/missing-episodes/" + doneEpisode + "/return-interview").then().statusCode(403);
        given().auth().oauth2(practitioner(PLACING)).header("Purpose-Of-Use", "MISSING-RESPONSE")
                .contentType(ContentType.JSON).body(Map.of())
                .when().post("/api/v1/missing-episodes/" + doneEpisode + "/return-interview")
                .then().statusCode(200).body("rhiCompletedAt", org.hamcrest.Matchers.notNullValue());
        clock.advance(Duration.ofHours(2));
        interviews.escalateOverdue();
        assertEquals(1, alertsFor(overdueChild, PLACING, "return-home-interview-due"), "73 hours, no interview: escalated");
        assertEquals(0, alertsFor(doneChild, PLACING, "return-home-interview-due"), "interview recorded in time");
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE action = 'missing.return-interview-overdue' AND child_id = ?",
                overdueChild));
        interviews.escalateOverdue();
        assertEquals(1, alertsFor(overdueChild, PLACING, "return-home-interview-due"), "once only");
    }

    @Test
    void anAlertNotAcknowledgedByItsDeadlineEscalatesToTheHomeCouncil() {
        UUID childId = placedChild();
        reportMissing(childId, provider(PROVIDER));
        String hostCouncilAlert = Db.query("SELECT id FROM alert WHERE child_id = ? AND recipient_agency = ? AND event = 'child-missing'",
                childId, HOST_COUNCIL).get(0).get("id").toString();
        given().auth().oauth2(practitioner(HOST_COUNCIL)).header("Purpose-Of-Use", "MISSING-RESPONSE")
                .when().post("/api/v1/alerts/" + hostCouncilAlert + "/acknowledge")
                .then().statusCode(200).body("status", equalTo("ACKNOWLEDGED"));
        given().auth().oauth2(practitioner(HOST_POLICE)).header("Purpose-Of-Use", "MISSING-RESPONSE")
                .when().post("/api/v1/alerts/" + hostCouncilAlert + "/acknowledge").then().statusCode(404);
        clock.advance(Duration.ofMinutes(10));
        uk.safeguarding.gateway.alert.AlertFixtures.escalateAllDue(escalator);
        assertEquals(0, Db.count("SELECT count(*) FROM alert WHERE event = 'alert-escalated' AND child_id = ?", childId));
        clock.advance(Duration.ofMinutes(6));
        uk.safeguarding.gateway.alert.AlertFixtures.escalateAllDue(escalator);
        List<Map<String, Object>> escalations = Db.query("""
                SELECT e.recipient_agency, o.recipient_agency AS original FROM alert e JOIN alert o ON o.id::text = e.resource_id
                WHERE e.event = 'alert-escalated' AND e.child_id = ?""", childId);
        assertEquals(List.of(HOME_POLICE, HOST_POLICE, PLACING).stream().sorted().toList(),
                escalations.stream().map(r -> (String) r.get("original")).sorted().toList(), "all but the acknowledged one");
        assertTrue(escalations.stream().allMatch(r -> PLACING.equals(r.get("recipient_agency"))));
        assertTrue(Db.count("SELECT count(*) FROM audit_event WHERE action = 'alert.escalate' AND child_id = ?", childId) >= 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> forChild(receiver.deliveriesFor(PLACING), childId).stream()
                .filter(d -> d.json().getString("type").equals("alert-escalated")).count() >= 3);
    }
}
