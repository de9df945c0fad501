package uk.safeguarding.gateway.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * The practitioner pages' doors: a visitor is sent to sign in, and a practitioner's bearer token (good
 * for the API routes these pages call) opens none of them. Signed in, they are walked in Chromium by
 * e2e/console/PractitionerBrowserIT.
 */
@QuarkusTest
class PractitionerConsoleAccessTest {

    private static final RestAssuredConfig NO_REDIRECTS = RestAssuredConfig.config()
            .redirect(RedirectConfig.redirectConfig().followRedirects(false));

    @ParameterizedTest
    @ValueSource(strings = {"/console/practitioner/inbox", "/console/practitioner/referrals/{id}",
        "/console/practitioner/children/{id}", "/console/practitioner/discussions/{id}"})
    void pagesNeedTheConsoleSignIn(String page) {
        String path = page.replace("{id}", UUID.randomUUID().toString());
        given().config(NO_REDIRECTS).when().get(path).then().statusCode(302)
                .header("Location", containsString("/protocol/openid-connect/auth?"));
        String practitioner = TestTokens.forAgency("la:E09000030").roles("practitioner").subject("sw-1").sign();
        given().config(NO_REDIRECTS).auth().oauth2(practitioner).when().get(path).then().statusCode(302)
                .header("Location", containsString("/protocol/openid-connect/auth?"));
    }
}
