package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * End to end against the packaged gateway and a real Keycloak started by bin/keycloak: tokens the
 * realm issues are accepted, and tokens it issues for someone else, expired ones and tokens from
 * another realm are refused.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class KeycloakTokensIT {

    private static final String WHOAMI = "/api/v1/whoami";

    /** The packaged gateway runs the prod profile here: only health and metrics answer without a token. */
    @Test
    void inProductionOnlyHealthAndMetricsAreOpen() {
        // Open, so ready as soon as the FHIR warm-up is done (503 until then, never 401).
        given().when().get("/q/health/live").then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120))
                .until(() -> given().when().get("/q/health/ready").statusCode() == 200);
        given().when().get("/q/metrics").then().statusCode(200);
        for (String closed : new String[] {"/q/openapi", "/q/openapi?format=json", "/q/swagger-ui/", "/fhir/metadata", WHOAMI}) {
            given().redirects().follow(false).when().get(closed).then().statusCode(org.hamcrest.Matchers.oneOf(401, 403));
        }
        // With a token the API description is still closed in production: it is for the tooling of dev and test.
        given().redirects().follow(false).auth().oauth2(KeycloakTokens.clientToken("police-met")).when().get("/q/openapi")
                .then().statusCode(org.hamcrest.Matchers.oneOf(401, 403));
        given().auth().oauth2(KeycloakTokens.clientToken("police-met")).when().get("/fhir/metadata").then().statusCode(200);
    }

    @ParameterizedTest
    @CsvSource({
            "police-met, police:met",
            "la-tower-hamlets, la:E09000030",
            "provider-sc123456, provider:SC123456"})
    void aClientCredentialsTokenFromTheRealmIsAccepted(String clientId, String agency) {
        given().auth().oauth2(KeycloakTokens.clientToken(clientId))
                .when().get(WHOAMI)
                .then().statusCode(200)
                .body("agency", equalTo(agency))
                .body("clientId", equalTo(clientId))
                .body("roles", hasItem("practitioner"))
                .body("issuer", equalTo(KeycloakResource.REALM_URL));
    }

    @Test
    void aConsoleUserTokenCarriesTheUsersAgency() {
        given().auth().oauth2(KeycloakTokens.userToken("social.worker"))
                .when().get(WHOAMI)
                .then().statusCode(200)
                .body("agency", equalTo("la:E09000030"))
                .body("roles", hasItem("practitioner"));
    }

    @Test
    void aRealmTokenForAnotherAudienceIsRefused() {
        given().auth().oauth2(KeycloakTokens.clientToken("e2e-wrong-audience"))
                .when().get(WHOAMI).then().statusCode(401).body("code", equalTo("TOKEN_INVALID"));
    }

    @Test
    void anExpiredRealmTokenIsRefused() throws InterruptedException {
        String token = KeycloakTokens.clientToken("e2e-short-lived");
        given().auth().oauth2(token).when().get(WHOAMI).then().statusCode(200);
        Thread.sleep(4_000);
        given().auth().oauth2(token).when().get(WHOAMI).then().statusCode(401).body("code", equalTo("TOKEN_INVALID"));
    }

    @Test
    void aTokenFromAnotherRealmIsRefused() {
        String token = KeycloakTokens.clientToken(KeycloakResource.OTHER_REALM_URL, "police-met", "dev-secret-police-met");
        given().auth().oauth2(token).when().get(WHOAMI).then().statusCode(401).body("code", equalTo("TOKEN_INVALID"));
    }

    @Test
    void noTokenIsRefused() {
        given().when().get(WHOAMI).then().statusCode(401);
    }
}
