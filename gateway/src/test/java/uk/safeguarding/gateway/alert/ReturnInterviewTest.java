package uk.safeguarding.gateway.alert;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.placement.ReturnInterviewClock;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.Db;

/**
 * The return home interview of a child missing from home, through the charity the home council
 * commissions: offered (which meets the 72-hour duty), completed with categorised findings, which the
 * home council reads and the police responding to the episode do not.
 */
@QuarkusTest
class ReturnInterviewTest {

    static final String RHI = "vcs:1234567";

    @Inject
    GatewayClock clock;
    @Inject
    ReturnInterviewClock interviews;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static final Map<String, Object> FINDINGS = Map.of("pushFactors", List.of("arguments at home about curfew"),
            "pullFactors", List.of("older friends with a flat in Stratford"),
            "disclosures", List.of("an adult man gives her cannabis and lifts"),
            "risks", List.of("child criminal exploitation"));

    /** A child reported missing from home by her school, then found: the episode id. */
    static String foundEpisode() {
        Map<String, Object> report = MissingFromHomeTest.report(Api.POLICE_ID, MissingFromHomeTest.policeId(), null);
        String episode = MissingFromHomeTest.reportMissing(SCHOOL, report).path("id");
        assertEquals(200, MissingFromHomeTest.found(SCHOOL, episode).statusCode());
        return episode;
    }

    static RequestSpecification as(String agency, String purpose) {
        return Api.practitioner(agency, purpose);
    }

    static ExtractableResponse<Response> record(String agency, String episode, Map<String, Object> body) {
        return as(agency, "MISSING-RESPONSE").body(body).when().post("/api/v1/missing-episodes/" + episode + "/return-interview")
                .then().extract();
    }

    @Test
    void anOfferMeetsTheSeventyTwoHourDutyAndTheCompletedInterviewsFindingsGoToTheHomeCouncilNotThePolice() {
        String episode = foundEpisode();
        UUID childId = UUID.fromString(Db.query("SELECT child_id FROM missing_episode WHERE id = ?::uuid", episode).get(0)
                .get("child_id").toString());
        ExtractableResponse<Response> offered = record(RHI, episode, Map.of("outcome", "offered"));
        assertEquals(200, offered.statusCode(), offered.asString());
        offered.response().then().body("rhiOfferedAt", notNullValue()).body("rhiCompletedAt", nullValue());
        clock.advance(Duration.ofHours(73));
        interviews.escalateOverdue();
        assertEquals(0, alertsFor(childId, PLACING, "return-home-interview-due"), "offered in time: nothing overdue");

        // Only the service (or the council) records it.
        assertEquals(403, record(HOME_POLICE, episode, Map.of("outcome", "completed")).statusCode());
        ExtractableResponse<Response> done = record(RHI, episode, Map.of("outcome", "completed", "findings", FINDINGS));
        assertEquals(200, done.statusCode(), done.asString());
        done.response().then().body("rhiCompletedAt", notNullValue())
                .body("records[0].findings.disclosures[0]", equalTo("an adult man gives her cannabis and lifts"));
        assertEquals(409, record(RHI, episode, Map.of("outcome", "completed")).statusCode());
        assertEquals(2, Db.count("SELECT count(*) FROM audit_event WHERE action = 'missing.return-interview' AND resource_id = ? AND outcome = 200",
                episode));

        // The home council reads the findings; the police responding to the episode get the outcomes only.
        as(PLACING, "MISSING-RESPONSE").when().get("/api/v1/missing-episodes/" + episode + "/return-interview").then()
                .statusCode(200).body("records.find { it.outcome == 'COMPLETED' }.findings.pushFactors[0]",
                        equalTo("arguments at home about curfew"));
        as(HOME_POLICE, "MISSING-RESPONSE").when().get("/api/v1/missing-episodes/" + episode + "/return-interview").then()
                .statusCode(200).body("records.find { it.outcome == 'COMPLETED' }.findings", nullValue())
                .body("withheld", hasItem("rhi-findings"));
        // Investigating without the child's consent or an approved override: refused (rhi-outcome-to-police;
        // the override path is proven by the protocol's cases permit-rhi-outcome-on-override and
        // deny-rhi-outcome-refused-unapproved).
        as(HOME_POLICE, "INVESTIGATION").when().get("/api/v1/missing-episodes/" + episode + "/return-interview").then()
                .statusCode(403);
        // An agency with no relationship: exactly as a random id.
        ExtractableResponse<Response> stranger = as(OTHER_PROVIDER, "MISSING-RESPONSE").when()
                .get("/api/v1/missing-episodes/" + episode + "/return-interview").then().extract();
        ExtractableResponse<Response> random = as(OTHER_PROVIDER, "MISSING-RESPONSE").when()
                .get("/api/v1/missing-episodes/" + UUID.randomUUID() + "/return-interview").then().extract();
        assertEquals(404, stranger.statusCode());
        assertEquals(Api.shape(random), Api.shape(stranger));
    }

    @Test
    void badOutcomesAreRefusedNamingTheField() {
        String episode = foundEpisode();
        record(RHI, episode, Map.of("outcome", "maybe")).response().then().statusCode(400)
                .body("errors[0].field", equalTo("/outcome"));
        record(RHI, episode, Map.of("outcome", "declined", "findings", FINDINGS)).response().then().statusCode(400)
                .body("errors[0].field", equalTo("/findings"));
        record(RHI, episode, Map.of("outcome", "completed", "findings", Map.of("risks", List.of(" ")))).response().then()
                .statusCode(400).body("errors[0].field", equalTo("/findings/risks/0"));
        assertEquals(0, Db.count("SELECT count(*) FROM return_interview WHERE episode_id = ?::uuid", episode));
    }
}
