package uk.safeguarding.gateway.fhir;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.fhir.ReferralFhirTest.fixture;
import static uk.safeguarding.gateway.fhir.ReferralFhirTest.nhsNumber;
import static uk.safeguarding.gateway.fhir.ReferralFhirTest.token;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.support.Db;

/** Supporting Flag and DocumentReference entries in a referral transaction: kept, released per reader by category. */
@QuarkusTest
class ReferralFhirSupportingTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String FHIR_JSON = "application/fhir+json";
    private static final String PATIENT_URL = "urn:uuid:6f1f0b9e-3c55-4a8e-9d1c-2b7f1d6a0c01";
    private static final String LETTER = "Clinic letter: two attendances this month.";

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private IGenericClient client(String agency) {
        // A shared 2-core machine under load answers slowly; HAPI's default 10 s read timeout is not the point here.
        FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
        IGenericClient client = FHIR.newRestfulGenericClient(fhirBase.toString());
        client.registerInterceptor(new BearerTokenAuthInterceptor(token(agency)));
        AdditionalRequestHeadersInterceptor headers = new AdditionalRequestHeadersInterceptor();
        headers.addHeaderValue("Purpose-Of-Use", "SAFEGUARDING");
        client.registerInterceptor(headers);
        return client;
    }

    /** Entry fixtures (files under fhir/) to splice into the transaction Bundle fixture. */
    static String flag(String category, String subject) {
        return fixture("fhir/supporting-flag-entry.json", "").replace("${category}", category).replace("${subject}", subject);
    }

    static String document(String category) {
        return fixture("fhir/supporting-document-entry.json", "").replace("${category}", category);
    }

    static String bundle(String nhs, String... supporting) {
        return fixture("fhir/transaction-bundle.json", nhs).replace("\"entry\": [", "\"entry\": [" + String.join("", supporting));
    }

    private static <T extends Resource> List<T> contained(ServiceRequest sr, Class<T> type) {
        return sr.getContained().stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void flagAndDocumentReferenceAreKeptAndReleasedPerRecipientByCategory() {
        String nhs = nhsNumber();
        Bundle request = FHIR.newJsonParser().parseResource(Bundle.class,
                bundle(nhs, flag("risk", PATIENT_URL), document("health")));
        Bundle response = client("la:E10000017").transaction().withBundle(request).execute();
        assertEquals(4, response.getEntry().size(), "one response entry per request entry");
        String location = response.getEntry().get(3).getResponse().getLocation();
        String id = location.substring(location.indexOf('/') + 1);
        assertEquals(2, Db.count("SELECT count(*) FROM referral_attachment WHERE referral_id = ?::uuid", id));

        // The MASH is released risk and health: both come back, as sent, contained and referenced.
        ServiceRequest mash = client("la:E09000030").read().resource(ServiceRequest.class).withId(id).execute();
        assertEquals(2, mash.getSupportingInfo().size());
        Flag flag = contained(mash, Flag.class).get(0);
        assertEquals("Child sexual exploitation: high risk indicators", flag.getCode().getText());
        assertEquals("risk", flag.getCategoryFirstRep().getCodingFirstRep().getCode());
        DocumentReference doc = contained(mash, DocumentReference.class).get(0);
        assertEquals("Sexual health clinic letter", doc.getDescription());
        assertEquals(LETTER, new String(doc.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8));
        assertEquals("#child", doc.getSubject().getReference(), "about the referral's own child");

        // The Met (identity, risk) sees the Flag but never the health document.
        ServiceRequest police = client("police:met").read().resource(ServiceRequest.class).withId(id).execute();
        assertEquals(1, contained(police, Flag.class).size());
        assertEquals(List.of(), contained(police, DocumentReference.class));
        assertEquals(1, police.getSupportingInfo().size());
        assertEquals("REDACTED", police.getMeta().getSecurityFirstRep().getCode());

        // The same per-reader release on search and on the JSON API.
        Bundle found = client("police:met").search().forResource(ServiceRequest.class)
                .where(new TokenClientParam("subject:Patient.identifier").exactly().systemAndCode(ChildIndex.NHS_NUMBER, nhs))
                .returnBundle(Bundle.class).execute();
        ServiceRequest searched = (ServiceRequest) found.getEntryFirstRep().getResource();
        assertEquals(List.of(), contained(searched, DocumentReference.class));
        given().auth().oauth2(token("la:E09000030")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/referrals/" + id).then().statusCode(200)
                .body("attachments.size()", equalTo(2))
                .body("attachments[1].category", equalTo("health"));
        given().auth().oauth2(token("nhs:RQX")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/referrals/" + id).then().statusCode(200)
                .body("attachments.category", equalTo(List.of("risk")));
    }

    @Test
    void aSupportingEntryWithoutItsCategoryOrAboutAnotherPatientIsRefusedNamingTheElement() {
        String nhs = nhsNumber();
        String noCategory = bundle(nhs, flag("risk", PATIENT_URL).replace("data-category", "something-else"));
        given().auth().oauth2(token("la:E10000017")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(noCategory).when().post("/fhir")
                .then().statusCode(400).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].code", equalTo("invalid"))
                .body("issue[0].expression[0]", equalTo("Bundle.entry[0].resource.category"));
        String otherPatient = bundle(nhs, flag("risk", "urn:uuid:00000000-0000-0000-0000-000000000000"));
        given().auth().oauth2(token("la:E10000017")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(otherPatient).when().post("/fhir")
                .then().statusCode(400).body("issue[0].expression[0]", equalTo("Bundle.entry[0].resource.subject"));
        assertEquals(0, Db.count("SELECT count(*) FROM child_identifier WHERE value = ?", nhs), "nothing saved");
    }

    @Test
    void aSupportingRecordOfACategoryTheSenderMayNotReferIsRefusedWithNothingSaved() {
        String nhs = nhsNumber();
        // The Met may refer police intelligence but not health: a health document from it is refused.
        String body = bundle(nhs, document("health"))
                .replace("\"value\": \"la:E10000017\"", "\"value\": \"police:met\"")
                .replaceAll(",\\s*\\{\"extension\": \\[\\{\"url\": \"[^\"]+note-section\", \"valueCode\": \"health\"\\}\\],"
                        + "\\s*\"text\": \"[^\"]*\"\\}", "");
        assertFalse(body.contains("sexual health clinic twice"), "the fixture's own health note is removed");
        given().auth().oauth2(token("police:met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(body).when().post("/fhir")
                .then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));
        assertEquals(0, Db.count("SELECT count(*) FROM child_identifier WHERE value = ?", nhs));
        // Without the document the same referral is accepted.
        given().auth().oauth2(token("police:met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(FHIR_JSON).body(body.replace(document("health"), "")).when().post("/fhir")
                .then().statusCode(200).body("entry[1].response.status", equalTo("201 Created"));
        assertTrue(Db.count("SELECT count(*) FROM child_identifier WHERE value = ?", nhs) == 1);
    }
}
