package uk.safeguarding.gateway.referral;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

@QuarkusTest
class ReferralApiTest {

    static final String REFERRALS = "/api/v1/referrals";
    static final String POLICE = "police:met";
    static final String HOME_COUNCIL = "la:E09000030";
    static final String HEALTH = "nhs:RQX";
    static final String HOST_COUNCIL = "la:E10000017";
    static final String UNRELATED_POLICE = "police:lancashire";

    static String token(String agency, String... roles) {
        return TestTokens.forAgency(agency).roles(roles.length == 0 ? new String[] {"practitioner"} : roles)
                .subject(agency + "-user").sign();
    }

    static ValidatableResponse post(String agency, String body) {
        return given().auth().oauth2(token(agency)).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(ContentType.JSON).body(body)
                .when().post(REFERRALS).then();
    }

    static JsonPath read(String agency, String id, int status) {
        return given().auth().oauth2(token(agency)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get(REFERRALS + "/" + id).then().statusCode(status).extract().jsonPath();
    }

    static long referralsFor(String nhsNumber) {
        return Db.count("""
                SELECT count(*) FROM referral r JOIN child_identifier ci ON ci.child_id = r.child_id
                WHERE ci.system = 'https://fhir.nhs.uk/Id/nhs-number' AND ci.value = ?""", nhsNumber);
    }

    static long childrenWith(String nhsNumber) {
        return Db.count("SELECT count(*) FROM child_identifier WHERE system = 'https://fhir.nhs.uk/Id/nhs-number' AND value = ?",
                nhsNumber);
    }

    // ------------------------------------------------------------------------------ routing

    @Test
    void policeReferralReachesTheHomeMashAndItsHealthPartnerWithTheirCategories() {
        String nhs = Fixtures.nhsNumber();
        JsonPath receipt = post(POLICE, Fixtures.load("police-cse.json", nhs))
                .statusCode(201)
                .header("Location", containsString(REFERRALS + "/"))
                .body("recipients.agency", containsInAnyOrder(HOME_COUNCIL, HEALTH))
                .extract().jsonPath();
        String id = receipt.getString("id");
        UUID referralId = UUID.fromString(id);
        // The engine decided each recipient's categories: the MASH gets the police intelligence, health does not.
        Map<String, Object> mash = recipient(receipt, HOME_COUNCIL);
        assertEquals("home-council", mash.get("caseRole"));
        assertEquals("referral-recipient", mash.get("relationship"));
        assertEquals(List.of("identity", "risk", "police-intelligence", "missing"), mash.get("categories"));
        assertEquals("mash-referral@1.0.0#mash-acknowledge", mash.get("dutyRef"));
        assertEquals("PENDING", mash.get("status"));
        Map<String, Object> health = recipient(receipt, HEALTH);
        assertEquals("mash-partner", health.get("relationship"));
        assertEquals(List.of("identity", "risk"), health.get("categories"));
        // The acknowledgement deadline is the duty's: at most one working day (plus a weekend or holiday).
        OffsetDateTime due = OffsetDateTime.parse((String) mash.get("ackDueAt"));
        assertTrue(due.isAfter(OffsetDateTime.now().plusHours(12)) && due.isBefore(OffsetDateTime.now().plusDays(6)), due::toString);

        // One inbox row and one alert per recipient, in the same transaction; the sender gets neither.
        assertEquals(2, Db.count("SELECT count(*) FROM referral_recipient WHERE referral_id = ?", referralId));
        List<Map<String, Object>> alerts = Db.query(
                "SELECT recipient_agency, categories::text AS categories, payload::text AS payload, duty_ref, ack_due_at "
                        + "FROM alert WHERE resource_id = ? ORDER BY recipient_agency", id);
        assertEquals(List.of(HOME_COUNCIL, HEALTH), alerts.stream().map(a -> a.get("recipient_agency")).toList());
        // Alerts carry what each receive-alert decision releases (identity, risk); the rest is read under the recipient's token.
        assertEquals("[\"identity\", \"risk\"]", alerts.get(0).get("categories"));
        assertEquals("[\"identity\", \"risk\"]", alerts.get(1).get("categories"));
        for (Map<String, Object> alert : alerts) {
            String payload = (String) alert.get("payload");
            assertTrue(payload.contains("\"link\": \"/api/v1/referrals/" + id + "\""), payload);
            assertTrue(!payload.contains("CAWN") && !payload.contains("Amira"), "alert payload holds no content: " + payload);
            assertTrue(alert.get("ack_due_at") != null);
        }
        // Relationships: referrer for the sender, referral-recipient / mash-partner for the recipients.
        List<Map<String, Object>> relationships = Db.query(
                "SELECT agency_id, kind, contact FROM relationship WHERE source_id = ? ORDER BY agency_id", referralId);
        assertEquals(List.of(HOME_COUNCIL + "/referral-recipient", HEALTH + "/mash-partner", POLICE + "/referrer"),
                relationships.stream().map(r -> r.get("agency_id") + "/" + r.get("kind")).toList());
        // The create's audit record, written in the same transaction, names the deciding clause.
        List<Map<String, Object>> audit = Db.query(
                "SELECT action, decision, outcome, reasons::text AS reasons, actor_agency FROM audit_event WHERE resource_id = ? AND action = 'referral.create'",
                id);
        assertEquals(1, audit.size());
        assertEquals("PERMIT", audit.get(0).get("decision"));
        assertEquals(201, audit.get(0).get("outcome"));
        assertTrue(((String) audit.get(0).get("reasons")).contains("mash-referral@1.0.0#police-refer-concern"));
    }

    @Test
    void councilReferralReachesTheHomeMashPoliceAndHealth() {
        String nhs = Fixtures.nhsNumber();
        JsonPath receipt = post(HOST_COUNCIL, Fixtures.load("council-health.json", nhs))
                .statusCode(201)
                .body("recipients.agency", containsInAnyOrder(HOME_COUNCIL, POLICE, HEALTH))
                .extract().jsonPath();
        assertEquals(List.of("identity", "risk", "health", "education", "placement"),
                recipient(receipt, HOME_COUNCIL).get("categories"));
        assertEquals(List.of("identity", "risk"), recipient(receipt, POLICE).get("categories"));
        assertEquals("mash-referral@1.0.0#mash-partners-informed", recipient(receipt, POLICE).get("dutyRef"));
        assertEquals(List.of("identity", "risk"), recipient(receipt, HEALTH).get("categories"));
    }

    @Test
    void policeMayNotReferHealthData() {
        String nhs = Fixtures.nhsNumber();
        String body = Fixtures.load("police-cse.json", nhs).replace("\"missing\": \"Missing", "\"health\": \"Sexual health clinic\", \"missing\": \"Missing");
        post(POLICE, body).statusCode(403)
                .body("code", equalTo("CATEGORY_NOT_REFERABLE"))
                .body("errors.field", contains("/health"));
        assertEquals(0, childrenWith(nhs));
    }

    @Test
    void anUnknownHomeCouncilIsRefused() {
        String nhs = Fixtures.nhsNumber();
        post(POLICE, Fixtures.load("police-cse.json", nhs).replace(HOME_COUNCIL, "la:E99999999"))
                .statusCode(400).body("errors[0].field", equalTo("/homeCouncil"))
                .body("errors[0].rule", equalTo("UNKNOWN_HOME_COUNCIL"));
        assertEquals(0, childrenWith(nhs));
    }

    // ----------------------------------------------------------------------- domain checks

    @Test
    void aReferralWithoutADateOfBirthIsRefusedAndSaysWhy() {
        String nhs = Fixtures.nhsNumber();
        post(POLICE, Fixtures.load("police-cse.json", nhs).replace("\"birthDate\": \"2011-04-02\"", "\"birthDate\": null"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("REFERRAL_INVALID"))
                .body("errors[0].field", equalTo("/child/birthDate"))
                .body("errors[0].rule", equalTo("DATE_OF_BIRTH_REQUIRED"))
                .body("errors[0].message", containsString("risk cannot be assessed without knowing the child's age"));
        assertEquals(0, childrenWith(nhs));
    }

    @Test
    void aMalformedDateOfBirthIsRefused() {
        post(POLICE, Fixtures.load("police-cse.json", Fixtures.nhsNumber()).replace("2011-04-02", "02/04/2011"))
                .statusCode(400).body("errors[0].rule", equalTo("DATE_INVALID"));
    }

    @Test
    void anNhsNumberFailingModulus11IsRefused() {
        String nhs = Fixtures.withWrongCheckDigit(Fixtures.nhsNumber());
        post(POLICE, Fixtures.load("police-cse.json", nhs)).statusCode(400)
                .body("errors[0].field", equalTo("/child/nhsNumber"))
                .body("errors[0].rule", equalTo("NHS_NUMBER_CHECK_DIGIT"));
        assertEquals(0, childrenWith(nhs));
    }

    @Test
    void aChildWithOnlyALocalIdentifierIsAccepted() {
        String local = "LCC-" + UUID.randomUUID();
        String body = Fixtures.load("council-health.json", "x").replace("\"nhsNumber\": \"x\",", "").replace("LCC-12345", local);
        post(HOST_COUNCIL, body).statusCode(201);
        assertEquals(1, Db.count("SELECT count(*) FROM child_identifier WHERE value = ?", local));
    }

    @Test
    void aChildWithoutAnyIdentifierIsRefused() {
        String body = Fixtures.load("victim-blaming.json", "x").replace("\"nhsNumber\": \"x\", ", "");
        post(HOST_COUNCIL, body).statusCode(400).body("errors[0].rule", equalTo("IDENTIFIER_REQUIRED"));
    }

    @Test
    void riskLevelAndConcernCategoriesAreCoded() {
        String body = Fixtures.load("police-cse.json", Fixtures.nhsNumber())
                .replace("\"high\"", "\"severe\"").replace("\"missing\"]", "\"gang-stuff\"]");
        post(POLICE, body).statusCode(400)
                .body("errors.field", containsInAnyOrder("/riskLevel", "/concernCategories/1"))
                .body("errors.rule", contains("CODED_VALUE", "CODED_VALUE"));
    }

    @Test
    void theHandlingCodeIsRequiredWithIntelligence() {
        post(POLICE, Fixtures.load("police-cse.json", Fixtures.nhsNumber()).replace("\"handlingCode\": \"C\"", "\"handlingCode\": \"X\""))
                .statusCode(400).body("errors[0].field", equalTo("/policeIntelligence/handlingCode"));
    }

    @Test
    void theRequesterAgencyMustBeTheTokensAgency() {
        String nhs = Fixtures.nhsNumber();
        post(UNRELATED_POLICE, Fixtures.load("police-cse.json", nhs)).statusCode(400)
                .body("errors[0].field", equalTo("/requesterAgency"))
                .body("errors[0].rule", equalTo("REQUESTER_AGENCY_MISMATCH"));
        assertEquals(0, childrenWith(nhs));
    }

    @Test
    void aSystemWithoutAPractitionerRoleCannotRefer() {
        given().auth().oauth2(token(POLICE, "dpo")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(ContentType.JSON).body(Fixtures.load("police-cse.json", Fixtures.nhsNumber()))
                .when().post(REFERRALS).then().statusCode(403).body("code", equalTo("ROLE_REQUIRED"));
    }

    @Test
    void theWrongPurposeIsDeniedByTheProtocolAndAudited() {
        String nhs = Fixtures.nhsNumber();
        String requestId = "purpose-test-" + UUID.randomUUID();
        given().auth().oauth2(token(HOST_COUNCIL)).header("Purpose-Of-Use", "CARE-PLANNING").header("X-Request-Id", requestId)
                .contentType(ContentType.JSON).body(Fixtures.load("council-health.json", nhs))
                .when().post(REFERRALS).then().statusCode(403)
                .body("code", equalTo("PURPOSE_NOT_PERMITTED"))
                .body("detail", containsString("mash-referral@1.0.0#refer-concern"));
        assertEquals(0, childrenWith(nhs));
        List<Map<String, Object>> audit = Db.query("SELECT decision, denial_code, outcome FROM audit_event WHERE request_id = ?", requestId);
        assertEquals(1, audit.size());
        assertEquals("DENY", audit.get(0).get("decision"));
        assertEquals("PURPOSE_NOT_PERMITTED", audit.get(0).get("denial_code"));
        assertEquals(403, audit.get(0).get("outcome"));
    }

    @Test
    void anUnknownPropertyIsRefusedNotDropped() {
        String nhs = Fixtures.nhsNumber();
        post(POLICE, Fixtures.load("police-cse.json", nhs).replace("\"missing\": \"Missing", "\"helth\": \"Missing"))
                .statusCode(400).body("errors[0].field", equalTo("/helth")).body("errors[0].rule", equalTo("UNKNOWN_PROPERTY"));
        post(POLICE, Fixtures.load("police-cse.json", nhs).replace("\"givenName\": \"Amira\"", "\"givenName\": \"Amira\", \"colour\": 1"))
                .statusCode(400).body("errors[0].field", equalTo("/child/colour"));
        assertEquals(0, childrenWith(nhs));
    }

    @Test
    void aWrongJsonTypeNamesItsField() {
        post(POLICE, Fixtures.load("police-cse.json", Fixtures.nhsNumber()).replace("\"child-sexual-exploitation\", \"missing\"]", "{\"a\": 1}]"))
                .statusCode(400).body("errors[0].field", equalTo("/concernCategories/0"))
                .body("errors[0].rule", equalTo("WRONG_TYPE"));
        post(POLICE, "{not json").statusCode(400).body("errors[0].rule", equalTo("MALFORMED_JSON"));
    }

    // ------------------------------------------------------------------------ language check

    @Test
    void victimBlamingLanguageIsFlaggedStoredAndNotRewritten() {
        String nhs = Fixtures.nhsNumber();
        String body = Fixtures.load("victim-blaming.json", nhs);
        JsonPath receipt = post(HOST_COUNCIL, body).statusCode(201)
                .body("warnings.field", contains("/summary", "/summary", "/summary"))
                .body("warnings.rule", contains("VICTIM_BLAMING_LANGUAGE", "VICTIM_BLAMING_LANGUAGE", "VICTIM_BLAMING_LANGUAGE"))
                .body("warnings[0].message", containsString("\"Putting Herself At Risk\""))
                .body("warnings[1].message", containsString("\"boyfriend\""))
                .body("warnings[2].message", containsString("\"lifestyle choice\""))
                .extract().jsonPath();
        String id = receipt.getString("id");
        List<Map<String, Object>> stored = Db.query(
                "SELECT body->>'summary' AS summary, jsonb_array_length(language_flags) AS flags FROM referral WHERE id = ?",
                UUID.fromString(id));
        assertEquals(3, stored.get(0).get("flags"));
        assertTrue(((String) stored.get(0).get("summary")).contains("Putting Herself At Risk by going out with her boyfriend"));
        // The home MASH reading the referral sees the text as written, and the flags.
        JsonPath mash = read(HOME_COUNCIL, id, 200);
        assertTrue(mash.getString("referral.summary").contains("Putting Herself At Risk"));
        assertEquals(3, mash.getList("languageFlags").size());
    }

    @Test
    void cleanTextHasNoWarnings() {
        post(POLICE, Fixtures.load("police-cse.json", Fixtures.nhsNumber())).statusCode(201).body("warnings", nullValue());
    }

    // ----------------------------------------------------------------------- reads, redaction

    @Test
    void eachReaderSeesOnlyItsReleasedCategories() {
        String id = post(POLICE, Fixtures.load("police-cse.json", Fixtures.nhsNumber())).statusCode(201)
                .extract().jsonPath().getString("id");

        JsonPath mash = read(HOME_COUNCIL, id, 200);
        assertEquals("Amira", mash.getString("referral.child.givenName"));
        assertEquals("high", mash.getString("referral.riskLevel"));
        assertEquals("C", mash.getString("referral.policeIntelligence.handlingCode"));
        assertTrue(mash.getString("referral.missing").startsWith("Missing three times"));
        assertEquals(List.of("identity", "risk", "police-intelligence", "missing"), mash.getList("permittedCategories"));

        JsonPath health = read(HEALTH, id, 200);
        assertEquals("Amira", health.getString("referral.child.givenName"));
        assertNull(health.get("referral.policeIntelligence"));
        assertNull(health.get("referral.missing"));
        assertEquals(List.of("police-intelligence", "missing"), health.getList("redactedCategories"));
        // Every read is audited with the categories released.
        List<Map<String, Object>> audit = Db.query("SELECT decision, outcome, categories::text AS categories FROM audit_event "
                + "WHERE resource_id = ? AND action = 'referral.read' AND actor_agency = ?", id, HEALTH);
        assertEquals(1, audit.size());
        assertEquals("PERMIT", audit.get(0).get("decision"));
        assertEquals("[\"identity\", \"risk\"]", audit.get(0).get("categories"));

        // The referrer learns the outcome (identity, risk) and each recipient's status; not its own intelligence.
        JsonPath sender = read(POLICE, id, 200);
        assertEquals(List.of("identity", "risk"), sender.getList("permittedCategories"));
        assertNull(sender.get("referral.policeIntelligence"));
        assertEquals(2, sender.getList("recipients").size());
    }

    @Test
    void anAgencyWithoutARelationshipGets404AndTheDenialIsAudited() {
        String id = post(POLICE, Fixtures.load("police-cse.json", Fixtures.nhsNumber())).statusCode(201)
                .extract().jsonPath().getString("id");
        given().auth().oauth2(token(UNRELATED_POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get(REFERRALS + "/" + id).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        List<Map<String, Object>> audit = Db.query("SELECT decision, outcome, child_id FROM audit_event "
                + "WHERE resource_id = ? AND actor_agency = ?", id, UNRELATED_POLICE);
        assertEquals(1, audit.size());
        assertEquals("DENY", audit.get(0).get("decision"));
        assertEquals(404, audit.get(0).get("outcome"));
        // An unknown id answers exactly the same.
        given().auth().oauth2(token(UNRELATED_POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get(REFERRALS + "/" + UUID.randomUUID()).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void aReadWithoutPurposeIs400() {
        given().auth().oauth2(token(HOME_COUNCIL)).when().get(REFERRALS + "/" + UUID.randomUUID())
                .then().statusCode(400).body("errors[0].field", equalTo("Purpose-Of-Use"));
    }

    @Test
    void whoElseIsInvolvedListsAgenciesWithoutContent() {
        JsonPath receipt = post(POLICE, Fixtures.load("police-cse.json", Fixtures.nhsNumber())).statusCode(201)
                .extract().jsonPath();
        String childId = receipt.getString("childId");
        given().auth().oauth2(token(HEALTH)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/children/" + childId + "/involvement").then().statusCode(200)
                .body("agencyId", containsInAnyOrder(POLICE, HOME_COUNCIL, HEALTH))
                .body("find { it.agencyId == 'police:met' }.kind", equalTo("referrer"))
                .body("find { it.agencyId == 'police:met' }.contact", equalTo("mash-police@met.police.example"))
                .body("find { it.agencyId == 'la:E09000030' }.contact", equalTo("mash@towerhamlets.example"))
                .body("since", everyItemNotNull());
        given().auth().oauth2(token(UNRELATED_POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/children/" + childId + "/involvement").then().statusCode(404);
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE child_id = ? AND actor_agency = ? AND outcome = 404",
                UUID.fromString(childId), UNRELATED_POLICE));
    }

    private static org.hamcrest.Matcher<Iterable<? extends Object>> everyItemNotNull() {
        return org.hamcrest.Matchers.everyItem(notNullValue());
    }

    // ------------------------------------------------------------------------ inbox, lifecycle

    @Test
    void recipientsWorkTheirInboxAndTheSenderSeesEachStatus() {
        String id = post(POLICE, Fixtures.load("police-cse.json", Fixtures.nhsNumber())).statusCode(201)
                .extract().jsonPath().getString("id");
        given().auth().oauth2(token(HOME_COUNCIL)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/inbox?status=PENDING").then().statusCode(200)
                .body("find { it.referralId == '" + id + "' }.riskLevel", equalTo("high"))
                .body("find { it.referralId == '" + id + "' }.requesterAgency", equalTo(POLICE))
                .body("find { it.referralId == '" + id + "' }.link", equalTo(REFERRALS + "/" + id));
        respond(HOME_COUNCIL, id, "acknowledge", null).statusCode(200).body("status", equalTo("ACKNOWLEDGED"))
                .body("acknowledgedAt", notNullValue());
        respond(HOME_COUNCIL, id, "acknowledge", null).statusCode(409).body("code", equalTo("ALREADY_ACKNOWLEDGED"));
        respond(HOME_COUNCIL, id, "accept", "{\"reason\": \"Strategy discussion today\"}").statusCode(200)
                .body("status", equalTo("ACCEPTED")).body("decidedAt", notNullValue());
        respond(HOME_COUNCIL, id, "decline", "{\"reason\": \"changed mind\"}").statusCode(409)
                .body("code", equalTo("ALREADY_DECIDED"));
        respond(HEALTH, id, "decline", "{}").statusCode(400).body("errors[0].rule", equalTo("REASON_REQUIRED"));
        respond(HEALTH, id, "decline", "{\"reason\": \"Not known to our services\"}").statusCode(200)
                .body("status", equalTo("DECLINED"));
        // The sender sees every recipient's response.
        JsonPath sender = read(POLICE, id, 200);
        assertEquals("ACCEPTED", sender.getString("recipients.find { it.agency == 'la:E09000030' }.status"));
        assertEquals("DECLINED", sender.getString("recipients.find { it.agency == 'nhs:RQX' }.status"));
        assertEquals("Not known to our services", sender.getString("recipients.find { it.agency == 'nhs:RQX' }.reason"));
        // Each response is audited in its own transaction.
        assertEquals(3, Db.count("SELECT count(*) FROM audit_event WHERE resource_id = ? AND outcome = 200 "
                + "AND action IN ('referral.acknowledge', 'referral.accept', 'referral.decline')", id));
        given().auth().oauth2(token(HOME_COUNCIL)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/inbox?status=PENDING").then().statusCode(200)
                .body("referralId", org.hamcrest.Matchers.not(hasItem(id)));
    }

    @Test
    void onlyARecipientMayRespond() {
        String id = post(POLICE, Fixtures.load("police-cse.json", Fixtures.nhsNumber())).statusCode(201)
                .extract().jsonPath().getString("id");
        respond(UNRELATED_POLICE, id, "acknowledge", null).statusCode(404);
        // The sender is involved with the child, so the protocol's respond-to-referral rule refuses it by name.
        respond(POLICE, id, "accept", "{}").statusCode(403).body("code", equalTo("NO_RELATIONSHIP"));
        assertEquals(0, Db.count("SELECT count(*) FROM referral_recipient WHERE referral_id = ? AND status <> 'PENDING'",
                UUID.fromString(id)));
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE resource_id = ? AND actor_agency = ? AND decision = 'DENY'",
                id, UNRELATED_POLICE));
    }

    @Test
    void anInboxIsOnlyTheCallersOwn() {
        String id = post(POLICE, Fixtures.load("police-cse.json", Fixtures.nhsNumber())).statusCode(201)
                .extract().jsonPath().getString("id");
        given().auth().oauth2(token(UNRELATED_POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/inbox").then().statusCode(200)
                .body("referralId", org.hamcrest.Matchers.not(hasItem(id)));
        given().auth().oauth2(token(HEALTH)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/inbox").then().statusCode(200)
                .body("find { it.referralId == '" + id + "' }.categories", contains("identity", "risk"));
    }

    static ValidatableResponse respond(String agency, String id, String action, String body) {
        var request = given().auth().oauth2(token(agency)).header("Purpose-Of-Use", "SAFEGUARDING");
        if (body != null) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        return request.when().post(REFERRALS + "/" + id + "/" + action).then();
    }

    // ------------------------------------------------------------------------------ idempotency

    @Test
    void theSameKeyAndBodyReturnsTheFirstResultWithoutADuplicate() {
        String nhs = Fixtures.nhsNumber();
        String body = Fixtures.load("police-cse.json", nhs);
        String key = UUID.randomUUID().toString();
        String first = given().auth().oauth2(token(POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                .when().post(REFERRALS).then().statusCode(201).extract().path("id");
        given().auth().oauth2(token(POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                .when().post(REFERRALS).then().statusCode(200).header("Idempotent-Replayed", "true")
                .body("id", equalTo(first)).body("recipients", hasSize(2));
        assertEquals(1, referralsFor(nhs));
        assertEquals(2, Db.count("SELECT count(*) FROM alert WHERE resource_id = ?", first));
        // The same key with a different body is a conflict, and changes nothing.
        given().auth().oauth2(token(POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .header("Idempotency-Key", key).contentType(ContentType.JSON).body(body.replace("\"high\"", "\"medium\""))
                .when().post(REFERRALS).then().statusCode(409).body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));
        assertEquals(1, referralsFor(nhs));
        // Another agency's key space is its own.
        assertEquals(0, Db.count("SELECT count(*) FROM referral WHERE idempotency_key = ? AND requester_agency <> ?", key, POLICE));
    }

    @Test
    void concurrentRequestsWithOneKeyMakeOneReferral() throws Exception {
        String nhs = Fixtures.nhsNumber();
        String body = Fixtures.load("police-cse.json", nhs);
        String key = UUID.randomUUID().toString();
        String bearer = token(POLICE);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<io.restassured.response.Response>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                futures.add(pool.submit(() -> given().auth().oauth2(bearer).header("Purpose-Of-Use", "SAFEGUARDING")
                        .header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                        .when().post(REFERRALS).andReturn()));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            int created = 0;
            for (var f : futures) {
                io.restassured.response.Response r = f.get();
                assertTrue(r.statusCode() == 201 || r.statusCode() == 200, () -> r.statusCode() + " " + r.asString());
                created += r.statusCode() == 201 ? 1 : 0;
                ids.add(r.path("id"));
            }
            assertEquals(1, created);
            assertEquals(1, ids.size());
            assertEquals(1, referralsFor(nhs));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withoutAKeyTheSameBodyMakesTwoReferrals() {
        String nhs = Fixtures.nhsNumber();
        String body = Fixtures.load("police-cse.json", nhs);
        post(POLICE, body).statusCode(201);
        post(POLICE, body).statusCode(201);
        assertEquals(2, referralsFor(nhs));
        assertEquals(1, childrenWith(nhs));
    }

    // ------------------------------------------------------------------------------- rollback

    @Test
    void aFailureMidTransactionLeavesNothingBehind() {
        // la:E06000001's police partner id (test directory) breaks the recipient row's check constraint,
        // after the child, the referral, the MASH's recipient row, relationships and alerts were written.
        String nhs = Fixtures.nhsNumber();
        long alertsBefore = Db.count("SELECT count(*) FROM alert");
        long relationshipsBefore = Db.count("SELECT count(*) FROM relationship");
        post(HOST_COUNCIL, Fixtures.load("council-health.json", nhs).replace(HOME_COUNCIL, "la:E06000001"))
                .statusCode(500).body("code", equalTo("INTERNAL_ERROR"));
        assertEquals(0, childrenWith(nhs));
        assertEquals(0, referralsFor(nhs));
        assertEquals(0, Db.count("SELECT count(*) FROM referral_recipient WHERE agency_id = 'la:E06000001'"));
        assertEquals(alertsBefore, Db.count("SELECT count(*) FROM alert"));
        assertEquals(relationshipsBefore, Db.count("SELECT count(*) FROM relationship"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> recipient(JsonPath receipt, String agency) {
        List<Map<String, Object>> recipients = receipt.getList("recipients");
        return recipients.stream().filter(r -> agency.equals(r.get("agency"))).findFirst()
                .orElseThrow(() -> new AssertionError("no recipient " + agency + " in " + recipients));
    }

    @Test
    void anAgencyThatReceivedNothingHasAnEmptyInbox() {
        given().auth().oauth2(token("school:100000")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/inbox").then().statusCode(200).body("$", empty());
    }
}
