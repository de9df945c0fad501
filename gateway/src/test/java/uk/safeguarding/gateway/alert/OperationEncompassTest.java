package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
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
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.WebhookReceiver;

/**
 * Operation Encompass through the API: the police report a domestic abuse incident a child was present
 * at; the school hears before 08:30 on the next school day of its council's term dates, over a half
 * term, a weekend and a bank holiday (the controllable clock); a missed notification escalates to the
 * reporting force.
 */
@QuarkusTest
class OperationEncompassTest {

    static WebhookReceiver receiver;
    static String schoolSecret;

    @Inject
    GatewayClock clock;
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
        schoolSecret = AlertFixtures.subscribe(receiver, SCHOOL);
        AlertFixtures.subscribe(receiver, HOME_POLICE);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** A child placed by the home council with no school named: the school knows nothing of it yet. */
    static UUID childTheSchoolDoesNotKnow() {
        Map<String, Object> body = new LinkedHashMap<>(placementBody(newChildValue(), LocalDate.now().plusDays(7), false));
        body.remove("school");
        return UUID.fromString(plan(body).statusCode(201).extract().path("childId"));
    }

    static Map<String, Object> incident() {
        return Map.of("childPresent", true, "school", SCHOOL, "schoolCouncil", PLACING,
                "summary", "Officers attended a domestic incident at the home; the child was in the flat.");
    }

    static ExtractableResponse<Response> report(UUID childId, String token, Map<String, Object> body) {
        return given().auth().oauth2(token).header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/children/" + childId + "/domestic-abuse-incidents").then().extract();
    }

    private void moveClockTo(String instant) {
        clock.advance(Duration.between(clock.instant(), Instant.parse(instant)));
    }

    @Test
    void theSchoolIsToldBeforeTheNextSchoolDayOverAHalfTermAWeekendAndABankHoliday() throws Exception {
        UUID childId = childTheSchoolDoesNotKnow();
        // Friday 12 February 2027, 17:00 GMT: half term follows, so the next school day is Monday 22nd.
        moveClockTo("2027-02-12T17:00:00Z");
        ExtractableResponse<Response> first = report(childId, practitioner(HOME_POLICE), incident());
        assertEquals(201, first.statusCode(), first.asString());
        assertEquals(List.of(SCHOOL), first.path("event.notified.agency"));
        assertEquals("2027-02-22T08:30:00Z", first.path("event.notified[0].deadline"));

        // Friday 30 April 2027, 18:00 BST: the weekend, then the early May bank holiday; Tuesday 08:30 BST.
        moveClockTo("2027-04-30T17:00:00Z");
        ExtractableResponse<Response> second = report(childId, practitioner(HOME_POLICE), incident());
        assertEquals(201, second.statusCode(), second.asString());
        assertEquals("2027-05-04T07:30:00Z", second.path("event.notified[0].deadline"));
        assertEquals("operation-encompass@1.0.0#encompass-before-school", second.path("event.notified[0].dutyRef"));
        String eventId = second.path("id");

        // Delivered to the school's system, signed; carrying the risk (with its handling condition), nothing else.
        await().atMost(Duration.ofSeconds(10)).until(() -> forChild(receiver.deliveriesFor(SCHOOL), childId).size() >= 2);
        WebhookReceiver.Delivery d = forChild(receiver.deliveriesFor(SCHOOL), childId).stream()
                .filter(x -> eventId.equals(x.json().getJsonObject("data").getString("eventId"))).findFirst().orElseThrow();
        verify(schoolSecret, d);
        assertEquals("domestic-abuse-incident", d.json().getString("type"));
        assertEquals("2027-05-04T07:30:00Z", d.json().getJsonObject("data").getString("deadline"));
        assertTrue(d.json().getJsonObject("data").getJsonObject("data").containsKey("risk"), d.body());
        assertEquals(2, Db.count("""
                SELECT count(*) FROM audit_event WHERE action = 'encompass.report' AND child_id = ? AND decision = 'PERMIT'
                  AND actor_agency = ? AND outcome = 201""", childId, HOME_POLICE));
        // The school's standing came from the report: it reads the notification through the link.
        given().auth().oauth2(practitioner(SCHOOL)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/case-events/" + eventId)
                .then().statusCode(200).body("data.risk.childPresent", equalTo(true));
        assertTrue(Db.count("SELECT count(*) FROM relationship WHERE child_id = ? AND agency_id = ? AND kind = 'school' "
                + "AND rule = 'operation-encompass@1.0.0#encompass-school-named'", childId, SCHOOL) > 0);

        // Not acknowledged: nothing escalates over the bank holiday weekend, then the force's supervisor hears.
        moveClockTo("2027-05-03T12:00:00Z");
        escalator.escalateDue();
        assertEquals(0, escalations(childId, eventId));
        moveClockTo("2027-05-04T07:31:00Z");
        escalator.escalateDue();
        assertEquals(1, escalations(childId, eventId));
    }

    private static long escalations(UUID childId, String eventId) {
        return Db.count("""
                SELECT count(*) FROM alert e JOIN alert o ON o.id::text = e.resource_id
                WHERE e.event = 'alert-escalated' AND e.child_id = ? AND e.recipient_agency = ? AND o.resource_id = ?""",
                childId, HOME_POLICE, eventId);
    }

    @Test
    void onlyThePoliceReportARealChildAnswersLikeARandomOneAndABadBodyWritesNothing() {
        UUID childId = childTheSchoolDoesNotKnow();
        UUID random = UUID.randomUUID();
        for (String token : List.of(provider(OTHER_PROVIDER), practitioner(SCHOOL), practitioner(HOST_COUNCIL))) {
            ExtractableResponse<Response> real = report(childId, token, incident());
            ExtractableResponse<Response> none = report(random, token, incident());
            assertTrue(real.statusCode() == 403 || real.statusCode() == 404, real.asString());
            assertEquals(none.statusCode(), real.statusCode());
            assertEquals((Object) none.path("code"), real.path("code"));
            assertEquals(none.contentType(), real.contentType());
        }
        assertEquals(404, report(random, practitioner(HOME_POLICE), incident()).statusCode());

        Map<String, Object> absent = new LinkedHashMap<>(incident());
        absent.put("childPresent", false);
        ExtractableResponse<Response> r1 = report(childId, practitioner(HOME_POLICE), absent);
        assertEquals(400, r1.statusCode());
        assertEquals("childPresent", r1.path("errors[0].field"));
        Map<String, Object> notASchool = new LinkedHashMap<>(incident());
        notASchool.put("school", HOME_HEALTH);
        ExtractableResponse<Response> r2 = report(childId, practitioner(HOME_POLICE), notASchool);
        assertEquals(400, r2.statusCode());
        assertEquals("school", r2.path("errors[0].field"));
        assertEquals(0, Db.count("SELECT count(*) FROM case_event WHERE child_id = ? AND type = 'domestic-abuse-incident'", childId));
        assertEquals(0, Db.count("SELECT count(*) FROM relationship WHERE child_id = ? AND agency_id = ?", childId, SCHOOL));
    }
}
