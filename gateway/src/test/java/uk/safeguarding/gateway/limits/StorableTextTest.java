package uk.safeguarding.gateway.limits;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.Routes;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Text PostgreSQL cannot store ({@code \u0000}, half a surrogate pair) is refused at the edge with a
 * 400 naming the field, on every route that takes a body; before, the JSON and FHIR intakes, a risk
 * rationale, a placement's identity block and a decline reason each answered 500.
 */
@QuarkusTest
class StorableTextTest {

    private static final String NUL = "\\u0000";

    private static String token() {
        // Every role, so that no route refuses the caller before reading the body.
        return TestTokens.forAgency("police:met").roles("practitioner", "supervisor", "dpo", "provider", "admin")
                .subject("storable-text-user").sign();
    }

    @Test
    void theJsonReferralIntakeNamesTheFieldAndStoresNothing() {
        String nhs = Fixtures.nhsNumber();
        String body = Fixtures.load("police-cse.json", nhs).replace("\"Seen getting", "\"Seen" + NUL + " getting");
        long before = Db.count("SELECT count(*) FROM referral");
        given().auth().oauth2(token()).header("Purpose-Of-Use", "SAFEGUARDING").contentType("application/json").body(body)
                .when().post("/api/v1/referrals")
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("code", equalTo(StorableText.RULE))
                .body("errors[0].field", equalTo("/summary"))
                .body("errors[0].rule", equalTo(StorableText.RULE));
        assertEquals(before, Db.count("SELECT count(*) FROM referral"));
    }

    @Test
    void aLoneSurrogateInANameIsRefusedToo() {
        String body = Fixtures.load("police-cse.json", Fixtures.nhsNumber()).replace("\"Amira\"", "\"Am\\ud800ira\"");
        given().auth().oauth2(token()).header("Purpose-Of-Use", "SAFEGUARDING").contentType("application/json").body(body)
                .when().post("/api/v1/referrals")
                .then().statusCode(400).body("errors[0].field", equalTo("/child/givenName"));
    }

    @Test
    void theFhirIntakeAnswersAnOperationOutcomeWithTheFhirPath() {
        String body = Fixtures.load("../fhir/service-request-police.json", Fixtures.nhsNumber());
        int at = body.indexOf("\"text\": \"") + "\"text\": \"".length();
        body = body.substring(0, at) + NUL + body.substring(at);
        Response response = given().auth().oauth2(token()).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType("application/fhir+json").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/fhir/ServiceRequest");
        response.then().statusCode(400).contentType(startsWith("application/fhir+json"))
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].details.coding[0].code", equalTo(StorableText.RULE));
        String expression = response.jsonPath().getString("issue[0].expression[0]");
        assertTrue(expression.matches("ServiceRequest\\.note\\[\\d+]\\.text"), expression);
    }

    @Test
    void everyRouteThatTakesABodyRefusesItBeforeAnythingElse() {
        Map<String, Map<String, Map<String, Object>>> paths = given().queryParam("format", "json")
                .when().get("/q/openapi").then().statusCode(200).extract().path("paths");
        List<String> notRefused = new ArrayList<>();
        int probed = 0;
        for (Routes.Route route : Routes.all()) {
            Object operation = paths.get(route.path()).get(route.method().toLowerCase());
            if (!(operation instanceof Map<?, ?> op) || !op.containsKey("requestBody")) {
                continue; // no body parameter: a body sent there is never read, so never stored
            }
            probed++;
            boolean fhir = route.path().startsWith("/fhir");
            Response response = given().auth().oauth2(token()).header("Purpose-Of-Use", "SAFEGUARDING")
                    .contentType(fhir ? "application/fhir+json" : "application/json")
                    .body("{\"resourceType\": \"Parameters\", \"zz\": \"a" + NUL + "b\"}")
                    .when().request(route.method(), route.withIds("00000000-0000-4000-8000-000000000000"));
            String field = response.statusCode() != 400 ? null : fhir
                    ? response.jsonPath().getString("issue[0].expression[0]") : response.jsonPath().getString("errors[0].field");
            if (!(fhir ? "Parameters.zz" : "/zz").equals(field)) {
                notRefused.add(route.key() + " -> " + response.statusCode() + " " + field);
            }
        }
        assertTrue(probed > 20, "routes with a body: " + probed);
        assertTrue(notRefused.isEmpty(), "routes that did not refuse the text at the edge: " + notRefused);
    }

    @Test
    void aQueryParameterHoldingNulIsRefusedNamingIt() {
        // Both were 500 (PostgreSQL: invalid byte sequence for encoding UTF8, 22021).
        given().urlEncodingEnabled(false).auth().oauth2(token()).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/fhir/ServiceRequest?subject:identifier=https://fhir.nhs.uk/Id/nhs-number%7C94%0034765919")
                .then().statusCode(400).body("issue[0].details.coding[0].code", equalTo(StorableText.RULE))
                .body("issue[0].expression[0]", equalTo("subject:identifier"));
        given().urlEncodingEnabled(false).auth().oauth2(token()).header("Purpose-Of-Use", "DPO-REVIEW")
                .when().get("/api/v1/audit/events?child=https://fhir.nhs.uk/Id/nhs-number%7C94%0034765919")
                .then().statusCode(400).body("errors[0].field", equalTo("child")).body("errors[0].rule", equalTo(StorableText.RULE));
    }

    @Test
    void theScannerItself() {
        assertNull(StorableText.firstUnstorable("{\"a\": \"caf\\u00e9 \\ud83d\\ude00\"}".getBytes(StandardCharsets.UTF_8), false));
        assertEquals("/a/1/b", StorableText.firstUnstorable("{\"a\": [1, {\"b\": \"x\\u0000\"}]}".getBytes(StandardCharsets.UTF_8), false));
        assertEquals("/\uFFFD", StorableText.firstUnstorable("{\"\\u0000\": 1}".getBytes(StandardCharsets.UTF_8), false));
        assertEquals("Patient.name[0].given[1]", StorableText.firstUnstorable(
                "{\"resourceType\": \"Patient\", \"name\": [{\"given\": [\"a\", \"\\udc00\"]}]}".getBytes(StandardCharsets.UTF_8), true));
        // An escaped backslash followed by "u0000" is six ordinary characters.
        assertNull(StorableText.firstUnstorable("{\"a\": \"\\\\u0000\"}".getBytes(StandardCharsets.UTF_8), false));
        assertNull(StorableText.firstUnstorable("{not json".getBytes(StandardCharsets.UTF_8), false));
        assertFalse(StorableText.storable("\ud800x"));
        // Jackson refuses half a pair in a property name itself; the rule still names where.
        assertEquals("/a", StorableText.firstUnstorable("{\"a\": {\"x\\udc00\": 1}}".getBytes(StandardCharsets.UTF_8), false));
    }
}
