package uk.safeguarding.gateway.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.TestTokens;

@QuarkusTest
class WhoAmIResourceTest {

    private static final String PATH = "/api/v1/whoami";

    @Test
    void aValidTokenIsUnderstood() {
        given().auth().oauth2(TestTokens.forAgency("la:E09000030").roles("practitioner", "supervisor").sign())
                .when().get(PATH)
                .then().statusCode(200)
                .body("agency", equalTo("la:E09000030"))
                .body("roles", contains("practitioner", "supervisor"))
                .body("issuer", equalTo(TestTokens.ISSUER));
    }

    @Test
    void noTokenIs401() {
        given().when().get(PATH).then().statusCode(401);
    }

    @Test
    void anExpiredTokenIs401() {
        given().auth().oauth2(TestTokens.forAgency("police:met").expiredSecondsAgo(120).sign())
                .when().get(PATH).then().statusCode(401).body("code", equalTo("TOKEN_INVALID"));
    }

    @Test
    void aTokenForAnotherAudienceIs401() {
        given().auth().oauth2(TestTokens.forAgency("police:met").audience("account").sign())
                .when().get(PATH).then().statusCode(401);
    }

    @Test
    void aTokenFromAnotherIssuerIs401() {
        given().auth().oauth2(TestTokens.forAgency("police:met").issuer("https://issuer.test/realms/other").sign())
                .when().get(PATH).then().statusCode(401);
    }

    @Test
    void aTokenSignedWithAnotherKeyIs401() {
        given().auth().oauth2(TestTokens.forAgency("police:met").signedWithForeignKey().sign())
                .when().get(PATH).then().statusCode(401);
    }

    @Test
    void aTokenWithoutAnAgencyClaimIs401() {
        given().auth().oauth2(TestTokens.forAgency("police:met").withoutAgency().sign())
                .when().get(PATH).then().statusCode(401);
    }
}
