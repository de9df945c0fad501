package uk.safeguarding.gateway.risk;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
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
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.alert.AlertFixtures;
import uk.safeguarding.gateway.alert.Escalator;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Risk as each agency sees it (issue 22 point 5): indicators and review date kept, a rationale for
 * every change, the shared level the highest agency level, a downgrade below another agency's level
 * waiting for that agency's supervisor (asked before, not told after), and review overdue as a duty.
 * Probed with real assessments of other agencies.
 */
@QuarkusTest
class RiskByAgencyTest {

    static final String COUNCIL = "la:E09000030";
    static final String HOST_COUNCIL = "la:E10000017";
    static final String MET = "police:met";
    static final String OTHER_PROVIDER = "provider:SC654321";
    static final String WHY_HIGH = "Found with older adults twice this month; CSE screening tool scored high.";
    static final String WHY_LOW = "Three months without a missing episode, engaged weekly with the CSE worker; strategy meeting agreed.";

    @Inject
    GatewayClock clock;
    @Inject
    RiskReviewClock reviews;
    @Inject
    Escalator escalator;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static RequestSpecification as(String agency, String subject, String... roles) {
        return given().auth().oauth2(TestTokens.forAgency(agency).roles(roles).subject(subject).sign())
                .header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON);
    }

    static Map<String, Object> body(String level, String rationale, LocalDate reviewBy, List<String> indicators) {
        Map<String, Object> b = new HashMap<>();
        b.put("level", level);
        b.put("rationale", rationale);
        b.put("reviewBy", reviewBy == null ? null : reviewBy.toString());
        b.put("indicators", indicators);
        return b;
    }

    static LocalDate inMonths(int months) {
        return LocalDate.now(ZoneId.of("Europe/London")).plusMonths(months);
    }

    static ExtractableResponse<Response> assess(UUID child, String agency, String subject, String level, String why) {
        return as(agency, subject, "practitioner").body(body(level, why, inMonths(3), List.of("missing-episodes")))
                .when().post("/api/v1/children/" + child + "/risk-assessments").then().extract();
    }

    static String currentLevel(UUID child, String agency) {
        List<Map<String, Object>> rows = Db.query("SELECT level FROM risk_level WHERE child_id = ? AND agency_id = ? "
                + "ORDER BY effective_at DESC, id LIMIT 1", child, agency);
        return rows.isEmpty() ? null : (String) rows.get(0).get("level");
    }

    static long alerts(UUID child, String agency, String event) {
        return Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND recipient_agency = ? AND event = ?", child,
                agency, event);
    }

    static Map<String, Object> shape(ExtractableResponse<Response> r) {
        Map<String, Object> m = new HashMap<>(r.jsonPath().getMap("$"));
        m.remove("instance");
        m.remove("requestId");
        return Map.of("status", r.statusCode(), "body", m);
    }

    @Test
    void everyChangeCarriesARationaleAndAReviewDateAndItsIndicatorsAreKept() {
        UUID child = AlertFixtures.placedChild();
        String url = "/api/v1/children/" + child + "/risk-assessments";
        as(COUNCIL, "sw-1", "practitioner").body(body("HIGH", null, inMonths(1), List.of())).when().post(url).then()
                .statusCode(400).body("code", equalTo("RATIONALE_REQUIRED")).body("errors.field", contains("rationale"));
        as(COUNCIL, "sw-1", "practitioner").body(body("HIGH", WHY_HIGH, null, List.of())).when().post(url).then()
                .statusCode(400).body("errors.field", contains("reviewBy"));
        as(COUNCIL, "sw-1", "practitioner").body(body("HIGH", WHY_HIGH, LocalDate.now().minusDays(1), List.of()))
                .when().post(url).then().statusCode(400).body("errors.field", contains("reviewBy"));
        as(COUNCIL, "sw-1", "practitioner").body(body("HIGH", " ", null, List.of(""))).when().post(url).then()
                .statusCode(400).body("errors.field", containsInAnyOrder("rationale", "reviewBy", "indicators/0"));
        assertEquals(0, Db.count("SELECT count(*) FROM risk_assessment WHERE child_id = ?", child), "nothing half-written");

        LocalDate reviewBy = inMonths(2);
        as(COUNCIL, "sw-1", "practitioner").body(body("HIGH", WHY_HIGH, reviewBy, List.of("missing-episodes", "older-associates")))
                .when().post(url).then().statusCode(201).body("inEffect", equalTo(true)).body("status", equalTo("IN_EFFECT"))
                .body("reviewBy", equalTo(reviewBy.toString()))
                .body("indicators", contains("missing-episodes", "older-associates"));
        // A raise needs a rationale too (it was accepted without one before issue 22).
        as(MET, "pc-1", "practitioner").body(body("HIGH", null, reviewBy, List.of())).when().post(url).then().statusCode(400)
                .body("errors.field", contains("rationale"));
        // Stored and read back: indicators are risk history (councils, police, health).
        as(MET, "pc-1", "practitioner").when().get(url).then().statusCode(200)
                .body("[0].indicators", contains("missing-episodes", "older-associates"))
                .body("[0].reviewBy", equalTo(reviewBy.toString()));
        assertEquals("HIGH", currentLevel(child, COUNCIL));
    }

    @Test
    void aDowngradeBelowAnotherAgencysLevelWaitsForThatAgencysSupervisorWhoIsAskedFirst() {
        UUID child = AlertFixtures.placedChild();
        assertEquals(201, assess(child, COUNCIL, "sw-1", "HIGH", WHY_HIGH).statusCode());
        long changedBefore = alerts(child, HOST_COUNCIL, "risk-changed");

        // The Met proposes LOW: the council is asked now, before anything changes; nobody hears of a change.
        ExtractableResponse<Response> proposal = assess(child, MET, "pc-1", "LOW", WHY_LOW);
        assertEquals(201, proposal.statusCode());
        String id = proposal.path("id");
        assertEquals(false, proposal.path("inEffect"));
        assertEquals("AWAITING", proposal.path("status"));
        assertEquals(List.of(COUNCIL), proposal.jsonPath().getList("agreements.agency"));
        assertEquals("HIGH", proposal.jsonPath().getString("agreements[0].levelAtRequest"));
        assertEquals(1, alerts(child, COUNCIL, "risk-agreement-requested"));
        assertEquals(1, Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND recipient_agency = ? AND event = ? "
                + "AND escalation_target = ? AND ack_due_at IS NOT NULL", child, COUNCIL, "risk-agreement-requested", COUNCIL),
                "the request is a duty: a deadline and an escalation to the council's supervisor");
        assertEquals(changedBefore, alerts(child, HOST_COUNCIL, "risk-changed"));

        // The same-agency second approver is still needed, and is no longer enough: the shared level stays.
        as(MET, "sgt-1", "supervisor").when().post("/api/v1/risk-assessments/" + id + "/approval").then().statusCode(200)
                .body("inEffect", equalTo(false)).body("status", equalTo("AWAITING")).body("approvedBy", equalTo("sgt-1"))
                .body("notified.sent", hasSize(0));
        assertEquals("HIGH", currentLevel(child, COUNCIL));
        assertEquals(null, currentLevel(child, MET));
        assertEquals(changedBefore, alerts(child, HOST_COUNCIL, "risk-changed"));

        // Who may answer: an unrelated agency cannot tell a real proposal from a random id.
        String agreement = "/api/v1/risk-assessments/" + id + "/agreement";
        Map<String, Object> yes = Map.of("agree", true, "rationale", "Strategy meeting on 3 March agreed the plan is working.");
        var real = as(OTHER_PROVIDER, "mgr-x", "supervisor").body(yes).when().post(agreement).then().extract();
        var random = as(OTHER_PROVIDER, "mgr-x", "supervisor").body(yes).when()
                .post("/api/v1/risk-assessments/" + UUID.randomUUID() + "/agreement").then().extract();
        assertEquals(404, real.statusCode());
        assertEquals(shape(random), shape(real));
        // An involved agency that was not asked, a practitioner of the asked one, no rationale: refused.
        as(HOST_COUNCIL, "tm-l", "supervisor").body(yes).when().post(agreement).then().statusCode(409)
                .body("code", equalTo("NO_AGREEMENT_PENDING"));
        as(COUNCIL, "sw-1", "practitioner").body(yes).when().post(agreement).then().statusCode(403);
        as(COUNCIL, "tm-1", "supervisor").body(Map.of("agree", true)).when().post(agreement).then().statusCode(400)
                .body("errors.field", contains("rationale"));
        assertEquals("HIGH", currentLevel(child, COUNCIL));

        // The council's supervisor agrees: the level is now LOW for both, and everyone involved hears it.
        as(COUNCIL, "tm-1", "supervisor").body(yes).when().post(agreement).then().statusCode(200)
                .body("inEffect", equalTo(true)).body("status", equalTo("IN_EFFECT"))
                .body("agreements[0].status", equalTo("AGREED")).body("agreements[0].decidedBy", equalTo("tm-1"))
                .body("notified.sent.agency", hasItem(HOST_COUNCIL));
        assertEquals("LOW", currentLevel(child, COUNCIL));
        assertEquals("LOW", currentLevel(child, MET));
        assertEquals(changedBefore + 1, alerts(child, HOST_COUNCIL, "risk-changed"));
        as(COUNCIL, "tm-2", "supervisor").body(yes).when().post(agreement).then().statusCode(409);
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE action = 'risk.agreement' AND resource_id = ? "
                + "AND outcome = 200", id));
        // The history says who agreed, to those who read risk history.
        as(HOST_COUNCIL, "sw-l", "practitioner").when().get("/api/v1/children/" + child + "/risk-assessments").then()
                .statusCode(200).body("find { it.id == '" + id + "' }.agreements[0].agency", equalTo(COUNCIL))
                .body("find { it.id == '" + id + "' }.inEffect", equalTo(true));
    }

    @Test
    void aDeclineKeepsTheHigherLevelAndEndsTheProposal() {
        UUID child = AlertFixtures.placedChild();
        assertEquals(201, assess(child, COUNCIL, "sw-1", "HIGH", WHY_HIGH).statusCode());
        String id = assess(child, MET, "pc-1", "MEDIUM", WHY_LOW).path("id");
        as(COUNCIL, "tm-1", "supervisor").body(Map.of("agree", false, "rationale", "She went missing again last night."))
                .when().post("/api/v1/risk-assessments/" + id + "/agreement").then().statusCode(200)
                .body("status", equalTo("DECLINED")).body("inEffect", equalTo(false));
        as(MET, "sgt-1", "supervisor").when().post("/api/v1/risk-assessments/" + id + "/approval").then().statusCode(409);
        assertEquals("HIGH", currentLevel(child, COUNCIL));
        assertEquals(null, currentLevel(child, MET));
        // A raise by another agency is its own level at once; the shared level is the highest.
        assertEquals(201, assess(child, MET, "pc-1", "HIGH", WHY_HIGH).statusCode());
        assertEquals("HIGH", currentLevel(child, MET));
    }

    @Test
    void reviewOverdueIsADutyRaisedOnceAndEscalated() {
        UUID child = AlertFixtures.placedChild();
        LocalDate tomorrow = LocalDate.now(ZoneId.of("Europe/London")).plusDays(1);
        as(COUNCIL, "sw-1", "practitioner").body(body("HIGH", WHY_HIGH, tomorrow, List.of("older-associates")))
                .when().post("/api/v1/children/" + child + "/risk-assessments").then().statusCode(201);
        reviews.raiseOverdue();
        assertEquals(0, alerts(child, COUNCIL, "risk-review-overdue"), "not yet due");
        clock.advance(Duration.ofDays(2));
        reviews.raiseOverdue();
        assertEquals(1, alerts(child, COUNCIL, "risk-review-overdue"));
        reviews.raiseOverdue();
        assertEquals(1, alerts(child, COUNCIL, "risk-review-overdue"), "once per current level");
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE action = 'risk.review-overdue' AND child_id = ?",
                child));
        // Not reviewed by the duty's deadline either: the council's supervisor is told.
        clock.advance(Duration.ofDays(5));
        uk.safeguarding.gateway.alert.AlertFixtures.escalateAllDue(escalator);
        assertEquals(1, Db.count("SELECT count(*) FROM alert e JOIN alert o ON e.payload->>'escalatedAlertId' = o.id::text "
                + "WHERE o.child_id = ? AND o.event = 'risk-review-overdue' AND e.recipient_agency = ?", child, COUNCIL));
        // A new assessment is the review: its own date counts from now.
        as(COUNCIL, "sw-1", "practitioner").body(body("HIGH", WHY_HIGH, inMonths(3), List.of("older-associates")))
                .when().post("/api/v1/children/" + child + "/risk-assessments").then().statusCode(201)
                .body("reviewBy", notNullValue());
        reviews.raiseOverdue();
        assertEquals(1, alerts(child, COUNCIL, "risk-review-overdue"));
    }
}
