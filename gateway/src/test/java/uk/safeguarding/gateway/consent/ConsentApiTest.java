package uk.safeguarding.gateway.consent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Consent and overrides through the JSON API, on a referral from Lancashire about a child of Tower
 * Hamlets: the MASH (la:E09000030) records consent, its police partner (police:met) reads the health
 * section only with consent or on an override, and the DPO sees what happened.
 */
@QuarkusTest
class ConsentApiTest {

    static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    static final String MASH = "la:E09000030";
    static final String POLICE = "police:met";
    static final String JUSTIFICATION = "Asking her mother would alert the adult exploiting her; the clinic dates are needed today.";

    private String nhsNumber;
    private String referralId;
    private String childId;
    private final String officer = "pc-" + UUID.randomUUID();

    static RequestSpecification as(String agency, String subject, String purpose, String... roles) {
        return given().auth().oauth2(TestTokens.forAgency(agency).roles(roles).subject(subject).sign())
                .header("Purpose-Of-Use", purpose);
    }

    static RequestSpecification mash() {
        return as(MASH, "sw-" + UUID.randomUUID(), "SAFEGUARDING", "practitioner");
    }

    static String consent(String nhsNumber, String type, String agencyType, String category, String purpose) {
        return """
                {"child": {"system": "%s", "value": "%s"},
                 "consentedBy": {"type": "child", "basis": "gillick-competent"},
                 "provisions": [{"type": "%s", "categories": ["%s"], "recipientAgencyTypes": ["%s"], "purposes": ["%s"]}],
                 "period": {"start": "2020-01-01T00:00:00Z"}}
                """.formatted(NHS, nhsNumber, type, category, agencyType, purpose);
    }

    static String refer(String nhsNumber) {
        return as("la:E10000017", "lcc-sw", "SAFEGUARDING", "practitioner").contentType(ContentType.JSON)
                .body(Fixtures.load("council-health.json", nhsNumber))
                .when().post("/api/v1/referrals").then().statusCode(201).extract().path("id");
    }

    @BeforeEach
    void referral() {
        nhsNumber = Fixtures.nhsNumber();
        referralId = refer(nhsNumber);
        childId = Db.query("SELECT child_id FROM referral WHERE id = ?", UUID.fromString(referralId)).get(0).get("child_id").toString();
    }

    private JsonPath policeRead(String requestId) {
        return as(POLICE, officer, "SAFEGUARDING", "practitioner").header("X-Request-Id", requestId)
                .when().get("/api/v1/referrals/" + referralId).then().statusCode(200).extract().jsonPath();
    }

    private String record(String body) {
        return mash().contentType(ContentType.JSON).body(body).when().post("/api/v1/consents")
                .then().statusCode(201).extract().path("id");
    }

    private io.restassured.response.ValidatableResponse requestOverride(String subject, String body, String... roles) {
        return as(POLICE, subject, "SAFEGUARDING", roles.length == 0 ? new String[] {"practitioner"} : roles)
                .contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/children/" + childId + "/consent-overrides").then();
    }

    private static String overrideBody(String justification, String basis) {
        return "{\"categories\":[\"health\"],\"justification\":" + (justification == null ? "null" : "\"" + justification + "\"")
                + ",\"lawfulBasis\":\"" + basis + "\"}";
    }

