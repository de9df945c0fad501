package uk.safeguarding.gateway.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * The console's doors without a browser: people are sent to the realm's login with PKCE, a bearer
 * token (good for the API) opens no console page, and the GOV.UK Frontend assets are served from
 * the jar. The signed-in pages are exercised in a real browser by e2e/console/ConsoleBrowserIT.
 */
@QuarkusTest
class ConsoleAccessTest {

    private static final RestAssuredConfig NO_REDIRECTS = RestAssuredConfig.config()
            .redirect(RedirectConfig.redirectConfig().followRedirects(false));

    @Test
    void anonymousVisitorIsSentToTheRealmLoginWithPkce() {
        given().config(NO_REDIRECTS).when().get("/console/dpo/audit")
                .then().statusCode(302)
                .header("Location", startsWith(TestTokens.ISSUER + "/protocol/openid-connect/auth?"))
                .header("Location", containsString("client_id=gateway-console"))
                .header("Location", containsString("code_challenge_method=S256"))
                .header("Location", containsString("code_challenge="));
    }

    @Test
    void aBearerTokenOpensNoConsolePage() {
        String dpo = TestTokens.forAgency("la:E09000030").roles("dpo").subject("dpo-1").sign();
        given().config(NO_REDIRECTS).auth().oauth2(dpo).when().get("/console/dpo/audit")
                .then().statusCode(302).header("Location", containsString("/protocol/openid-connect/auth?"));
    }

    @Test
    void theApiStillAnswersBearerTokensAndRefusesMissingOnesWithAProblem() {
        String dpo = TestTokens.forAgency("la:E09000030").roles("dpo").subject("dpo-1").sign();
        given().auth().oauth2(dpo).when().get("/api/v1/whoami").then().statusCode(200);
        given().config(NO_REDIRECTS).when().get("/api/v1/whoami")
                .then().statusCode(401).contentType(startsWith("application/problem+json"));
    }

    @Test
    void signedOutPageIsPublicAndAccessible() {
        given().when().get("/console/signed-out")
                .then().statusCode(200).contentType(startsWith("text/html"))
                .body(containsString("<html lang=\"en\""))
                .body(containsString("class=\"govuk-skip-link\""))
                .body(containsString("<h1 class=\"govuk-heading-l\">You have signed out</h1>"))
                .body(containsString("/console/static/govuk-frontend.min.css"))
                // GOV.UK Frontend 5.x draws the refreshed brand only when the page asks for it.
                .body(containsString("class=\"govuk-template govuk-template--rebranded\""))
                .body(containsString("/assets/rebrand/images/favicon.ico"));
    }

    @Test
    void govukFrontendIsServedFromTheJarNotACdn() {
        given().when().get("/console/static/govuk-frontend.min.css")
                .then().statusCode(200).contentType(startsWith("text/css"))
                .body(containsString(".govuk-template--rebranded"));
        // The webjar's version (org.webjars.npm:govuk-frontend, the parent POM's govuk-frontend.version).
        given().when().get("/console/static/govuk-frontend.min.js")
                .then().statusCode(200).body(containsString("version=\"5.14.0\""));
        given().when().get("/assets/images/govuk-crest.svg").then().statusCode(200);
        given().when().get("/assets/rebrand/images/favicon.ico").then().statusCode(200);
        given().when().get("/assets/fonts/bold-b542beb274-v2.woff2").then().statusCode(200);
    }
}
