package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * DPO scope end to end, with real tokens of real realm users against the packaged gateway: the DPO of
 * one council cannot search, export or download the disclosure report of a child known only to
 * another council (the answers are those for an NHS number nobody knows), while that council's own
 * DPO can; the partnership view is the lead DPO's alone.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class DpoScopeIT {

    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";

    private static RequestSpecification as(String user) {
        return given().auth().oauth2(KeycloakTokens.userToken(user)).header("Purpose-Of-Use", "DPO-REVIEW");
    }

    private static String body(Response r, String nhs) {
        return r.asString().replace(nhs, "<nhs>").replaceAll("\"requestId\":\"[^\"]*\"", "");
    }

    @Test
    void oneCouncilsDpoCannotSearchOrDownloadAnotherCouncilsChild() {
        String nhs = Fixtures.nhsNumber();
        String referral = given().auth().oauth2(KeycloakTokens.clientToken("police-met")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(ContentType.JSON).body(Fixtures.load("police-cse.json", nhs))
                .when().post("/api/v1/referrals").then().statusCode(201).extract().path("id");
        given().auth().oauth2(KeycloakTokens.clientToken("la-tower-hamlets")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/referrals/" + referral).then().statusCode(200);
        String unknown = Fixtures.nhsNumber();

        for (String query : List.of("/api/v1/audit/events?child=" + NHS + "|", "/api/v1/audit/export?format=csv&child=" + NHS + "|",
                "/api/v1/audit/export?format=fhir&child=" + NHS + "|", "/api/v1/audit/disclosures?child=" + NHS + "|")) {
            Response real = as("dpo.lancashire").when().get(query + nhs);
            Response random = as("dpo.lancashire").when().get(query + unknown);
            assertEquals(random.statusCode(), real.statusCode(), query);
            assertEquals(random.contentType(), real.contentType(), query);
            if (!query.contains("format=fhir")) {
                assertEquals(body(random, unknown), body(real, nhs), query + ": another council's child answers unlike an unknown one");
            }
            assertFalse(real.asString().contains(referral), query + " leaks the referral");
        }
        as("dpo.lancashire").when().get("/api/v1/audit/disclosures?child=" + NHS + "|" + nhs).then().statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        List<String> csv = List.of(as("dpo.lancashire").when().get("/api/v1/audit/export?format=csv&child=" + NHS + "|" + nhs)
                .then().statusCode(200).extract().asString().split("\r\n"));
        assertEquals(1, csv.size(), "only the header: " + csv);

        // The control: Tower Hamlets' own DPO finds its MASH's read of the child, and the report.
        assertFalse(as("dpo.towerhamlets").when().get("/api/v1/audit/events?child=" + NHS + "|" + nhs).then().statusCode(200)
                .extract().jsonPath().getList("items").isEmpty());
        as("dpo.towerhamlets").when().get("/api/v1/audit/disclosures?child=" + NHS + "|" + nhs).then().statusCode(200);

        // The partnership view: the lead DPO's, on request; refused to Lancashire's DPO with the engine's code.
        List<String> actions = as("lead-dpo.towerhamlets").when()
                .get("/api/v1/audit/events?scope=partnership&child=" + NHS + "|" + nhs).then().statusCode(200)
                .extract().jsonPath().getList("items.action");
        assertTrue(actions.contains("referral.create"), "the Met's referral, in the partnership view: " + actions);
        as("dpo.lancashire").when().get("/api/v1/audit/events?scope=partnership&child=" + NHS + "|" + nhs)
                .then().statusCode(403).body("code", equalTo("SCOPE_NOT_PERMITTED"));
    }
}
