package uk.safeguarding.gateway.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * The console's headers and CSRF pieces without a browser: every console response (pages, redirects
 * to sign-in, static files) carries the CSP with frame-ancestors 'none', nosniff, no referrer and
 * no framing; API responses carry nosniff and no console policy; every POST form in the templates
 * carries the token; tokens are bound to the person they were issued for. The forms themselves are
 * posted with and without the token over HTTP in e2e/console/ConsoleBrowserIT, which has real sessions.
 */
@QuarkusTest
class ConsoleSecurityTest {

    private static final RestAssuredConfig NO_REDIRECTS = RestAssuredConfig.config()
            .redirect(RedirectConfig.redirectConfig().followRedirects(false));

    @Inject
    CsrfTokens tokens;

    private static void consoleHeaders(ValidatableResponse response) {
        response.header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Content-Security-Policy", containsString("script-src 'self';"))
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .header("Referrer-Policy", equalTo("no-referrer"))
                .header("X-Frame-Options", equalTo("DENY"));
    }

    @Test
    void consoleResponsesCarryTheSecurityHeaders() {
        consoleHeaders(given().when().get("/console/signed-out").then().statusCode(200));
        consoleHeaders(given().config(NO_REDIRECTS).when().get("/console/dpo/audit").then().statusCode(302));
        consoleHeaders(given().when().get("/console/static/govuk-frontend.min.js").then().statusCode(200));
        consoleHeaders(given().when().get("/assets/images/govuk-crest.svg").then().statusCode(200));
        // Form posts may end at the realm's login when the session has expired.
        given().when().get("/console/signed-out").then()
                .header("Content-Security-Policy", containsString("form-action 'self' https://issuer.test;"));
    }

    @Test
    void apiResponsesCarryNosniffAndNoConsolePolicy() {
        given().auth().oauth2(TestTokens.police()).when().get("/api/v1/whoami").then().statusCode(200)
                .header("X-Content-Type-Options", equalTo("nosniff")).header("Content-Security-Policy", nullValue());
        given().when().get("/api/v1/whoami").then().statusCode(401).header("X-Content-Type-Options", equalTo("nosniff"));
        given().header("Authorization", "Bearer not-a-jwt").when().get("/api/v1/whoami").then().statusCode(401)
                .header("X-Content-Type-Options", equalTo("nosniff"));
    }

    @Test
    void anApiPostWithABearerTokenNeedsNoCsrfToken() {
        given().auth().oauth2(TestTokens.forAgency("la:E09000030").roles("dpo").sign())
                .header("Purpose-Of-Use", "DPO-REVIEW").contentType("application/json").body("{\"note\":\"Reviewed: fine\"}")
                .when().post("/api/v1/audit/anomalies/" + java.util.UUID.randomUUID() + "/resolve")
                .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void aTokenIsValidOnlyForThePersonItWasIssuedFor() {
        String token = tokens.issue("subject-a");
        assertTrue(tokens.valid(token, "subject-a"));
        assertFalse(tokens.valid(token, "subject-b"), "another person's token");
        assertFalse(tokens.valid(token.substring(0, token.indexOf('.')) + ".AAAA", "subject-a"), "a forged signature");
        assertFalse(tokens.valid("AAAA.BBBB", "subject-a"));
        assertFalse(tokens.valid(null, "subject-a"));
        assertFalse(tokens.valid(token, null), "nobody signed in");
    }

    @Test
    void everyPostFormInTheConsoleCarriesTheToken() throws IOException {
        Path templates = Path.of("src/main/resources/templates/console");
        Pattern form = Pattern.compile("<form\\b[^>]*method=\"post\"[^>]*>\\s*<input type=\"hidden\" name=\"csrf-token\" value=\"\\{csrf}\">|<form\\b[^>]*method=\"post\"",
                Pattern.CASE_INSENSITIVE);
        List<String> missing = new ArrayList<>();
        int forms = 0;
        try (Stream<Path> files = Files.list(templates)) {
            for (Path file : files.toList()) {
                Matcher m = form.matcher(Files.readString(file));
                while (m.find()) {
                    forms++;
                    if (!m.group().contains("csrf-token")) {
                        missing.add(file.getFileName().toString());
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "POST forms without the CSRF token");
        assertTrue(forms >= 4, "found only " + forms + " POST forms");
    }
}