    @Test
    void consentIsRecordedReadSearchedAndValidated() {
        String id = record(consent(nhsNumber, "permit", "police", "health", "SAFEGUARDING"));
        mash().when().get("/api/v1/consents/" + id).then().statusCode(200)
                .body("status", equalTo("ACTIVE")).body("consentedBy.basis", equalTo("gillick-competent"))
                .body("provisions[0].recipientAgencyTypes[0]", equalTo("police")).body("recorded.agency", equalTo(MASH));
        mash().queryParam("child", NHS + "|" + nhsNumber).when().get("/api/v1/consents").then().statusCode(200)
                .body("id", hasItem(id));
        // An agency with no relationship with the child: the consent does not exist for it.
        as("provider:SC654321", "outsider", "SAFEGUARDING", "provider").when().get("/api/v1/consents/" + id)
                .then().statusCode(404);
        as("provider:SC654321", "outsider", "SAFEGUARDING", "provider").queryParam("child", NHS + "|" + nhsNumber)
                .when().get("/api/v1/consents").then().statusCode(200).body("size()", equalTo(0));

        String invalid = """
                {"child": {"system": "%s", "value": "%s"},
                 "consentedBy": {"type": "child", "basis": "birth-mother"},
                 "provisions": [{"type": "allow", "categories": ["diary"], "recipientAgencyTypes": ["press"], "purposes": ["MARKETING"]}],
                 "period": {"start": "2030-01-01T00:00:00Z", "end": "2029-01-01T00:00:00Z"}}
                """.formatted(NHS, nhsNumber);
        JsonPath problem = mash().contentType(ContentType.JSON).body(invalid).when().post("/api/v1/consents")
                .then().statusCode(400).contentType("application/problem+json").extract().jsonPath();
        assertEquals("CONSENT_INVALID", problem.getString("code"));
        Map<String, String> rules = new java.util.TreeMap<>();
        problem.getList("errors", Map.class).forEach(e -> rules.put((String) e.get("field"), (String) e.get("rule")));
        assertEquals(Map.of("/consentedBy/basis", "CONSENT_BASIS", "/provisions/0/type", "PROVISION_TYPE",
                "/provisions/0/categories/0", "UNKNOWN_CATEGORY", "/provisions/0/recipientAgencyTypes/0", "UNKNOWN_AGENCY_TYPE",
                "/provisions/0/purposes/0", "UNKNOWN_PURPOSE", "/period/end", "PERIOD_ORDER"), rules);
        // A child nobody has referred is not known, so nobody can record its consent.
        mash().contentType(ContentType.JSON).body(consent(Fixtures.nhsNumber(), "permit", "police", "health", "SAFEGUARDING"))
                .when().post("/api/v1/consents").then().statusCode(404);
    }

    @Test
    void consentReleasesHealthAndWithdrawalStopsItAtOnceListingWhatWasShared() {
        assertTrue(policeRead("c-before-" + UUID.randomUUID()).getList("redactedCategories").contains("health"),
                "no consent: the police partner does not see health");
        String consentId = record(consent(nhsNumber, "permit", "police", "health", "SAFEGUARDING"));

        String readId = "c-granted-" + UUID.randomUUID();
        JsonPath granted = policeRead(readId);
        assertTrue(granted.getList("permittedCategories").contains("health"), "consent granted: health released");
        assertEquals("Attended the sexual health clinic twice this month.", granted.getString("referral.health"));
        String basis = (String) Db.query("SELECT lawful_basis FROM audit_event WHERE request_id = ?", readId).get(0).get("lawful_basis");
        assertTrue(basis.contains("consent"), "the read is recorded as made on consent: " + basis);

        // Routing carries the consent too: a new referral routes health to the police partner.
        String second = refer(nhsNumber);
        List<Map<String, Object>> routed = Db.query("SELECT categories::text AS c FROM referral_recipient WHERE referral_id = ? AND agency_id = ?",
                UUID.fromString(second), POLICE);
        assertTrue(routed.get(0).get("c").toString().contains("health"), "routing with consent: " + routed);

        JsonPath withdrawn = mash().contentType(ContentType.JSON).body("{\"reason\":\"The child withdrew consent at review\"}")
                .when().post("/api/v1/consents/" + consentId + "/withdrawal").then().statusCode(200).extract().jsonPath();
        assertEquals("WITHDRAWN", withdrawn.getString("consent.status"));
        assertTrue(withdrawn.getList("priorDisclosures.agency").contains(POLICE), "the police read is listed");
        assertTrue(withdrawn.getList("priorDisclosures.categories.flatten()").contains("health"));
        assertTrue(withdrawn.getList("priorDisclosures.categories.flatten()").stream().allMatch("health"::equals),
                "only what the consent covered is listed: " + withdrawn.getList("priorDisclosures"));
        mash().contentType(ContentType.JSON).body("{}").when().post("/api/v1/consents/" + consentId + "/withdrawal")
                .then().statusCode(409).body("code", equalTo("ALREADY_WITHDRAWN"));

        JsonPath after = policeRead("c-after-" + UUID.randomUUID());
        assertTrue(after.getList("redactedCategories").contains("health"), "withdrawn: health withheld at once");
        assertNull(after.getString("referral.health"));
        String third = refer(nhsNumber);
        assertTrue(!Db.query("SELECT categories::text AS c FROM referral_recipient WHERE referral_id = ? AND agency_id = ?",
                UUID.fromString(third), POLICE).get(0).get("c").toString().contains("health"), "withdrawn: not routed either");

        // The DPO's list of what was shared under the consent.
        given().auth().oauth2(TestTokens.forAgency(MASH).roles("dpo").subject("dpo-1").sign()).header("Purpose-Of-Use", "DPO-REVIEW")
                .when().get("/api/v1/audit/consents/" + consentId + "/disclosures").then().statusCode(200)
                .body("consent.status", equalTo("WITHDRAWN")).body("disclosures.agency", hasItem(POLICE));
    }

