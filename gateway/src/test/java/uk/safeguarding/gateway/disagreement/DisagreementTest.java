package uk.safeguarding.gateway.disagreement;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.alert.AlertFixtures;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Professional disagreement through the API, with real decisions of other agencies: a council's risk
 * downgrade challenged by the police and taken through every level (by hand and by the clock), and a
 * health body's declined referral challenged by the police who referred. Agencies outside the decision
 * get the 404 of a random id; each step is audited and reaches the other side.
 */
@QuarkusTest
class DisagreementTest {

    static final String COUNCIL = "la:E09000030";
    static final String HOST_COUNCIL = "la:E10000017";
    static final String MET = "police:met";
    static final String HEALTH = "nhs:RQX";
    static final String OTHER_PROVIDER = "provider:SC654321";
    static final String GROUNDS = "She was seen with the same adult last week; the downgrade ignores our intelligence.";

    @Inject
    GatewayClock clock;
    @Inject
    DisagreementClock disagreements;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static RequestSpecification as(String agency, String subject, String... roles) {
        return given().auth().oauth2(TestTokens.forAgency(agency).roles(roles).subject(subject).sign())
                .header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON);
    }

    static Map<String, Object> challenge(String type, Object id) {
        return Map.of("decision", Map.of("type", type, "id", id), "grounds", GROUNDS);
    }

    static Map<String, Object> shape(ExtractableResponse<Response> r) {
        Map<String, Object> m = new HashMap<>(r.jsonPath().getMap("$"));
        m.remove("instance");
        m.remove("requestId");
        return Map.of("status", r.statusCode(), "body", m);
    }

    static long alerts(UUID child, String agency, String event) {
        return Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND recipient_agency = ? AND event = ?", child,
                agency, event);
    }

    /** A child whose council lowered its own HIGH to LOW, approved by its supervisor: the council's decision. */
    static String councilDowngrade(UUID child) {
        String url = "/api/v1/children/" + child + "/risk-assessments";
        String reviewBy = LocalDate.now().plusMonths(3).toString();
        as(COUNCIL, "sw-1", "practitioner").body(Map.of("level", "HIGH", "rationale", "Found with older adults twice.",
                "reviewBy", reviewBy)).when().post(url).then().statusCode(201);
        String id = as(COUNCIL, "sw-1", "practitioner").body(Map.of("level", "LOW", "reviewBy", reviewBy,
                        "rationale", "Three months without a missing episode; engaged weekly with the CSE worker."))
                .when().post(url).then().statusCode(201).extract().path("id");
        as(COUNCIL, "tm-1", "supervisor").when().post("/api/v1/risk-assessments/" + id + "/approval").then().statusCode(200)
                .body("inEffect", equalTo(true));
        return id;
    }

    @Test
    void thePoliceChallengeTheCouncilsDowngradeThroughEveryLevelUntilItIsResolved() {
        UUID child = AlertFixtures.placedChild();
        String downgrade = councilDowngrade(child);

        // Only an agency involved with the decision may challenge: a real id answers like a random one.
        var real = as(OTHER_PROVIDER, "mgr-x", "provider").body(challenge("risk-assessment", downgrade))
                .when().post("/api/v1/challenges").then().extract();
        var random = as(OTHER_PROVIDER, "mgr-x", "provider").body(challenge("risk-assessment", UUID.randomUUID()))
                .when().post("/api/v1/challenges").then().extract();
        assertEquals(404, real.statusCode());
        assertEquals(shape(random), shape(real));
        as(COUNCIL, "sw-2", "practitioner").body(challenge("risk-assessment", downgrade)).when().post("/api/v1/challenges")
                .then().statusCode(409).body("code", equalTo("OWN_DECISION"));
        as(MET, "pc-1", "practitioner").body(Map.of("decision", Map.of("type", "risk-assessment", "id", downgrade)))
                .when().post("/api/v1/challenges").then().statusCode(400).body("errors.field", contains("grounds"));

        String id = as(MET, "pc-1", "practitioner").body(challenge("risk-assessment", downgrade))
                .when().post("/api/v1/challenges").then().statusCode(201)
                .body("level", equalTo("practitioner")).body("status", equalTo("OPEN")).body("dueAt", notNullValue())
                .body("challengedAgency", equalTo(COUNCIL)).body("challengingAgency", equalTo(MET))
                .extract().path("id");
        assertEquals(1, alerts(child, COUNCIL, "disagreement-raised"));
        assertEquals(1, Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND event = 'disagreement-raised' "
                + "AND escalation_target = ? AND ack_due_at IS NOT NULL", child, COUNCIL));

        // Only the parties know it exists.
        String url = "/api/v1/challenges/" + id;
        var other = as(HOST_COUNCIL, "sw-l", "practitioner").when().get(url).then().extract();
        var none = as(HOST_COUNCIL, "sw-l", "practitioner").when().get("/api/v1/challenges/" + UUID.randomUUID()).then().extract();
        assertEquals(404, other.statusCode());
        assertEquals(shape(none), shape(other));
        as(MET, "pc-1", "practitioner").when().get(url).then().statusCode(200).body("grounds", equalTo(GROUNDS));
        // Nor through the case event that told the council: a non-party with standing on the child (the host
        // council) gets a random id's 404 there too; the parties read it.
        Object raised = Db.query("SELECT id FROM case_event WHERE child_id = ? AND type = 'disagreement-raised'", child)
                .get(0).get("id");
        var stepSeen = as(HOST_COUNCIL, "sw-l", "practitioner").when().get("/api/v1/case-events/" + raised).then().extract();
        var stepNone = as(HOST_COUNCIL, "sw-l", "practitioner").when().get("/api/v1/case-events/" + UUID.randomUUID())
                .then().extract();
        assertEquals(404, stepSeen.statusCode(), "a non-party learns nothing of the disagreement");
        assertEquals(shape(stepNone), shape(stepSeen));
        as(HOST_COUNCIL, "sw-l", "practitioner").when().get("/api/v1/children/" + child + "/risk-assessments").then()
                .statusCode(200);
        as(COUNCIL, "sw-1", "practitioner").when().get("/api/v1/case-events/" + raised).then().statusCode(200)
                .body("type", equalTo("disagreement-raised"));

        // The council responds (the police cannot respond to their own challenge); the police escalate.
        as(MET, "pc-1", "practitioner").body(Map.of("text", "x")).when().post(url + "/response").then().statusCode(403);
        // The challenged agency cannot close the challenge of its own decision below the partnership's level.
        as(COUNCIL, "sw-1", "practitioner").body(Map.of("result", "DECISION_STANDS", "outcome", "We stand by it"))
                .when().post(url + "/resolution").then().statusCode(403).body("code", equalTo("RESOLVER_NOT_PERMITTED"));
        as(COUNCIL, "sw-1", "practitioner").body(Map.of("text", "The strategy meeting weighed the intelligence."))
                .when().post(url + "/response").then().statusCode(200).body("steps.step", contains("raised", "responded"));
        assertEquals(1, alerts(child, MET, "disagreement-responded"));
        as(MET, "sgt-1", "supervisor").body(Map.of("text", "Not answered: the adult was not known to the meeting."))
                .when().post(url + "/escalation").then().statusCode(200).body("level", equalTo("manager"));
        assertEquals(1, alerts(child, COUNCIL, "disagreement-escalated-manager"));

        // Unresolved by the manager level's deadline: the clock takes it to the heads of service, then the partnership.
        clock.advance(Duration.ofDays(8));
        disagreements.escalateOverdue();
        as(MET, "pc-1", "practitioner").when().get(url).then().statusCode(200).body("level", equalTo("head-of-service"));
        clock.advance(Duration.ofDays(30)); // 10 working days, across Christmas bank holidays
        disagreements.escalateOverdue();
        as(MET, "pc-1", "practitioner").when().get(url).then().statusCode(200).body("level", equalTo("partnership"))
                .body("steps.step", contains("raised", "responded", "escalated", "escalated", "escalated"));
        as(MET, "pc-1", "practitioner").body(Map.of("text", "Further")).when().post(url + "/escalation").then()
                .statusCode(409);

        as(COUNCIL, "hos-1", "head-of-service").body(Map.of("result", "DECISION_REVISED",
                        "outcome", "Partnership panel: risk restored to HIGH pending a new assessment."))
                .when().post(url + "/resolution").then().statusCode(200).body("status", equalTo("RESOLVED"))
                .body("outcome", equalTo("DECISION_REVISED"));
        as(COUNCIL, "sw-1", "practitioner").body(Map.of("text", "late")).when().post(url + "/response").then().statusCode(409);
        assertEquals(1, alerts(child, MET, "disagreement-resolved"));

        // Each step audited, the clock's as the gateway's own act.
        for (String action : List.of("disagreement.raise", "disagreement.respond", "disagreement.escalate",
                "disagreement.resolve", "disagreement.read")) {
            assertEquals(true, Db.count("SELECT count(*) FROM audit_event WHERE action = ? AND resource_id = ?", action, id) >= 1,
                    action);
        }
        assertEquals(2, Db.count("SELECT count(*) FROM audit_event WHERE action = 'disagreement.escalate-overdue' "
                + "AND resource_id = ?", id));
        assertEquals(6, Db.count("SELECT count(*) FROM challenge_step WHERE challenge_id = ?::uuid", id),
                "raised, responded, three escalations and the resolution");
    }

    @Test
    void theReferrerChallengesADeclinedReferralAndNobodyElseCan() {
        String referral = given().auth().oauth2(TestTokens.forAgency(MET).roles("practitioner").subject("pc-1").sign())
                .header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON)
                .body(Fixtures.load("police-cse.json", Fixtures.nhsNumber())).when().post("/api/v1/referrals")
                .then().statusCode(201).extract().path("id");
        // Not declined yet: nothing to challenge, for anybody.
        as(MET, "pc-1", "practitioner").body(challenge("referral-decline", referral)).when().post("/api/v1/challenges")
                .then().statusCode(404);
        as(HEALTH, "hv-1", "practitioner").body(Map.of("reason", "Not known to our services")).when()
                .post("/api/v1/referrals/" + referral + "/decline").then().statusCode(200);

        var real = as(OTHER_PROVIDER, "mgr-x", "provider").body(challenge("referral-decline", referral))
                .when().post("/api/v1/challenges").then().extract();
        var random = as(OTHER_PROVIDER, "mgr-x", "provider").body(challenge("referral-decline", UUID.randomUUID()))
                .when().post("/api/v1/challenges").then().extract();
        assertEquals(404, real.statusCode());
        assertEquals(shape(random), shape(real));
        as(MET, "pc-1", "practitioner").body(challenge("referral-decline", referral)).when().post("/api/v1/challenges")
                .then().statusCode(201).body("challengedAgency", equalTo(HEALTH)).body("decisionType", equalTo("referral-decline"));
    }
}
