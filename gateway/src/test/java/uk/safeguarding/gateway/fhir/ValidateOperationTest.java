package uk.safeguarding.gateway.fhir;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Db;

/**
 * Every problem at once, and $validate: past parsing, one OperationOutcome lists every issue with its
 * FHIRPath; $validate answers what create would, and stores nothing.
 */
@QuarkusTest
class ValidateOperationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Response post(String path, String body) {
        return post(path, body, "police:met");
    }

    private static Response post(String path, String body, String agency) {
        // Sent as written: "%24validate" is how some clients send "$validate", and must not be encoded again.
        return given().urlEncodingEnabled(false).auth().oauth2(ReferralFhirTest.token(agency))
                .header("Purpose-Of-Use", "SAFEGUARDING").contentType("application/fhir+json").body(body).when().post(path);
    }

    private static long referrals(String nhs) {
        return Db.count("SELECT count(*) FROM referral r JOIN child_identifier ci ON ci.child_id = r.child_id WHERE ci.value = ?", nhs);
    }

    @Test
    void aValidReferralIsValidWithItsWarningsAndNothingIsStored() {
        String nhs = Fixtures.nhsNumber();
        String body = ReferralFhirTest.fixture("fhir/service-request-police.json", nhs);
        for (String path : List.of("/fhir/ServiceRequest/$validate", "/fhir/ServiceRequest/%24validate")) {
            post(path, body).then().statusCode(200).body("resourceType", equalTo("OperationOutcome"))
                    .body("issue[0].details.coding[0].code", equalTo("VALID"))
                    .body("issue[1].details.coding[0].code", equalTo("VICTIM_BLAMING_LANGUAGE"));
        }
        // The transaction fixture is Lancashire council's referral.
        post("/fhir/Bundle/$validate", ReferralFhirTest.fixture("fhir/transaction-bundle.json", nhs), "la:E10000017").then().statusCode(200)
                .body("issue[0].details.coding[0].code", equalTo("VALID"));
        assertEquals(0, referrals(nhs));
        post("/fhir/ServiceRequest/$everything", body).then().statusCode(404);
    }

    @Test
    void everyIssueIsAnsweredAtOnceByCreateAndByValidateAlike() throws Exception {
        String nhs = Fixtures.nhsNumber();
        ObjectNode sr = (ObjectNode) JSON.readTree(ReferralFhirTest.fixture("fhir/service-request-police.json", nhs));
        ProfileAgreementTest.child(sr).remove("birthDate");                          // content: date of birth
        ProfileAgreementTest.extension(sr, "risk-level").put("valueCode", "extreme");  // content: coded value
        ((ObjectNode) sr.withArray("note").get(2)).remove("extension");               // structure: note section
        sr.withArray("performer").add(sr.withArray("performer").get(0).deepCopy());   // structure: one home council
        Set<String> fromValidate = issues(post("/fhir/ServiceRequest/$validate", sr.toString()));
        Set<String> fromCreate = issues(post("/fhir/ServiceRequest", sr.toString()));
        assertEquals(fromCreate, fromValidate);
        assertTrue(fromCreate.containsAll(Set.of("DATE_OF_BIRTH_REQUIRED", "CODED_VALUE", "NOTE_SECTION_REQUIRED",
                "SINGLE_HOME_COUNCIL")), fromCreate.toString());
        assertEquals(0, referrals(nhs));
    }

    private static Set<String> issues(Response response) {
        response.then().statusCode(400).body("resourceType", equalTo("OperationOutcome"));
        List<String> codes = response.jsonPath().getList("issue.collect { it.details.coding[0].code }");
        List<List<String>> expressions = response.jsonPath().getList("issue.expression");
        assertEquals(codes.size(), expressions.size(), "one expression per issue");
        expressions.forEach(e -> assertTrue(e != null && !e.isEmpty() && !e.get(0).startsWith("/"), "FHIRPath: " + expressions));
        return new TreeSet<>(codes);
    }
}
