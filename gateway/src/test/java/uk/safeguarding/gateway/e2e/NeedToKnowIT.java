package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * Permit and deny paths with real tokens from the running realm, against the packaged gateway: the
 * police refer, the home council's MASH reads what the protocol gives it, the health partner reads
 * less, and a trust with no relationship is told the referral does not exist.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class NeedToKnowIT {

    private static final String REFERRALS = "/api/v1/referrals";

    @Test
    void aReferralIsReadByItsRecipientsRedactedAndRefusedToAnUnrelatedAgency() {
        String referralId = given().auth().oauth2(KeycloakTokens.clientToken("police-met"))
                .header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON)
                .body(Fixtures.load("police-cse.json", Fixtures.nhsNumber()))
                .when().post(REFERRALS)
                .then().statusCode(201).extract().path("id");

        given().auth().oauth2(KeycloakTokens.clientToken("la-tower-hamlets")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get(REFERRALS + "/" + referralId)
                .then().statusCode(200).body("referral.policeIntelligence.handlingCode", equalTo("C"));

        given().auth().oauth2(KeycloakTokens.clientToken("nhs-homerton")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get(REFERRALS + "/" + referralId)
                .then().statusCode(200).body("referral", not(hasKey("policeIntelligence")))
                .body("referral.riskLevel", equalTo("high"));

        given().auth().oauth2(KeycloakTokens.clientToken("nhs-lsc-icb")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get(REFERRALS + "/" + referralId)
                .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }
}
