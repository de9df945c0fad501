package uk.safeguarding.gateway.support;

import static io.restassured.RestAssured.given;

/** Real tokens from the running realm, using the dev-only secrets documented in keycloak/README.md. */
public final class KeycloakTokens {

    private KeycloakTokens() {
    }

    /** Client-credentials token for an agency system client, e.g. {@code police-met}. */
    public static String clientToken(String clientId) {
        return clientToken(KeycloakResource.REALM_URL, clientId, "dev-secret-" + clientId);
    }

    public static String clientToken(String realmUrl, String clientId, String secret) {
        return given().formParam("grant_type", "client_credentials")
                .formParam("client_id", clientId)
                .formParam("client_secret", secret)
                .when().post(realmUrl + "/protocol/openid-connect/token")
                .then().statusCode(200)
                .extract().path("access_token");
    }

    /** Password-grant token for a console user through the test-only {@code e2e-tests} client. */
    public static String userToken(String username) {
        return given().formParam("grant_type", "password")
                .formParam("client_id", "e2e-tests")
                .formParam("username", username)
                .formParam("password", "dev-password-" + username)
                .when().post(KeycloakResource.REALM_URL + "/protocol/openid-connect/token")
                .then().statusCode(200)
                .extract().path("access_token");
    }
}
