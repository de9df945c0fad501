package uk.safeguarding.gateway.child;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.support.Api.as;
import static uk.safeguarding.gateway.support.Api.practitioner;
import static uk.safeguarding.gateway.support.Api.shape;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.Db;

/**
 * Need to know that nobody can manufacture (issue 20, point 1): a council that says it is the placing
 * authority of a child other agencies already know gets, for every record that existed before its
 * claim, exactly what an agency with no relationship gets, until an agency already involved confirms
 * it; the agencies it names get no more than it does; the creating call answers alike whether or not
 * the child was known, for every identifier system; the confirming agency has a duty with a deadline
 * and escalation, and the DPOs of the agencies involved see the attempt.
 */
@QuarkusTest
class StandingTest {

    static final String HOME = "la:E09000030";
    static final String CLAIMANT = "la:E10000017";
    static final String MET = "police:met";
    static final String NAMED_POLICE = "police:lancashire";

    /** A child Tower Hamlets and the Met know: a police referral routed to the MASH, and the MASH's risk assessment. */
    record Known(String system, String value, UUID childId, String referralId, String assessmentId) {
    }

    static Known known(String system) {
        String value = value(system);
        var referral = practitioner(MET, "SAFEGUARDING").body(Api.policeReferral(system, value))
                .when().post("/api/v1/referrals").then().statusCode(201).extract();
        UUID childId = UUID.fromString(referral.path("childId"));
        String assessment = practitioner(HOME, "SAFEGUARDING")
                .body(Map.of("level", "HIGH", "rationale", "Adult males seen collecting her from school; CAWN issued.", "reviewBy", java.time.LocalDate.now().plusMonths(6).toString()))
                .when().post("/api/v1/children/" + childId + "/risk-assessments").then().statusCode(201).extract().path("id");
        return new Known(system, value, childId, referral.path("id"), assessment);
    }

    static String value(String system) {
        return Api.NHS.equals(system) ? Fixtures.nhsNumber() : "ref-" + ThreadLocalRandom.current().nextLong(1_000_000_000L);
    }

    static io.restassured.response.ExtractableResponse<io.restassured.response.Response> claim(String system, String value) {
        return practitioner(CLAIMANT, "CARE-PLANNING").body(Api.placement(system, value))
                .when().post("/api/v1/placements").then().extract();
    }

    /** Every route that reads what existed before the claim, as the claimant; each must answer as to a stranger. */
    static void seesNothingEarlier(String agency, Known k) {
        String random = UUID.randomUUID().toString();
        for (String path : List.of("/api/v1/referrals/%s", "/fhir/ServiceRequest/%s")) {
            var real = practitioner(agency, "SAFEGUARDING").when().get(path.formatted(k.referralId())).then().extract();
            var none = practitioner(agency, "SAFEGUARDING").when().get(path.formatted(random)).then().extract();
            assertEquals(404, real.statusCode(), path);
            assertEquals(shape(none), shape(real), path);
        }
        for (String path : List.of("risk-assessments", "involvement", "philomena", "trigger-plan", "trigger-plan/versions")) {
            practitioner(agency, "SAFEGUARDING").when().get("/api/v1/children/" + k.childId() + "/" + path)
                    .then().statusCode(404);
        }
        practitioner(agency, "SAFEGUARDING").queryParam("subject.identifier", k.system() + "|" + k.value())
                .when().get("/fhir/ServiceRequest").then().statusCode(200).body("total", equalTo(0));
        practitioner(agency, "SAFEGUARDING").queryParam("child", k.system() + "|" + k.value())
                .when().get("/api/v1/consents").then().statusCode(200).body("size()", equalTo(0));
        practitioner(agency, "SAFEGUARDING").body(Map.of("level", "LOW", "rationale", "No concerns at the new placement.", "reviewBy", java.time.LocalDate.now().plusMonths(6).toString()))
                .when().post("/api/v1/children/" + k.childId() + "/risk-assessments").then().statusCode(404);
        var approval = as(agency, "tm-claimant", "SAFEGUARDING", "supervisor")
                .when().post("/api/v1/risk-assessments/" + k.assessmentId() + "/approval").then().extract();
        assertEquals(shape(as(agency, "tm-claimant", "SAFEGUARDING", "supervisor")
                .when().post("/api/v1/risk-assessments/" + random + "/approval").then().extract()), shape(approval));
    }