    @Test
    void aRuleThatRequiresConsentIsNeverOverridden() throws Exception {
        Db.update("INSERT INTO relationship (child_id, agency_id, kind, source_type, source_id) VALUES (?, ?, 'provider', 'test', ?)",
                UUID.fromString(childId), "provider:SC123456", UUID.randomUUID());
        RequestSpecification provider = as("provider:SC123456", "carer-1", "CARE-PLANNING", "provider");
        provider.when().get("/api/v1/referrals/" + referralId).then().statusCode(200)
                .body("redactedCategories", hasItem("health")).body("permittedCategories", hasItem("placement"));
        String consentId = record(consent(nhsNumber, "permit", "provider", "health", "CARE-PLANNING"));
        as("provider:SC123456", "carer-1", "CARE-PLANNING", "provider").when().get("/api/v1/referrals/" + referralId)
                .then().statusCode(200).body("permittedCategories", hasItem("health"));
        mash().contentType(ContentType.JSON).body("{}").when().post("/api/v1/consents/" + consentId + "/withdrawal")
                .then().statusCode(200);
        as("provider:SC123456", "carer-1", "CARE-PLANNING", "provider").when().get("/api/v1/referrals/" + referralId)
                .then().statusCode(200).body("redactedCategories", hasItem("health"))
                .body("permittedCategories", not(hasItem("health")));
        as("provider:SC123456", "carer-1", "CARE-PLANNING", "provider").contentType(ContentType.JSON)
                .body(overrideBody(JUSTIFICATION, "ukgdpr-9-2-g+dpa-sch1-p18"))
                .when().post("/api/v1/children/" + childId + "/consent-overrides").then().statusCode(403)
                .body("code", equalTo("CONSENT_REQUIRED"));
    }

