package uk.safeguarding.gateway.security;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.support.Api.as;
import static uk.safeguarding.gateway.support.Api.practitioner;
import static uk.safeguarding.gateway.support.Api.shape;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.alert.AlertFixtures;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.protocol.engine.Actor;
import uk.safeguarding.protocol.engine.DecisionRequest;

/**
 * The rest of issue 20's attacks, each through the public API with real objects of other agencies: a
 * referrer reading beyond its own referral, consent recorded over another agency's, a stranger
 * probing a real risk assessment, the Philomena profile released on a police report alone, risk
 * history to providers and schools, alert payloads to DPOs and administrators, and a decision that
 * names no source.
 */
@QuarkusTest
class ProvenanceAttackTest {

    static final String MASH = "la:E09000030";
    static final String MET = "police:met";
    static final String SCHOOL = "school:100000";
    static final String LANCASHIRE_COUNCIL = "la:E10000017";

    @Inject
    PolicyService policy;

    static String refer(String agency, String body) {
        return practitioner(agency, "SAFEGUARDING").body(body).when().post("/api/v1/referrals").then().statusCode(201)
                .extract().path("id");
    }

    static String schoolReferral(String nhs) {
        return """
                {"requesterAgency": "school:100000", "requesterContact": "dsl@school100000.example", "homeCouncil": "la:E09000030",
                 "child": {"nhsNumber": "%s", "givenName": "Amira", "familyName": "Test", "birthDate": "2011-04-02"},
                 "riskLevel": "medium", "concernCategories": ["child-sexual-exploitation"],
                 "summary": "Older boyfriend collects her at the gates; she has new phones.",
                 "education": "Attendance fell to 60 per cent this term."}
                """.formatted(nhs);
    }

    @Test
    void aReferrerFollowsItsOwnReferralAndReadsNothingElseAboutTheChild() {
        String nhs = Fixtures.nhsNumber();
        String police = refer(MET, Api.policeReferral(Api.NHS, nhs));
        String school = refer(SCHOOL, schoolReferral(nhs));
        practitioner(SCHOOL, "SAFEGUARDING").when().get("/api/v1/referrals/" + school).then().statusCode(200)
                .body("recipients.agency", hasItem(MASH));
        var real = practitioner(SCHOOL, "SAFEGUARDING").when().get("/api/v1/referrals/" + police).then().extract();
        var random = practitioner(SCHOOL, "SAFEGUARDING").when().get("/api/v1/referrals/" + UUID.randomUUID()).then().extract();
        assertEquals(404, real.statusCode());
        assertEquals(shape(random), shape(real));
        practitioner(SCHOOL, "SAFEGUARDING").queryParam("subject.identifier", Api.NHS + "|" + nhs)
                .when().get("/fhir/ServiceRequest").then().statusCode(200).body("total", equalTo(1));
        String childId = Db.query("SELECT child_id FROM referral WHERE id = ?", UUID.fromString(school)).get(0).get("child_id").toString();
        practitioner(SCHOOL, "SAFEGUARDING").when().get("/api/v1/children/" + childId + "/involvement").then().statusCode(404);
        practitioner(SCHOOL, "SAFEGUARDING").when().get("/api/v1/children/" + childId + "/risk-assessments").then().statusCode(404);
    }

    static String consentBody(String nhs, String type) {
        return """
                {"child": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "%s"},
                 "consentedBy": {"type": "child", "basis": "gillick-competent"},
                 "provisions": [{"type": "%s", "categories": ["health"], "recipientAgencyTypes": ["police"], "purposes": ["SAFEGUARDING"]}],
                 "period": {"start": "2020-01-01T00:00:00Z"}}
                """.formatted(nhs, type);
    }

    /** A council referral with a health section: the MASH, its police partner (the Met) and health partner are routed. */
    static String healthReferral(String nhs) {
        return refer(LANCASHIRE_COUNCIL, Fixtures.load("council-health.json", nhs));
    }

    static boolean policeSeesHealth(String referral) {
        return practitioner(MET, "SAFEGUARDING").when().get("/api/v1/referrals/" + referral).then().statusCode(200)
                .extract().jsonPath().getList("permittedCategories").contains("health");
    }

    @Test
    void aConsentThatLoosensAnotherAgencysRefusalWaitsForThatAgencysSupervisor() {
        String nhs = Fixtures.nhsNumber();
        String referral = healthReferral(nhs);
        practitioner(MASH, "SAFEGUARDING").body(consentBody(nhs, "deny")).when().post("/api/v1/consents").then().statusCode(201);
        String permit = practitioner(MET, "SAFEGUARDING").body(consentBody(nhs, "permit")).when().post("/api/v1/consents")
                .then().statusCode(201).body("status", equalTo("PENDING_APPROVAL"))
                .body("awaitingApprovalFrom", equalTo(java.util.List.of(MASH))).extract().path("id");
        assertTrue(!policeSeesHealth(referral), "not in effect before the council's supervisor approves");
        UUID child = UUID.fromString(Db.query("SELECT child_id FROM consent WHERE id = ?", UUID.fromString(permit)).get(0)
                .get("child_id").toString());
        assertEquals(1L, Db.count("SELECT count(*) FROM audit_anomaly WHERE kind = 'CONSENT_LOOSENED' AND child_id = ? "
                + "AND ? = ANY(agencies) AND ? = ANY(agencies)", child, MASH, MET));
        assertEquals(1L, Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND recipient_agency = ? "
                + "AND event = 'consent-approval-requested' AND ack_due_at IS NOT NULL", child, MASH));

