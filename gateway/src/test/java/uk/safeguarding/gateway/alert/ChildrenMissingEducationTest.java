package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
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
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.WebhookReceiver;

/**
 * Children missing education: the school tells the council's CME officer once the absence threshold
 * (10 continuous school days, configuration) is met; the officer hears within one working day.
 */
@QuarkusTest
class ChildrenMissingEducationTest {

    static WebhookReceiver receiver;
    static String councilSecret;

    @Inject
    GatewayClock clock;

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
        councilSecret = AlertFixtures.subscribe(receiver, PLACING);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static ExtractableResponse<Response> notify(UUID childId, String token, int days) {
        return given().auth().oauth2(token).header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON)
                .body(Map.of("council", PLACING, "continuousSchoolDays", days, "absentSince", "2027-04-16"))
                .when().post("/api/v1/children/" + childId + "/absence-notifications").then().extract();
    }

    @Test
    void theSchoolTellsTheCmeOfficerWithinOneWorkingDayOnceTheThresholdIsMet() throws Exception {
        UUID childId = placedChild();
        // Friday 30 April 2027: the next working day is Tuesday 4 May (the early May bank holiday).
        clock.advance(Duration.between(clock.instant(), Instant.parse("2027-04-30T10:00:00Z")));
        ExtractableResponse<Response> below = notify(childId, practitioner(SCHOOL), 9);
        assertEquals(400, below.statusCode());
        assertEquals("continuousSchoolDays", below.path("errors[0].field"));

        ExtractableResponse<Response> r = notify(childId, practitioner(SCHOOL), 10);
        assertEquals(201, r.statusCode(), r.asString());
        assertEquals(List.of(PLACING), r.path("event.notified.agency"));
        assertEquals("2027-05-04T22:59:59Z", r.path("event.notified[0].deadline"));
        assertEquals("children-missing-education@1.0.0#cme-notify-council", r.path("event.notified[0].dutyRef"));
        await().atMost(Duration.ofSeconds(10)).until(() -> forChild(receiver.deliveriesFor(PLACING), childId).stream()
                .anyMatch(d -> d.json().getString("type").equals("absence-threshold-met")));
        WebhookReceiver.Delivery d = forChild(receiver.deliveriesFor(PLACING), childId).stream()
                .filter(x -> x.json().getString("type").equals("absence-threshold-met")).findFirst().orElseThrow();
        verify(councilSecret, d);
        JsonObject data = d.json().getJsonObject("data").getJsonObject("data");
        assertEquals(10, data.getJsonObject("education").getInteger("continuousSchoolDays"));
        assertFalse(data.containsKey("placement"));
        assertEquals(1, Db.count("""
                SELECT count(*) FROM audit_event WHERE action = 'cme.notify' AND child_id = ? AND decision = 'PERMIT'
                  AND actor_agency = ? AND outcome = 201""", childId, SCHOOL));
        assertEquals(1, Db.count("SELECT count(*) FROM relationship WHERE child_id = ? AND agency_id = ? AND kind = 'cme-officer'",
                childId, PLACING));
    }

    @Test
    void onlyTheChildsSchoolNotifiesAndARealChildAnswersLikeARandomOne() {
        UUID childId = placedChild();
        UUID random = UUID.randomUUID();
        ExtractableResponse<Response> real = notify(childId, provider(OTHER_PROVIDER), 12);
        ExtractableResponse<Response> none = notify(random, provider(OTHER_PROVIDER), 12);
        assertEquals(none.statusCode(), real.statusCode());
        assertEquals((Object) none.path("code"), real.path("code"));
        assertEquals(403, notify(childId, practitioner(HOST_POLICE), 12).statusCode());
        assertEquals(0, Db.count("SELECT count(*) FROM case_event WHERE child_id = ? AND type = 'absence-threshold-met'", childId));
    }
}
