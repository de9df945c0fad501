package uk.safeguarding.gateway.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * The gateway operator (agency gateway:admin, which signs no protocol) may administer the gateway
 * with the admin role and nothing else: with another role it is refused at the door, and even with
 * the admin role no child's record is open to it.
 */
@QuarkusTest
class OperatorTokenTest {

    private static String operator(String... roles) {
        return TestTokens.forAgency("gateway:admin").roles(roles).subject("operator-1").sign();
    }

    @Test
    void theOperatorWithTheAdminRoleManagesSubscriptions() {
        given().auth().oauth2(operator("admin")).when().get("/api/v1/admin/subscriptions").then().statusCode(200);
    }

    @Test
    void theOperatorAgencyWithoutTheAdminRoleIsRefused() {
        given().auth().oauth2(operator("practitioner")).when().get("/api/v1/whoami")
                .then().statusCode(401).body("code", equalTo("AGENCY_NOT_SIGNATORY"));
    }

    @Test
    void theOperatorReadsNoChildRecord() {
        String referral = given().auth().oauth2(TestTokens.police()).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(ContentType.JSON).body(Fixtures.load("police-cse.json", Fixtures.nhsNumber()))
                .when().post("/api/v1/referrals").then().statusCode(201).extract().path("id");
        given().auth().oauth2(operator("admin", "practitioner")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/referrals/" + referral).then().statusCode(404);
    }
}