    @Test
    void anOverrideNeedsAJustificationAndANonConsentBasis() {
        requestOverride(officer, overrideBody(null, "dpa-sch8-p4")).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("/justification")).body("errors.rule", hasItem("OVERRIDE_JUSTIFICATION_REQUIRED"));
        requestOverride(officer, overrideBody("urgent", "dpa-sch8-p4")).statusCode(400)
                .body("errors.rule", hasItem("OVERRIDE_JUSTIFICATION_REQUIRED"));
        requestOverride(officer, overrideBody(JUSTIFICATION, "consent")).statusCode(400)
                .body("errors.field", hasItem("/lawfulBasis")).body("errors.rule", hasItem("OVERRIDE_LAWFUL_BASIS_INVALID"));
        requestOverride(officer, overrideBody(JUSTIFICATION, "ukgdpr-6-1-e")).statusCode(400)
                .body("errors.field", hasItem("/lawfulBasis"));
        assertEquals(0, Db.count("SELECT count(*) FROM consent_override WHERE child_id = ?", UUID.fromString(childId)));
        // An agency with no relationship with the child cannot even learn that it exists.
        as("provider:SC654321", "outsider", "SAFEGUARDING", "provider").contentType(ContentType.JSON)
                .body(overrideBody(JUSTIFICATION, "dpa-sch8-p4"))
                .when().post("/api/v1/children/" + childId + "/consent-overrides").then().statusCode(404);
    }

    @Test
    void sharingWithoutConsentIsImmediateJustifiedAuditedAndOnTheDposList() {
        String id = requestOverride(officer, overrideBody(JUSTIFICATION, "dpa-sch8-p4")).statusCode(201)
                .body("status", equalTo("ACTIVE")).body("approvalRequired", equalTo(false))
                .body("consentStates.health", equalTo("not-sought")).extract().path("id");
        String readId = "ovr-read-" + UUID.randomUUID();
        JsonPath read = policeRead(readId);
        assertTrue(read.getList("permittedCategories").contains("health"), "the override releases health");
        Map<String, Object> event = Db.query("SELECT override_justification, override_approver, reasons::text AS reasons, lawful_basis "
                + "FROM audit_event WHERE request_id = ?", readId).get(0);
        assertEquals(JUSTIFICATION, event.get("override_justification"));
        assertNull(event.get("override_approver"));
        assertTrue(event.get("reasons").toString().contains("consent-override:" + id), event.toString());
        assertTrue(event.get("lawful_basis").toString().contains("dpa-sch8-p4"), event.toString());
        // In the child's chronology of the requester's agency only (as the override's read), without its justification.
        String chronology = "/api/v1/children/" + childId + "/chronology?kind=consent-override";
        JsonPath own = as(POLICE, officer, "SAFEGUARDING", "practitioner").when().get(chronology).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(id), own.getList("entries.recordId"));
        assertEquals(List.of("REQUESTED"), own.getList("entries.code"));
        assertEquals(List.of(List.of("health")), own.getList("entries.details.categories"));
        assertTrue(!own.prettify().contains(JUSTIFICATION));
        mash().when().get(chronology).then().statusCode(200).body("entries", org.hamcrest.Matchers.empty());
        // Another officer of the same force cannot use it: the justification is the requester's.
        as(POLICE, "pc-other", "SAFEGUARDING", "practitioner").when().get("/api/v1/referrals/" + referralId).then()
                .statusCode(200).body("redactedCategories", hasItem("health"));

        // On the review list of the DPO whose council's information the override released (Lancashire
        // referred), not of a council that neither asked for it nor contributed what it released.
        String referrer = "la:E10000017";
        RequestSpecification dpo = given().auth().oauth2(TestTokens.forAgency(referrer).roles("dpo").subject("dpo-2").sign())
                .header("Purpose-Of-Use", "DPO-REVIEW");
        dpo.when().get("/api/v1/audit/consent-overrides").then().statusCode(200).body("id", hasItem(id));
        given().auth().oauth2(TestTokens.forAgency(MASH).roles("dpo").subject("dpo-3").sign()).header("Purpose-Of-Use", "DPO-REVIEW")
                .when().get("/api/v1/audit/consent-overrides").then().statusCode(200).body("id", not(hasItem(id)));
        given().auth().oauth2(TestTokens.forAgency(referrer).roles("dpo").subject("dpo-2").sign()).header("Purpose-Of-Use", "DPO-REVIEW")
                .when().get("/api/v1/audit/children/" + childId + "/disclosures").then().statusCode(200)
                .body("disclosures.findAll { it.override != null }.recipient.agency", hasItem(POLICE));
        given().auth().oauth2(TestTokens.forAgency(referrer).roles("dpo").subject("dpo-2").sign()).header("Purpose-Of-Use", "DPO-REVIEW")
                .contentType(ContentType.JSON).body("{\"note\":\"Reviewed with the referring team: justified\"}")
                .when().post("/api/v1/audit/consent-overrides/" + id + "/review").then().statusCode(200)
                .body("dpoNote", equalTo("Reviewed with the referring team: justified"));
        given().auth().oauth2(TestTokens.forAgency(referrer).roles("dpo").subject("dpo-2").sign()).header("Purpose-Of-Use", "DPO-REVIEW")
                .when().get("/api/v1/audit/consent-overrides").then().statusCode(200).body("id", not(hasItem(id)));
        // No override is needed where consent is already granted.
        record(consent(nhsNumber, "permit", "police", "health", "SAFEGUARDING"));
        requestOverride(officer, overrideBody(JUSTIFICATION, "dpa-sch8-p4")).statusCode(422)
                .body("code", equalTo("OVERRIDE_NOT_NEEDED"));
    }

    @Test
    void overridingARefusalNeedsASupervisorOfTheSameAgencyWhoIsNotTheRequester() {
        record(consent(nhsNumber, "deny", "police", "health", "SAFEGUARDING"));
        String id = requestOverride(officer, overrideBody(JUSTIFICATION, "dpa-sch8-p4")).statusCode(201)
                .body("status", equalTo("PENDING_APPROVAL")).body("approvalRequired", equalTo(true))
                .body("consentStates.health", equalTo("refused")).extract().path("id");
        assertTrue(policeRead("pending-" + UUID.randomUUID()).getList("redactedCategories").contains("health"),
                "not usable before approval");

        as(POLICE, officer, "SAFEGUARDING", "practitioner", "supervisor").contentType(ContentType.JSON)
                .when().post("/api/v1/consent-overrides/" + id + "/approval").then().statusCode(403)
                .body("code", equalTo("OVERRIDE_SELF_APPROVAL"));
        as(MASH, "mash-manager", "SAFEGUARDING", "supervisor").contentType(ContentType.JSON)
                .when().post("/api/v1/consent-overrides/" + id + "/approval").then().statusCode(403)
                .body("code", equalTo("OVERRIDE_APPROVER_OTHER_AGENCY"));
        as(POLICE, "pc-colleague", "SAFEGUARDING", "practitioner").contentType(ContentType.JSON)
                .when().post("/api/v1/consent-overrides/" + id + "/approval").then().statusCode(403)
                .body("code", equalTo("OVERRIDE_APPROVER_NOT_SUPERVISOR"));
        as("provider:SC654321", "outsider", "SAFEGUARDING", "supervisor").contentType(ContentType.JSON)
                .when().post("/api/v1/consent-overrides/" + id + "/approval").then().statusCode(404);
        assertEquals("PENDING_APPROVAL", Db.query("SELECT status FROM consent_override WHERE id = ?", UUID.fromString(id))
                .get(0).get("status"));

        String approval = "approve-" + UUID.randomUUID();
        as(POLICE, "sergeant-1", "SAFEGUARDING", "supervisor").header("X-Request-Id", approval).contentType(ContentType.JSON)
                .when().post("/api/v1/consent-overrides/" + id + "/approval").then().statusCode(200)
                .body("status", equalTo("ACTIVE")).body("approvedBy", equalTo("sergeant-1"))
                .body("approvedByAgency", equalTo(POLICE));
        assertEquals("sergeant-1", Db.query("SELECT override_approver FROM audit_event WHERE request_id = ?", approval)
                .get(0).get("override_approver"));
        as(POLICE, "sergeant-2", "SAFEGUARDING", "supervisor").contentType(ContentType.JSON)
                .when().post("/api/v1/consent-overrides/" + id + "/approval").then().statusCode(409);

        String readId = "approved-read-" + UUID.randomUUID();
        assertTrue(policeRead(readId).getList("permittedCategories").contains("health"), "approved: health released");
        Map<String, Object> event = Db.query("SELECT override_justification, override_approver FROM audit_event WHERE request_id = ?",
                readId).get(0);
        assertEquals(JUSTIFICATION, event.get("override_justification"));
        assertEquals("sergeant-1", event.get("override_approver"));
        as(POLICE, officer, "SAFEGUARDING", "practitioner").when().get("/api/v1/consent-overrides/" + id).then()
                .statusCode(200).body("status", equalTo("ACTIVE"));
        as(MASH, "sw", "SAFEGUARDING", "practitioner").when().get("/api/v1/consent-overrides/" + id).then().statusCode(404);
    }
}
