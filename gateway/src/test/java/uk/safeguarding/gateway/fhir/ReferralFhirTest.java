package uk.safeguarding.gateway.fhir;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.referral.Referral;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/** The FHIR API through HAPI's own IGenericClient, unmodified, and raw HTTP for the error paths. */
@QuarkusTest
class ReferralFhirTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String FHIR_JSON = "application/fhir+json";

    @TestHTTPResource("/fhir")
    URL fhirBase;

    static String token(String agency) {
        return TestTokens.forAgency(agency).roles("practitioner").subject(agency + "-fhir-user").sign();
    }

    private IGenericClient client(String agency) {
        IGenericClient client = FHIR.newRestfulGenericClient(fhirBase.toString());
        client.registerInterceptor(new BearerTokenAuthInterceptor(token(agency)));
        AdditionalRequestHeadersInterceptor headers = new AdditionalRequestHeadersInterceptor();
        headers.addHeaderValue("Purpose-Of-Use", "SAFEGUARDING");
        client.registerInterceptor(headers);
        return client;
    }

    static String fixture(String path, String nhsNumber) {
        try (InputStream in = ReferralFhirTest.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${nhsNumber}", nhsNumber);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String nhsNumber() {
        while (true) {
            StringBuilder digits = new StringBuilder();
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                int d = java.util.concurrent.ThreadLocalRandom.current().nextInt(i == 0 ? 1 : 0, 10);
                digits.append(d);
                sum += d * (10 - i);
            }
            int check = (11 - sum % 11) % 11;
            if (check != 10) {
                return digits.append(check).toString();
            }
        }
    }

    private String createAsPolice(String nhs) {
        ServiceRequest sr = FHIR.newJsonParser().parseResource(ServiceRequest.class, fixture("fhir/service-request-police.json", nhs));
        MethodOutcome outcome = client("police:met").create().resource(sr).execute();
        assertTrue(Boolean.TRUE.equals(outcome.getCreated()));
        return outcome.getId().getIdPart();
    }

    @Test
    void metadataIsATrueCapabilityStatement() {
        CapabilityStatement cs = client("police:met").capabilities()
                .ofType(CapabilityStatement.class).execute();
        assertEquals("4.0.1", cs.getFhirVersion().toCode());
        CapabilityStatement.CapabilityStatementRestResourceComponent sr = cs.getRestFirstRep().getResource().get(0);
        assertEquals("ServiceRequest", sr.getType());
        assertEquals(List.of("create", "read", "search-type"), sr.getInteraction().stream().map(i -> i.getCode().toCode()).toList());
        assertEquals("subject", sr.getSearchParam().get(0).getName());
        assertEquals("transaction", cs.getRestFirstRep().getInteractionFirstRep().getCode().toCode());
    }

    @Test
    void policeCreateWithHapisClientIsRoutedAndFlagsLanguage() {
        String nhs = nhsNumber();
        ServiceRequest sr = FHIR.newJsonParser().parseResource(ServiceRequest.class, fixture("fhir/service-request-police.json", nhs));
        MethodOutcome outcome = client("police:met").create().resource(sr).execute();
        assertTrue(Boolean.TRUE.equals(outcome.getCreated()));
        String id = outcome.getId().getIdPart();
        OperationOutcome oo = (OperationOutcome) outcome.getOperationOutcome();
        assertNotNull(oo);
        OperationOutcome.OperationOutcomeIssueComponent warning = oo.getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.WARNING).findFirst().orElseThrow();
        assertEquals("VICTIM_BLAMING_LANGUAGE", warning.getDetails().getCodingFirstRep().getCode());
        assertTrue(warning.getExpression().get(0).getValue().startsWith("ServiceRequest.note.where("), warning.getExpression().toString());
        assertTrue(warning.getDiagnostics().contains("\"boyfriend\""));
        assertEquals(2, Db.count("SELECT count(*) FROM referral_recipient WHERE referral_id = ?", UUID.fromString(id)));
        assertEquals("fhir", Db.query("SELECT source_format FROM referral WHERE id = ?", UUID.fromString(id)).get(0).get("source_format"));
    }

    @Test
    void readWithHapisClientIsRedactedPerRecipient() {
        String id = createAsPolice(nhsNumber());
        ServiceRequest mash = client("la:E09000030").read().resource(ServiceRequest.class).withId(id).execute();
        assertEquals(1, mash.getContained().size());
        assertEquals("2011-04-02", ((Patient) mash.getContained().get(0)).getBirthDateElement().getValueAsString());
        assertTrue(mash.getNote().stream().anyMatch(n -> n.getText().contains("CAWN")));
        assertFalse(mash.getMeta().hasSecurity());

        ServiceRequest health = client("nhs:RQX").read().resource(ServiceRequest.class).withId(id).execute();
        assertEquals(1, health.getContained().size());
        assertFalse(health.getNote().stream().anyMatch(n -> n.getText().contains("CAWN")), "health must not see intelligence");
        assertFalse(health.getNote().stream().anyMatch(n -> n.getText().contains("Missing three times")));
        assertEquals("REDACTED", health.getMeta().getSecurityFirstRep().getCode());

        assertThrows(ResourceNotFoundException.class,
                () -> client("police:lancashire").read().resource(ServiceRequest.class).withId(id).execute());
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE resource_id = ? AND actor_agency = 'police:lancashire' "
                + "AND decision = 'DENY' AND outcome = 404", id));
    }

    @Test
    void searchWithHapisClientByChildIdentifierStatusAndDate() {
        String nhs = nhsNumber();
        String id = createAsPolice(nhs);
        TokenClientParam subject = new TokenClientParam("subject:Patient.identifier");
        Bundle found = client("la:E09000030").search().forResource(ServiceRequest.class)
                .where(subject.exactly().systemAndCode(ChildIndex.NHS_NUMBER, nhs))
                .returnBundle(Bundle.class).execute();
        assertEquals(1, found.getTotal());
        assertEquals(id, found.getEntryFirstRep().getResource().getIdElement().getIdPart());

        Bundle active = client("la:E09000030").search().forResource(ServiceRequest.class)
                .where(subject.exactly().systemAndCode(ChildIndex.NHS_NUMBER, nhs))
                .and(ServiceRequest.STATUS.exactly().code("active"))
                .and(ServiceRequest.AUTHORED.afterOrEquals().day(new java.util.Date(System.currentTimeMillis() - 86_400_000L)))
                .returnBundle(Bundle.class).execute();
        assertEquals(1, active.getTotal());
        Bundle completed = client("la:E09000030").search().forResource(ServiceRequest.class)
                .where(subject.exactly().systemAndCode(ChildIndex.NHS_NUMBER, nhs))
                .and(ServiceRequest.STATUS.exactly().code("completed"))
                .returnBundle(Bundle.class).execute();
        assertEquals(0, completed.getTotal());
        given().auth().oauth2(token("la:E09000030")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/fhir/ServiceRequest?subject:Patient.identifier=" + ChildIndex.NHS_NUMBER + "|" + nhs + "&authored=lt2000-01-01")
                .then().statusCode(200).body("total", equalTo(0));

        // An agency with no relationship finds nothing, exactly as for an unknown child.
        Bundle none = client("police:lancashire").search().forResource(ServiceRequest.class)
                .where(subject.exactly().systemAndCode(ChildIndex.NHS_NUMBER, nhs)).returnBundle(Bundle.class).execute();
        assertEquals(0, none.getTotal());
    }

    @Test
    void aTransactionBundleWithPatientAndServiceRequestIsAccepted() {
        String nhs = nhsNumber();
        Bundle request = FHIR.newJsonParser().parseResource(Bundle.class, fixture("fhir/transaction-bundle.json", nhs));
        Bundle response = client("la:E10000017").transaction().withBundle(request).execute();
        assertEquals(Bundle.BundleType.TRANSACTIONRESPONSE, response.getType());
        assertEquals(2, response.getEntry().size());
        assertEquals("201 Created", response.getEntry().get(1).getResponse().getStatus());
        String location = response.getEntry().get(1).getResponse().getLocation();
        String id = location.substring(location.indexOf('/') + 1);
        assertEquals(1, Db.count("SELECT count(*) FROM referral r JOIN child_identifier ci ON ci.child_id = r.child_id "
                + "WHERE r.id = ? AND ci.value = ?", UUID.fromString(id), nhs));
        ServiceRequest police = client("police:met").read().resource(ServiceRequest.class).withId(id).execute();
        assertFalse(police.getNote().stream().anyMatch(n -> n.getText().contains("sexual health")), "police must not see health");
    }

    @Test
    void aTransactionWithAnUnsupportedEntryIsRefusedWithNothingSaved() {
        String nhs = nhsNumber();
        String body = fixture("fhir/transaction-bundle.json", nhs).replace("\"entry\": [", """
                "entry": [{"resource": {"resourceType": "Observation", "status": "final", "code": {"text": "CSE risk"},
                  "subject": {"reference": "urn:uuid:6f1f0b9e-3c55-4a8e-9d1c-2b7f1d6a0c01"}}, "request": {"method": "POST", "url": "Observation"}},""");
        given().auth().oauth2(token("la:E10000017")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(body).when().post("/fhir")
                .then().statusCode(400).contentType(containsString(FHIR_JSON))
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].expression[0]", equalTo("Bundle.entry[0].resource"));
        assertEquals(0, Db.count("SELECT count(*) FROM child_identifier WHERE value = ?", nhs));
    }

    // ------------------------------------------------------------------------ errors as OperationOutcome

    @Test
    void aMissingDateOfBirthIsAnOperationOutcomeNamingPatientBirthDate() {
        String nhs = nhsNumber();
        String body = fixture("fhir/service-request-police.json", nhs).replace(",\n      \"birthDate\": \"2011-04-02\"", "");
        given().auth().oauth2(token("police:met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(body).when().post("/fhir/ServiceRequest")
                .then().statusCode(400).contentType(containsString(FHIR_JSON))
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].severity", equalTo("error"))
                .body("issue[0].code", equalTo("invalid"))
                .body("issue[0].expression[0]", equalTo("Patient.birthDate"))
                .body("issue[0].details.coding[0].code", equalTo("DATE_OF_BIRTH_REQUIRED"))
                .body("issue[0].diagnostics", containsString("risk cannot be assessed"));
        assertEquals(0, Db.count("SELECT count(*) FROM child_identifier WHERE value = ?", nhs));
    }

    @Test
    void hapisClientSeesABadNhsNumberAsInvalidRequest() {
        String nhs = nhsNumber();
        String bad = nhs.substring(0, 9) + (char) (nhs.charAt(9) == '9' ? '0' : nhs.charAt(9) + 1);
        ServiceRequest sr = FHIR.newJsonParser().parseResource(ServiceRequest.class, fixture("fhir/service-request-police.json", bad));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> client("police:met").create().resource(sr).execute());
        OperationOutcome oo = (OperationOutcome) e.getOperationOutcome();
        assertEquals("Patient.identifier.where(system='https://fhir.nhs.uk/Id/nhs-number').value",
                oo.getIssueFirstRep().getExpression().get(0).getValue());
        assertEquals("NHS_NUMBER_CHECK_DIGIT", oo.getIssueFirstRep().getDetails().getCodingFirstRep().getCode());
    }

    @Test
    void anUnknownElementIsRejectedByTheStrictParser() {
        String body = fixture("fhir/service-request-police.json", nhsNumber()).replace("\"status\": \"active\",",
                "\"status\": \"active\", \"colour\": \"blue\",");
        given().auth().oauth2(token("police:met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(body).when().post("/fhir/ServiceRequest")
                .then().statusCode(400).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].details.coding[0].code", equalTo("FHIR_UNKNOWN_ELEMENT"))
                .body("issue[0].expression[0]", equalTo("ServiceRequest.colour"));
    }

    @Test
    void aWrongTypeIsRejectedByTheStrictParser() {
        String body = fixture("fhir/service-request-police.json", nhsNumber()).replace("\"subject\": {\"reference\": \"#child\"}",
                "\"subject\": [{\"reference\": \"#child\"}]");
        given().auth().oauth2(token("police:met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(body).when().post("/fhir/ServiceRequest")
                .then().log().ifValidationFails().statusCode(400).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].details.coding[0].code", equalTo("FHIR_WRONG_TYPE"))
                .body("issue[0].expression[0]", equalTo("ServiceRequest.subject"));
    }

    @Test
    void anInvalidPrimitiveValueIsRejectedByTheStrictParser() {
        String body = fixture("fhir/service-request-police.json", nhsNumber()).replace("\"birthDate\": \"2011-04-02\"",
                "\"birthDate\": 20110402");
        given().auth().oauth2(token("police:met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(body).when().post("/fhir/ServiceRequest")
                .then().log().ifValidationFails().statusCode(400).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].details.coding[0].code", equalTo("FHIR_INVALID_VALUE"))
                .body("issue[0].expression[0]", containsString("birthDate"));
    }

    @Test
    void anOversizedBodyIs413BeforeParsing() {
        String body = "{\"resourceType\":\"ServiceRequest\",\"note\":[{\"text\":\"" + "x".repeat(1_200_000) + "\"}]}";
        given().auth().oauth2(token("police:met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(body).when().post("/fhir/ServiceRequest")
                .then().statusCode(413);
    }

    @Test
    void xmlIsNotAcceptedSoNoEntityCanBeExpanded() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<ServiceRequest xmlns=\"http://hl7.org/fhir\"><status value=\"&x;\"/></ServiceRequest>";
        given().auth().oauth2(token("police:met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType("application/fhir+xml").body(xxe).when().post("/fhir/ServiceRequest")
                .then().statusCode(415).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].diagnostics", org.hamcrest.Matchers.not(containsString("root:")));
    }

    @Test
    void aSearchWithoutTheChildsIdentifierOrWithABadDateIsRefused() {
        given().auth().oauth2(token("la:E09000030")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/fhir/ServiceRequest?status=active")
                .then().statusCode(400).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].expression[0]", equalTo("subject:identifier"));
        given().auth().oauth2(token("la:E09000030")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/fhir/ServiceRequest?subject:Patient.identifier=" + ChildIndex.NHS_NUMBER + "|9434765919&authored=yesterday")
                .then().statusCode(400).body("issue[0].details.coding[0].code", equalTo("SEARCH_DATE"));
    }

    @Test
    void aMissingPurposeOnFhirIsAnOperationOutcome() {
        given().auth().oauth2(token("police:met")).when().get("/fhir/ServiceRequest/" + UUID.randomUUID())
                .then().statusCode(400).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].expression[0]", equalTo("Purpose-Of-Use"));
    }

    @Test
    void theIdempotencyKeyWorksOnFhirToo() {
        String nhs = nhsNumber();
        String body = fixture("fhir/service-request-police.json", nhs);
        String key = UUID.randomUUID().toString();
        String first = given().auth().oauth2(token("police:met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .header("Idempotency-Key", key).contentType(FHIR_JSON).body(body).when().post("/fhir/ServiceRequest")
                .then().statusCode(201).extract().header("Location");
        given().auth().oauth2(token("police:met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .header("Idempotency-Key", key).contentType(FHIR_JSON).body(body).when().post("/fhir/ServiceRequest")
                .then().statusCode(200).header("Content-Location", equalTo(first));
        given().auth().oauth2(token("police:met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .header("Idempotency-Key", key).contentType(FHIR_JSON).body(body.replace("\"high\"", "\"low\""))
                .when().post("/fhir/ServiceRequest")
                .then().statusCode(409).body("resourceType", equalTo("OperationOutcome"))
                .body("issue.details.coding.code.flatten()", hasItem("IDEMPOTENCY_KEY_REUSED"));
        assertEquals(1, Db.count("SELECT count(*) FROM child_identifier ci JOIN referral r ON r.child_id = ci.child_id WHERE ci.value = ?", nhs));
    }

    // --------------------------------------------------------------------- JSON in, FHIR out, lossless

    @Test
    void aJsonReferralReadBackAsFhirMapsToTheSameReferral() throws Exception {
        String nhs = nhsNumber();
        String json = fixture("referral/council-health.json", nhs);
        String id = given().auth().oauth2(token("la:E10000017")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(ContentType.JSON).body(json).when().post("/api/v1/referrals")
                .then().statusCode(201).extract().path("id");
        // The home MASH is released every category this referral carries, so it sees it whole.
        ServiceRequest sr = client("la:E09000030").read().resource(ServiceRequest.class).withId(id).execute();
        Referral back = ReferralFhirMapper.fromServiceRequest(sr, null);
        assertEquals(new ObjectMapper().readValue(json, Referral.class), back);
    }
}