        String approval = "/api/v1/consents/" + permit + "/approval";
        as(MASH, "sw-1", "SAFEGUARDING", "practitioner").when().post(approval).then().statusCode(403)
                .body("code", equalTo("CONSENT_APPROVER_NOT_SUPERVISOR"));
        as(MET, "sgt-1", "SAFEGUARDING", "supervisor").when().post(approval).then().statusCode(403)
                .body("code", equalTo("CONSENT_APPROVER_OTHER_AGENCY"));
        as("nhs:QE1", "stranger", "SAFEGUARDING", "supervisor").when().post(approval).then().statusCode(404);
        as(MASH, "tm-1", "SAFEGUARDING", "supervisor").when().post(approval).then().statusCode(200)
                .body("status", equalTo("ACTIVE")).body("awaitingApprovalFrom", nullValue());
        assertTrue(policeSeesHealth(referral), "in effect once approved");
    }

    @Test
    void anotherAgencyWithdrawsAConsentOnlyOnTheChildsWordAndTheRecorderAndBothDposAreTold() {
        String nhs = Fixtures.nhsNumber();
        String referral = healthReferral(nhs);
        String granted = practitioner(MASH, "SAFEGUARDING").body(consentBody(nhs, "permit")).when().post("/api/v1/consents")
                .then().statusCode(201).body("status", equalTo("ACTIVE")).extract().path("id");
        assertTrue(policeSeesHealth(referral));
        practitioner(MET, "SAFEGUARDING").body(Map.of("reason", "Asked us to stop")).when()
                .post("/api/v1/consents/" + granted + "/withdrawal").then().statusCode(400).body("errors[0].field", equalTo("/onWordOf"));
        practitioner(MET, "SAFEGUARDING").body(Map.of("reason", "Told the officer she wants it kept from police", "onWordOf", "child"))
                .when().post("/api/v1/consents/" + granted + "/withdrawal").then().statusCode(200)
                .body("consent.withdrawal.agency", equalTo(MET)).body("consent.withdrawal.onWordOf", equalTo("child"));
        assertTrue(!policeSeesHealth(referral), "a withdrawal takes effect at once");
        UUID child = UUID.fromString(Db.query("SELECT child_id FROM consent WHERE id = ?", UUID.fromString(granted)).get(0)
                .get("child_id").toString());
        assertEquals(1L, Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND recipient_agency = ? AND event = 'consent-changed'",
                child, MASH));
        assertEquals(1L, Db.count("SELECT count(*) FROM audit_anomaly WHERE kind = 'CONSENT_TIGHTENED' AND child_id = ? "
                + "AND ? = ANY(agencies) AND ? = ANY(agencies)", child, MASH, MET));

        // Withdrawing the council's refusal would loosen it: not by withdrawal, only by a record it approves.
        String refusal = practitioner(MASH, "SAFEGUARDING").body(consentBody(nhs, "deny")).when().post("/api/v1/consents")
                .then().statusCode(201).extract().path("id");
        practitioner(MET, "SAFEGUARDING").body(Map.of("onWordOf", "child")).when().post("/api/v1/consents/" + refusal + "/withdrawal")
                .then().statusCode(403).body("code", equalTo("WITHDRAWAL_WOULD_LOOSEN"));
    }

    @Test
    void approvingARealRiskAssessmentOfAnotherAgencysChildAnswersLikeARandomId() {
        UUID child = AlertFixtures.placedChild();
        String assessment = practitioner(MASH, "SAFEGUARDING").body(Map.of("level", "HIGH", "rationale", "Exploiter identified.", "reviewBy", java.time.LocalDate.now().plusMonths(6).toString()))
                .when().post("/api/v1/children/" + child + "/risk-assessments").then().statusCode(201).extract().path("id");
        var real = as("provider:SC654321", "tm-x", "SAFEGUARDING", "supervisor", "provider").when()
                .post("/api/v1/risk-assessments/" + assessment + "/approval").then().extract();
        var random = as("provider:SC654321", "tm-x", "SAFEGUARDING", "supervisor", "provider").when()
                .post("/api/v1/risk-assessments/" + UUID.randomUUID() + "/approval").then().extract();
        assertEquals(404, real.statusCode(), "not 409: whether it awaits approval is state the caller may not see");
        assertEquals(shape(random), shape(real));
        // The child's home health body reads its risk history anyway, so it may be told the state.
        as("nhs:RQX", "tm-h", "SAFEGUARDING", "supervisor").when().post("/api/v1/risk-assessments/" + assessment + "/approval")
                .then().statusCode(409).body("code", equalTo("NOTHING_TO_APPROVE"));
    }

    @Test
    void aPoliceReportAloneDoesNotReleaseThePhilomenaProfile() {
        UUID child = AlertFixtures.placedChild();
        practitioner(MASH, "CARE-PLANNING").body(Map.of("phones", java.util.List.of("07700 900123")))
                .when().put("/api/v1/children/" + child + "/philomena").then().statusCode(201);
        String episode = practitioner("police:lancashire", "MISSING-RESPONSE").body(Map.of("circumstances", "Did not return"))
                .when().post("/api/v1/children/" + child + "/missing-episodes").then().statusCode(201).extract().path("id");
        practitioner("police:lancashire", "MISSING-RESPONSE").when().get("/api/v1/children/" + child + "/philomena")
                .then().statusCode(403).body("code", equalTo("PHILOMENA_NOT_MISSING"));

        // The emergency path: a supervisor of the force approves its officer's override of scope missing.
        String override = as("police:lancashire", "pc-9", "MISSING-RESPONSE", "practitioner")
                .body(Map.of("scope", "missing", "justification", "Seen with the two adults named in the trigger plan an hour ago."))
                .when().post("/api/v1/children/" + child + "/standing-overrides").then().statusCode(201).extract().path("id");
        as("police:lancashire", "sgt-9", "MISSING-RESPONSE", "supervisor").when()
                .post("/api/v1/standing-overrides/" + override + "/approval").then().statusCode(200);
        as("police:lancashire", "pc-9", "MISSING-RESPONSE", "practitioner").when().get("/api/v1/children/" + child + "/philomena")
                .then().statusCode(200).body("profile.phones[0]", equalTo("07700 900123"));

        // Or the provider confirms the child is missing, and the profile is released as the protocol says.
        AlertFixtures.asProvider("provider:SC123456").when().post("/api/v1/missing-episodes/" + episode + "/confirmation")
                .then().statusCode(200);
        practitioner("police:lancashire", "MISSING-RESPONSE").when().get("/api/v1/children/" + child + "/philomena")
                .then().statusCode(200);
        practitioner("police:lancashire", "MISSING-RESPONSE").when().post("/api/v1/missing-episodes/" + episode + "/confirmation")
                .then().statusCode(403).body("code", equalTo("RELATIONSHIP_KIND_REQUIRED"));
    }

    @Test
    void providersAndSchoolsReadTheLevelAndItsSummaryNotTheRationaleOrTheStaff() {
        UUID child = AlertFixtures.placedChild();
        practitioner(MASH, "SAFEGUARDING").body(Map.of("level", "HIGH", "rationale", "Adult associate charged; victim statement.", "reviewBy", java.time.LocalDate.now().plusMonths(6).toString()))
                .when().post("/api/v1/children/" + child + "/risk-assessments").then().statusCode(201);
        AlertFixtures.asProvider("provider:SC123456").when().get("/api/v1/children/" + child + "/risk-assessments")
                .then().statusCode(200).body("level", hasItem("HIGH")).body("assessedByAgency", hasItem(MASH))
                .body("rationale", not(hasItem("Adult associate charged; victim statement.")))
                .body("assessedBy", not(hasItem("pr-" + MASH)));
        practitioner("police:lancashire", "SAFEGUARDING").when().get("/api/v1/children/" + child + "/risk-assessments")
                .then().statusCode(200).body("rationale", hasItem("Adult associate charged; victim statement."));
    }

    @Test
    void aDpoOrAnAdministratorDoesNotReadAlertPayloads() {
        UUID child = AlertFixtures.placedChild();
        String alert = Db.query("SELECT id FROM alert WHERE child_id = ? AND recipient_agency = 'la:E10000017' LIMIT 1", child)
                .get(0).get("id").toString();
        for (String role : java.util.List.of("dpo", "admin")) {
            as(LANCASHIRE_COUNCIL, role + "-1", "SAFEGUARDING", role).when().get("/api/v1/alerts").then().statusCode(403)
                    .body("code", equalTo("ROLE_NOT_PERMITTED"));
            var real = as(LANCASHIRE_COUNCIL, role + "-1", "SAFEGUARDING", role).when().get("/api/v1/alerts/" + alert).then().extract();
            var random = as(LANCASHIRE_COUNCIL, role + "-1", "SAFEGUARDING", role).when().get("/api/v1/alerts/" + UUID.randomUUID())
                    .then().extract();
            assertEquals(403, real.statusCode());
            assertEquals(shape(random), shape(real));
        }
        practitioner(LANCASHIRE_COUNCIL, "SAFEGUARDING").when().get("/api/v1/alerts/" + alert).then().statusCode(200)
                .body("payload.data.identity.childId", equalTo(child.toString()));
    }

    @Test
    void aReadSideDecisionThatNamesNoSourceFailsLoudlyInsteadOfTurningIntoASilentDenial() {
        DecisionRequest unnamed = DecisionRequest.builder(Actor.of(MASH, java.util.Set.of("practitioner"), "sw"))
                .action("read").purpose("SAFEGUARDING").categories("police-intelligence").relationships("referral-recipient")
                .at(Instant.now()).build();
        assertThrows(IllegalStateException.class, () -> policy.decide(unnamed));
    }
}
