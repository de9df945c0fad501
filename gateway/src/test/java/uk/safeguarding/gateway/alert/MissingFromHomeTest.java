package uk.safeguarding.gateway.alert;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.placement.ReturnInterviewClock;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.WebhookReceiver;

/**
 * A child missing from home, with no placement, known perhaps only by a police id: who is told (the
 * home council, its police partner, the school and GP the report names, agencies already involved), what
 * the reporter gains (this episode only), the found alert to the home council's return interview service
 * with the 72-hour offer, and repeat missing raising the strategy-discussion duty.
 */
@QuarkusTest
class MissingFromHomeTest {

    static final String RHI = "vcs:1234567";
    static WebhookReceiver receiver;
    static final Map<String, String> secrets = new LinkedHashMap<>();

    @Inject
    GatewayClock clock;
    @Inject
    Escalator escalator;
    @Inject
    ReturnInterviewClock interviews;

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
        for (String agency : List.of(PLACING, HOME_POLICE, SCHOOL, HOME_HEALTH, RHI)) {
            secrets.put(agency, AlertFixtures.subscribe(receiver, agency));
        }
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static String policeId() {
        return "MET-" + UUID.randomUUID();
    }

    static Map<String, Object> report(String system, String value, Instant since) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("child", Map.of("system", system, "value", value));
        body.put("homeCouncil", PLACING);
        body.put("school", "100000");
        body.put("gp", HOME_HEALTH);
        if (since != null) {
            body.put("missingSince", since.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        body.put("circumstances", "Did not come home after school; phone off");
        body.put("lastSeenLocation", "Whitechapel station");
        return body;
    }

    static ExtractableResponse<Response> reportMissing(String agency, Map<String, Object> body) {
        return Api.practitioner(agency, "MISSING-RESPONSE").body(body).when().post("/api/v1/missing-episodes").then().extract();
    }

    static ExtractableResponse<Response> found(String agency, String episode) {
        return Api.practitioner(agency, "MISSING-RESPONSE").body(Map.of("locationFound", "A flat in Stratford"))
                .when().post("/api/v1/missing-episodes/" + episode + "/found").then().extract();
    }

    private static JsonObject delivered(String agency, UUID childId, String event) throws Exception {
        WebhookReceiver.Delivery d = await().atMost(Duration.ofSeconds(15)).until(() -> forChild(receiver.deliveriesFor(agency),
                childId).stream().filter(x -> x.json().getString("type").equals(event)).findFirst().orElse(null), x -> x != null);
        verify(secrets.get(agency), d);
        return d.json().getJsonObject("data");
    }

    @Test
    void aChildKnownOnlyByAPoliceIdReportedMissingByThePoliceReachesTheHomeCouncilSchoolAndGp() throws Exception {
        ExtractableResponse<Response> r = reportMissing(HOME_POLICE, report(Api.POLICE_ID, policeId(), null));
        assertEquals(201, r.statusCode(), r.asString());
        UUID childId = UUID.fromString(r.path("childId"));
        String episode = r.path("id");
        // The force is the home council's police partner, but reporting gives it nothing about the child.
        assertEquals(List.of(PLACING, SCHOOL, HOME_HEALTH), (Object) r.path("recipients"));

        JsonObject council = delivered(PLACING, childId, "child-missing");
        assertEquals("missing-from-care@1.0.0#missing-notify", council.getString("dutyRef"));
        assertEquals(Instant.parse(council.getString("occurredAt")).plus(Duration.ofMinutes(15)),
                Instant.parse(council.getString("deadline")));
        assertEquals("Whitechapel station", council.getJsonObject("data").getJsonObject("missing").getString("lastSeenLocation"));
        JsonObject school = delivered(SCHOOL, childId, "child-missing");
        assertEquals("missing-from-care@1.0.0#missing-school-notify", school.getString("dutyRef"));
        assertEquals(Instant.parse(school.getString("occurredAt")).plus(Duration.ofMinutes(60)),
                Instant.parse(school.getString("deadline")));
        assertEquals(List.of("missing-from-care@1.0.0#missing-alert-school-health"), school.getJsonArray("sharedUnder").getList());
        delivered(HOME_HEALTH, childId, "child-missing");
        assertEquals(0, alertsFor(childId, HOME_POLICE, "child-missing"), "the reporter is not told of its own report");

        // Provenance: the reporter holds its own episode only; the council is routed; school and GP named.
        assertEquals(List.of(Map.of("kind", "missing-reporter", "scope", "own-record", "source_id", UUID.fromString(episode))),
                Db.query("SELECT kind, scope, source_id FROM relationship WHERE child_id = ? AND agency_id = ?", childId, HOME_POLICE));
        assertEquals("confirmed", Db.query("SELECT standing FROM relationship WHERE child_id = ? AND agency_id = ? AND kind = 'home-council'",
                childId, PLACING).get(0).get("standing"));
        assertEquals(1, Db.count("""
                SELECT count(*) FROM audit_event WHERE action = 'missing.report-from-home' AND child_id = ? AND actor_agency = ?
                  AND decision = 'PERMIT' AND outcome = 201""", childId, HOME_POLICE));

        // A second report while she is missing joins the episode.
        ExtractableResponse<Response> again = reportMissing(PROVIDER, report(Api.POLICE_ID, Db.query(
                "SELECT value FROM child_identifier WHERE child_id = ?", childId).get(0).get("value").toString(), null));
        assertEquals(201, again.statusCode(), again.asString());
        assertEquals(1, Db.count("SELECT count(*) FROM missing_episode WHERE child_id = ?", childId));
        // The joining reporter gets an id for its own report, never the episode another agency opened:
        // it cannot close it (which would withdraw the Philomena profile from the police mid-search).
        String joined = again.path("id");
        org.junit.jupiter.api.Assertions.assertNotEquals(episode, joined);
        assertEquals(404, found(PROVIDER, episode).statusCode());
        assertEquals(404, found(PROVIDER, joined).statusCode());
    }

    @Test
    void theReporterGainsThisEpisodeOnlyAndNamingRecipientsGrantsItNothing() {
        // A child the gateway already knows: police:met referred her to Tower Hamlets.
        String nhs = uk.safeguarding.gateway.referral.Fixtures.nhsNumber();
        String referral = Api.practitioner(HOME_POLICE, "SAFEGUARDING").body(Api.policeReferral(Api.NHS, nhs))
                .when().post("/api/v1/referrals").then().statusCode(201).extract().path("id");
        UUID childId = UUID.fromString(Api.practitioner(PLACING, "SAFEGUARDING").when().get("/api/v1/referrals/" + referral)
                .then().statusCode(200).extract().path("childId"));
        String reporter = HOST_POLICE;
        ExtractableResponse<Response> beforeReferral = Api.practitioner(reporter, "SAFEGUARDING").when()
                .get("/api/v1/referrals/" + referral).then().extract();
        ExtractableResponse<Response> beforeInvolvement = Api.practitioner(reporter, "MISSING-RESPONSE").when()
                .get("/api/v1/children/" + childId + "/involvement").then().extract();

        // Same answer for a known child and for one never seen (no oracle).
        ExtractableResponse<Response> known = reportMissing(reporter, report(Api.NHS, nhs, null));
        ExtractableResponse<Response> unknown = reportMissing(reporter, report(Api.NHS,
                uk.safeguarding.gateway.referral.Fixtures.nhsNumber(), null));
        assertEquals(201, known.statusCode(), known.asString());
        assertEquals(Api.shape(unknown), Api.shape(known));
        assertEquals((Object) unknown.path("recipients"), known.path("recipients"), "agencies already involved are not listed");
        assertEquals(childId.toString(), known.path("childId"));

        // Nothing older becomes visible: the earlier referral and the child's involvement answer as before.
        ExtractableResponse<Response> afterReferral = Api.practitioner(reporter, "SAFEGUARDING").when()
                .get("/api/v1/referrals/" + referral).then().extract();
        assertEquals(404, afterReferral.statusCode());
        assertEquals(Api.shape(beforeReferral), Api.shape(afterReferral));
        assertEquals(Api.shape(beforeInvolvement), Api.shape(Api.practitioner(reporter, "MISSING-RESPONSE").when()
                .get("/api/v1/children/" + childId + "/involvement").then().extract()));
        assertEquals(404, Api.practitioner(reporter, "MISSING-RESPONSE").when().get("/api/v1/children/" + childId + "/risk-assessments")
                .then().extract().statusCode());
        // Naming the school and GP gave the reporter no other kind, and the named agencies' standing follows
        // the reporter's own: asserted, for new records only.
        assertEquals(List.of("missing-reporter"), Db.query("SELECT DISTINCT kind FROM relationship WHERE child_id = ? AND agency_id = ?",
                childId, reporter).stream().map(m -> m.get("kind")).toList());
        assertEquals("asserted", Db.query("SELECT standing FROM relationship WHERE child_id = ? AND agency_id = ? AND kind = 'school'",
                childId, SCHOOL).get(0).get("standing"));
        // The police partner of the MASH that had the referral is told as an agency already involved.
        assertEquals(1, alertsFor(childId, HOME_POLICE, "child-missing"));
        // But another force that is not the reporter cannot report the episode found (404, as a random id).
        String episode = known.path("id");
        ExtractableResponse<Response> stranger = found(PROVIDER, episode);
        ExtractableResponse<Response> random = found(PROVIDER, UUID.randomUUID().toString());
        assertEquals(404, stranger.statusCode(), stranger.asString());
        assertEquals(Api.shape(random), Api.shape(stranger));

        // The reporter chooses the home council: naming another one for a child the gateway knew gives that
        // council this episode and what follows (asserted), never the earlier referral.
        Map<String, Object> elsewhere = report(Api.NHS, nhs, null);
        elsewhere.put("homeCouncil", HOST_COUNCIL);
        assertEquals(201, reportMissing(reporter, elsewhere).statusCode());
        assertEquals(List.of("asserted"), Db.query("""
                SELECT DISTINCT standing FROM relationship WHERE child_id = ? AND agency_id = ? AND kind = 'home-council'""",
                childId, HOST_COUNCIL).stream().map(m -> m.get("standing")).toList());
        assertEquals(404, Api.practitioner(HOST_COUNCIL, "SAFEGUARDING").when().get("/api/v1/referrals/" + referral)
                .then().extract().statusCode());
    }

    @Test
    void foundStartsTheSeventyTwoHourOfferThroughTheHomeCouncilsReturnInterviewService() throws Exception {
        ExtractableResponse<Response> r = reportMissing(HOME_POLICE, report(Api.POLICE_ID, policeId(), null));
        UUID childId = UUID.fromString(r.path("childId"));
        ExtractableResponse<Response> f = found(HOME_POLICE, r.path("id"));
        assertEquals(200, f.statusCode(), f.asString());
        Instant foundAt = Instant.parse(f.path("foundAt"));
        assertEquals(foundAt.plus(Duration.ofHours(72)), Instant.parse(f.path("rhiDueAt")));
        JsonObject rhi = delivered(RHI, childId, "child-found");
        assertEquals("missing-from-care@1.0.0#rhi-offer", rhi.getString("dutyRef"));
        assertEquals(f.path("rhiDueAt").toString(), rhi.getString("deadline"));
        assertEquals(List.of("missing-from-care@1.0.0#rhi-found-alert"), rhi.getJsonArray("sharedUnder").getList());
        delivered(PLACING, childId, "child-found");
        delivered(SCHOOL, childId, "child-found");
        assertEquals("confirmed", Db.query("SELECT standing FROM relationship WHERE child_id = ? AND agency_id = ? AND kind = 'rhi-service'",
                childId, RHI).get(0).get("standing"));
        // The clock runs for a child not in care as for one in care: overdue at 72 hours, to the home council.
        clock.advance(Duration.ofHours(73));
        interviews.escalateOverdue();
        assertEquals(1, alertsFor(childId, PLACING, "return-home-interview-due"));
    }

    @Test
    void aThirdEpisodeInNinetyDaysRaisesTheStrategyDiscussionDutyOnceWithEscalation() throws Exception {
        String id = policeId();
        Instant now = Instant.now();
        UUID childId = null;
        for (Instant since : List.of(now.minus(Duration.ofDays(200)), now.minus(Duration.ofDays(80)), now.minus(Duration.ofDays(40)))) {
            ExtractableResponse<Response> r = reportMissing(HOME_POLICE, report(Api.POLICE_ID, id, since));
            assertEquals(201, r.statusCode(), r.asString());
            childId = UUID.fromString(r.path("childId"));
            assertEquals(200, found(HOME_POLICE, r.path("id")).statusCode());
        }
        assertEquals(0, alertsFor(childId, PLACING, "repeat-missing"), "three episodes, but never three within 90 days");
        ExtractableResponse<Response> third = reportMissing(HOME_POLICE, report(Api.POLICE_ID, id, null));
        assertEquals(201, third.statusCode());
        assertFalse(third.asString().contains("repeat"), "the reporter's answer says nothing of earlier episodes");
        JsonObject duty = delivered(PLACING, childId, "repeat-missing");
        assertEquals("missing-from-care@1.0.0#repeat-missing-strategy", duty.getString("dutyRef"));
        assertEquals("1 working day", duty.getString("deadlineRule"));
        assertEquals(3, duty.getJsonObject("data").getJsonObject("missing").getInteger("episodes"));
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE action = 'missing.repeat' AND child_id = ?", childId));
        assertEquals(200, found(HOME_POLICE, third.path("id")).statusCode());
        reportMissing(HOME_POLICE, report(Api.POLICE_ID, id, null));
        assertEquals(1, alertsFor(childId, PLACING, "repeat-missing"), "once per window");
        // Not acknowledged by the end of the next working day: escalated to the home council's supervisors.
        clock.advance(Duration.ofDays(5));
        uk.safeguarding.gateway.alert.AlertFixtures.escalateAllDue(escalator);
        assertTrue(Db.count("""
                SELECT count(*) FROM alert e JOIN alert o ON o.id::text = e.resource_id
                WHERE e.event = 'alert-escalated' AND o.event = 'repeat-missing' AND e.child_id = ?""", childId) >= 1);
    }

    @Test
    void aLookedAfterChildsSchoolAndVirtualSchoolHeadAreToldOfAMissingEpisode() throws Exception {
        UUID childId = placedChild();
        ExtractableResponse<Response> r = Api.as(PROVIDER, "staff-1", "MISSING-RESPONSE", "provider")
                .body(Map.of("circumstances", "did not return")).when().post("/api/v1/children/" + childId + "/missing-episodes")
                .then().extract();
        assertEquals(201, r.statusCode(), r.asString());
        JsonObject school = delivered(SCHOOL, childId, "child-missing");
        assertNull(school.getJsonObject("data").getValue("placement"), "the school is not sent the placement");
        assertNull(school.getJsonObject("data").getValue("risk"));
        JsonObject vsh = delivered(PLACING, childId, "child-missing");
        assertTrue(vsh.getJsonArray("recipientRoles").getList().contains("virtual-school-head"), vsh.encode());
        assertNotNull(vsh.getJsonObject("data").getValue("placement"));
    }

    @Test
    void badReportsAreRefusedNamingTheFieldAndStoreNothing() {
        String id = policeId();
        Map<String, Object> noCouncil = report(Api.POLICE_ID, id, null);
        noCouncil.put("homeCouncil", "la:E00000001");
        reportMissing(HOME_POLICE, noCouncil).response().then().statusCode(400)
                .body("code", org.hamcrest.Matchers.equalTo("UNKNOWN_HOME_COUNCIL"));
        Map<String, Object> badSchool = report(Api.POLICE_ID, id, null);
        badSchool.put("school", "nhs:RQX");
        reportMissing(HOME_POLICE, badSchool).response().then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("/school"));
        Map<String, Object> noChild = report(Api.POLICE_ID, id, null);
        noChild.remove("child");
        reportMissing(HOME_POLICE, noChild).response().then().statusCode(400);
        Map<String, Object> future = report(Api.POLICE_ID, id, Instant.now().plus(Duration.ofDays(1)));
        reportMissing(HOME_POLICE, future).response().then().statusCode(400);
        // A DPO is not a reporter: refused by the protocol before anything is looked up.
        Api.as(HOME_POLICE, "dpo-1", "MISSING-RESPONSE", "dpo").body(report(Api.POLICE_ID, id, null))
                .when().post("/api/v1/missing-episodes").then().statusCode(403);
        assertEquals(0, Db.count("SELECT count(*) FROM child_identifier WHERE value = ?", id));
    }
}