    @ParameterizedTest
    @ValueSource(strings = {Api.NHS, Api.POLICE_ID, Api.COUNCIL_CASE})
    void aPlacementOfAKnownChildGivesTheClaimantNothingThatExistedBefore(String system) {
        Known k = known(system);
        seesNothingEarlier(CLAIMANT, k);

        var onKnown = claim(system, k.value());
        var onNew = claim(system, value(system));
        assertEquals(201, onKnown.statusCode());
        // No oracle: the answer has the same shape, recipients and categories whether the child was known or not.
        assertEquals(shape(onNew), shape(onKnown));
        assertEquals(onNew.jsonPath().getList("notified.agency"), onKnown.jsonPath().getList("notified.agency"));
        assertEquals(onNew.jsonPath().getList("notified.released"), onKnown.jsonPath().getList("notified.released"));
        assertEquals(k.childId().toString(), onKnown.path("childId"));

        seesNothingEarlier(CLAIMANT, k);
        // The agencies the claimant named get no more than it does.
        seesNothingEarlier(NAMED_POLICE, k);
        // What the claim itself created is the claimant's to follow: its own placement event.
        practitioner(CLAIMANT, "SAFEGUARDING").when().get("/api/v1/case-events/" + onKnown.path("eventId"))
                .then().statusCode(200).body("data.placement.provider", equalTo("provider:SC654321"));

        // The MASH, already involved, is asked to confirm, with a deadline and an escalation; its DPO and the Met's see it.
        String claimId = practitioner(HOME, "SAFEGUARDING").when().get("/api/v1/relationship-claims").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.childId == '" + k.childId() + "' }.id", String.class).get(0);
        var alert = Db.query("SELECT ack_due_at, escalation_target FROM alert WHERE resource_id = ? AND recipient_agency = ?",
                claimId, HOME).get(0);
        assertNotNull(alert.get("ack_due_at"));
        assertEquals(HOME, alert.get("escalation_target"));
        List<Map<String, Object>> flags = Db.query("SELECT array_to_string(agencies, ',') AS agencies FROM audit_anomaly "
                + "WHERE kind = 'ASSERTED_STANDING' AND child_id = ?", k.childId());
        assertEquals(1, flags.size());
        assertTrue(flags.get(0).get("agencies").toString().contains(HOME));
        assertTrue(flags.get(0).get("agencies").toString().contains(MET));
        assertTrue(flags.get(0).get("agencies").toString().contains(CLAIMANT));
        // Provenance: every relationship the placement created names its event, clause and standing.
        for (Map<String, Object> r : Db.query("SELECT event, rule, standing, asserted_by FROM relationship WHERE source_id = ?",
                UUID.fromString(onKnown.path("resourceId")))) {
            assertEquals("placement-planned", r.get("event"));
            assertEquals("asserted", r.get("standing"));
            assertEquals(CLAIMANT, r.get("asserted_by"));
            assertTrue(r.get("rule").toString().startsWith("out-of-area-placement@1.0.0#"), r.toString());
        }
    }

    @Test
    void anInvolvedAgencyConfirmsTheClaimAndTheClaimantAndItsNamedAgenciesThenSeeTheRecord() {
        Known k = known(Api.NHS);
        String placementId = claim(Api.NHS, k.value()).path("resourceId");
        String claimId = claimOf(k);
        practitioner("nhs:QE1", "SAFEGUARDING").body("{}").when().post("/api/v1/relationship-claims/" + claimId + "/confirmation")
                .then().statusCode(404);
        practitioner(CLAIMANT, "SAFEGUARDING").body("{}").when().post("/api/v1/relationship-claims/" + claimId + "/confirmation")
                .then().statusCode(404);
        practitioner(HOME, "SAFEGUARDING").body("{}").when().post("/api/v1/relationship-claims/" + claimId + "/confirmation")
                .then().statusCode(200).body("status", equalTo("CONFIRMED")).body("decidedByAgency", equalTo(HOME));
        practitioner(HOME, "SAFEGUARDING").body("{}").when().post("/api/v1/relationship-claims/" + claimId + "/confirmation")
                .then().statusCode(409).body("code", equalTo("CLAIM_DECIDED"));

        practitioner(CLAIMANT, "CARE-PLANNING").when().get("/api/v1/referrals/" + k.referralId()).then().statusCode(200)
                .body("permittedCategories", hasItem("risk"));
        practitioner(CLAIMANT, "CARE-PLANNING").when().get("/api/v1/children/" + k.childId() + "/risk-assessments")
                .then().statusCode(200).body("level", hasItem("HIGH"));
        practitioner(NAMED_POLICE, "SAFEGUARDING").when().get("/api/v1/referrals/" + k.referralId()).then().statusCode(200);
        assertEquals(0L, Db.count("SELECT count(*) FROM relationship WHERE source_id = ? AND standing <> 'confirmed'",
                UUID.fromString(placementId)));
        // The claimant heard the outcome; the duty of everyone asked is settled.
        assertEquals(1L, Db.count("SELECT count(*) FROM alert WHERE recipient_agency = ? AND event = 'relationship-decided' "
                + "AND child_id = ?", CLAIMANT, k.childId()));
        assertEquals(0L, Db.count("SELECT count(*) FROM alert WHERE resource_id = ? AND status <> 'ACKNOWLEDGED'", claimId));
    }

    @Test
    void aRefusedClaimEndsEveryRelationshipItCreated() {
        Known k = known(Api.NHS);
        String eventId = claim(Api.NHS, k.value()).path("eventId");
        String claimId = claimOf(k);
        practitioner(HOME, "SAFEGUARDING").body("{}").when().post("/api/v1/relationship-claims/" + claimId + "/refusal")
                .then().statusCode(400).body("errors[0].field", equalTo("/reason"));
        practitioner(HOME, "SAFEGUARDING").body(Map.of("reason", "We are her home council and placed her nowhere in Lancashire."))
                .when().post("/api/v1/relationship-claims/" + claimId + "/refusal").then().statusCode(200)
                .body("status", equalTo("REFUSED"));
        // Not even what the claim created stands now.
        practitioner(CLAIMANT, "SAFEGUARDING").when().get("/api/v1/case-events/" + eventId).then().statusCode(404);
        seesNothingEarlier(NAMED_POLICE, k);
        assertEquals(1L, Db.count("SELECT count(*) FROM audit_anomaly WHERE kind = 'STANDING_DECIDED' AND child_id = ? "
                + "AND ? = ANY(agencies)", k.childId(), CLAIMANT));
    }

    @Test
    void anEmergencyStandingOverrideLetsItsRequesterUseTheClaimForADayAndTellsTheInvolvedDpos() {
        Known k = known(Api.NHS);
        claim(Api.NHS, k.value());
        String id = as(CLAIMANT, "sw-claimant", "SAFEGUARDING", "practitioner")
                .body(Map.of("scope", "relationship", "justification", "She did not arrive at the placement and we need her risk history now."))
                .when().post("/api/v1/children/" + k.childId() + "/standing-overrides").then().statusCode(201)
                .body("status", equalTo("PENDING_APPROVAL")).extract().path("id");
        String approve = "/api/v1/standing-overrides/" + id + "/approval";
        as(CLAIMANT, "sw-claimant", "SAFEGUARDING", "practitioner", "supervisor").when().post(approve)
                .then().statusCode(403).body("code", equalTo("OVERRIDE_SELF_APPROVAL"));
        as(CLAIMANT, "sw-other", "SAFEGUARDING", "practitioner").when().post(approve)
                .then().statusCode(403).body("code", equalTo("OVERRIDE_APPROVER_NOT_SUPERVISOR"));
        as(HOME, "tm-home", "SAFEGUARDING", "supervisor").when().post(approve).then().statusCode(404);
        String expires = as(CLAIMANT, "tm-claimant", "SAFEGUARDING", "supervisor").when().post(approve).then()
                .statusCode(200).body("status", equalTo("ACTIVE")).extract().path("expiresAt");
        assertTrue(Instant.parse(expires).isBefore(Instant.now().plus(Duration.ofHours(24)).plusSeconds(5)));

        as(CLAIMANT, "sw-claimant", "SAFEGUARDING", "practitioner").when()
                .get("/api/v1/children/" + k.childId() + "/risk-assessments").then().statusCode(200);
        as(CLAIMANT, "sw-other", "SAFEGUARDING", "practitioner").when()
                .get("/api/v1/children/" + k.childId() + "/risk-assessments").then().statusCode(404);
        assertEquals(1L, Db.count("SELECT count(*) FROM audit_anomaly WHERE kind = 'STANDING_OVERRIDE' AND child_id = ? "
                + "AND ? = ANY(agencies) AND ? = ANY(agencies)", k.childId(), HOME, MET));
        // What it names meanwhile stands with its claim, not with the override (which lasts a day).
        as(CLAIMANT, "sw-claimant", "SAFEGUARDING", "practitioner")
                .body(Map.of("arrival", Instant.now().plus(Duration.ofDays(2)).toString(), "homeSchool", "school:100000",
                        "homePolice", MET))
                .when().post("/api/v1/children/" + k.childId() + "/returns").then().statusCode(201);
        assertEquals(List.of("asserted"), Db.query("SELECT DISTINCT standing FROM relationship WHERE child_id = ? "
                + "AND source_type = 'return-home' AND claim_id IS NOT NULL", k.childId()).stream()
                .map(r -> r.get("standing")).toList());
    }

    @Test
    void anUnconfirmedPlacementDoesNotRedirectTheAlertsOfOtherAgenciesEvents() {
        String nhs = Fixtures.nhsNumber();
        Map<String, Object> real = new java.util.LinkedHashMap<>(Api.placement(Api.NHS, nhs));
        real.put("provider", "provider:SC123456");
        real.put("hostCouncil", HOME);
        UUID child = UUID.fromString(practitioner(HOME, "CARE-PLANNING").body(real).when().post("/api/v1/placements")
                .then().statusCode(201).extract().path("childId"));
        claim(Api.NHS, nhs);
        as("provider:SC123456", "staff-1", "MISSING-RESPONSE", "provider").body(Map.of("circumstances", "Did not return"))
                .when().post("/api/v1/children/" + child + "/missing-episodes").then().statusCode(201);
        assertEquals(0L, Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND recipient_agency = ? AND event = 'child-missing'",
                child, CLAIMANT), "the claimant's own placement is not the child's current one");
        assertEquals(1L, Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND recipient_agency = ? AND event = 'child-missing'",
                child, HOME));
    }

    @Test
    void theHomeCouncilPlacingItsOwnKnownChildNeedsNoConfirmation() {
        Known k = known(Api.NHS);
        practitioner(HOME, "CARE-PLANNING").body(Api.placement(Api.NHS, k.value())).when().post("/api/v1/placements")
                .then().statusCode(201);
        assertEquals(0L, Db.count("SELECT count(*) FROM relationship_claim WHERE child_id = ?", k.childId()));
        assertEquals(0L, Db.count("SELECT count(*) FROM relationship WHERE child_id = ? AND standing <> 'confirmed' "
                + "AND scope = 'child'", k.childId()));
    }

    @Test
    void aCouncilCannotClaimWhatItsAgencyTypeMayNotAssert() {
        practitioner(MET, "CARE-PLANNING").body(Api.placement(Api.NHS, Fixtures.nhsNumber())).when().post("/api/v1/placements")
                .then().statusCode(403).body("code", equalTo("STANDING_NOT_ASSERTABLE"));
    }

    static String claimOf(Known k) {
        return Db.query("SELECT id FROM relationship_claim WHERE child_id = ?", k.childId()).get(0).get("id").toString();
    }
}
