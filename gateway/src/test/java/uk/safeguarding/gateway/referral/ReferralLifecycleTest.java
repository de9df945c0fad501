package uk.safeguarding.gateway.referral;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.referral.ReferralApiTest.HEALTH;
import static uk.safeguarding.gateway.referral.ReferralApiTest.HOME_COUNCIL;
import static uk.safeguarding.gateway.referral.ReferralApiTest.POLICE;
import static uk.safeguarding.gateway.referral.ReferralApiTest.post;
import static uk.safeguarding.gateway.referral.ReferralApiTest.token;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.alert.Escalator;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.support.Db;

/**
 * A referral after routing: the alerts the protocol releases to each recipient, the referrer told
 * of each decision, and escalation when a recipient lets the acknowledgement deadline pass.
 */
@QuarkusTest
class ReferralLifecycleTest {

    @Inject
    GatewayClock clock;
    @Inject
    Escalator escalator;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static String refer() {
        return post(POLICE, Fixtures.load("police-cse.json", Fixtures.nhsNumber())).statusCode(201)
                .extract().jsonPath().getString("id");
    }

    private static Map<String, Object> alertTo(String referralId, String agency, String event) {
        List<Map<String, Object>> rows = Db.query("SELECT id::text AS id, status, categories::text AS categories, "
                + "payload::text AS payload, ack_due_at, escalation_target, duty_ref FROM alert "
                + "WHERE resource_id = ? AND recipient_agency = ? AND event = ?", referralId, agency, event);
        assertEquals(1, rows.size(), "one " + event + " alert to " + agency);
        return rows.get(0);
    }

    private static void respond(String agency, String id, String action, String reason) {
        given().auth().oauth2(token(agency)).header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON)
                .body(reason == null ? "{}" : "{\"reason\": \"" + reason + "\"}")
                .when().post("/api/v1/referrals/" + id + "/" + action).then().statusCode(200);
    }

    @Test
    void eachRecipientsAlertCarriesWhatItsReceiveAlertDecisionReleasesAndEscalatesToTheCouncil() {
        String id = refer();
        Map<String, Object> mash = alertTo(id, HOME_COUNCIL, "referral-received");
        // referral-alert releases identity and risk only: intelligence and missing stay behind the read decision.
        assertEquals("[\"identity\", \"risk\"]", mash.get("categories"));
        JsonPath payload = new JsonPath((String) mash.get("payload"));
        assertEquals("high", payload.getString("riskLevel"));
        assertTrue(payload.getMap("").keySet().stream().noneMatch(k -> k.equals("policeIntelligence") || k.equals("child")));
        assertEquals(HOME_COUNCIL, mash.get("escalation_target"), "an agency the outbox can route to");
        assertEquals("mash-referral@1.0.0#mash-acknowledge", mash.get("duty_ref"));
        assertEquals(HOME_COUNCIL, alertTo(id, HEALTH, "referral-received").get("escalation_target"));
    }

    @Test
    void aDeclineTellsTheReferrerWhoDecidedWhatAndWhyThroughItsInbox() {
        String id = refer();
        respond(HOME_COUNCIL, id, "acknowledge", null);
        assertEquals("ACKNOWLEDGED", alertTo(id, HOME_COUNCIL, "referral-received").get("status"),
                "responding to the referral acknowledges its alert, so no escalation follows");
        respond(HEALTH, id, "decline", "Not known to our services");

        Map<String, Object> told = alertTo(id, POLICE, "referral-decided");
        assertEquals("mash-referral@1.0.0#referrer-told-outcome", told.get("duty_ref"));
        assertEquals(HOME_COUNCIL, told.get("escalation_target"));
        JsonPath inbox = given().auth().oauth2(token(POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/alerts?limit=500").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> outcomes = inbox.getList("findAll { it.payload.referralId == '" + id + "' }");
        assertEquals(1, outcomes.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) outcomes.get(0).get("payload");
        assertEquals(HEALTH, p.get("decidedBy"));
        assertEquals("DECLINED", p.get("status"));
        assertEquals("Not known to our services", p.get("reason"));

        // Accepting by the MASH is a second decision: a second outcome alert.
        respond(HOME_COUNCIL, id, "accept", "Strategy discussion today");
        assertEquals(2, Db.count("SELECT count(*) FROM alert WHERE resource_id = ? AND event = 'referral-decided'", id));
        // The sender sees every recipient's status on its own read.
        ReferralApiTest.read(POLICE, id, 200);
        given().auth().oauth2(token(POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/referrals/" + id).then().statusCode(200)
                .body("recipients.find { it.agency == '" + HEALTH + "' }.status", equalTo("DECLINED"))
                .body("recipients.find { it.agency == '" + HOME_COUNCIL + "' }.status", equalTo("ACCEPTED"));
    }

    @Test
    void aRecipientThatLetsTheAcknowledgementDeadlinePassIsEscalatedOnceToTheCouncilsSupervisor() {
        String id = refer();
        respond(HOME_COUNCIL, id, "acknowledge", null);
        String healthAlert = (String) alertTo(id, HEALTH, "referral-received").get("id");
        String mashAlert = (String) alertTo(id, HOME_COUNCIL, "referral-received").get("id");
        uk.safeguarding.gateway.alert.AlertFixtures.escalateAllDue(escalator);
        assertEquals(0, Db.count("SELECT count(*) FROM alert WHERE event = 'alert-escalated' AND resource_id = ?", healthAlert),
                "not before the deadline");
        // One working day is at most four calendar days away (a bank-holiday weekend).
        clock.advance(Duration.ofDays(5));
        uk.safeguarding.gateway.alert.AlertFixtures.escalateAllDue(escalator);
        uk.safeguarding.gateway.alert.AlertFixtures.escalateAllDue(escalator);
        List<Map<String, Object>> escalations = Db.query("SELECT recipient_agency, payload::text AS payload FROM alert "
                + "WHERE event = 'alert-escalated' AND resource_id = ?", healthAlert);
        assertEquals(1, escalations.size(), "once");
        assertEquals(HOME_COUNCIL, escalations.get(0).get("recipient_agency"));
        JsonPath payload = new JsonPath((String) escalations.get(0).get("payload"));
        assertEquals(HEALTH, payload.getString("originalRecipient"));
        assertEquals("supervisor", payload.getString("addressedTo"));
        assertEquals(0, Db.count("SELECT count(*) FROM alert WHERE event = 'alert-escalated' AND resource_id = ?", mashAlert),
                "the MASH acknowledged in time");
        // The deadline is kept on the inbox row for compliance figures.
        assertEquals(1, Db.count("SELECT count(*) FROM referral_recipient WHERE referral_id = ?::uuid AND agency_id = ? "
                + "AND acknowledged_at IS NOT NULL AND acknowledged_at <= ack_due_at", id, HOME_COUNCIL));
    }
}
