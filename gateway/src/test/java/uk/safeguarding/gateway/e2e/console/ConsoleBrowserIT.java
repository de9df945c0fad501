package uk.safeguarding.gateway.e2e.console;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * The console's journeys in a real headless Chromium, through the real Keycloak login page, against
 * the packaged gateway: a provider acknowledges an alert and reports a child missing, cannot open
 * another provider's alert by editing the address, and a DPO finds the disclosures and resolves the
 * anomaly flag that attempt raised. The data are set up through the public API with real client tokens.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    private static final KeycloakResource KEYCLOAK = new KeycloakResource();
    private static ConsoleGateway gateway;
    private static String nhsNumber;
    private static String childId;
    private static String otherProvidersAlert;

    @BeforeAll
    static void start() throws Exception {
        KEYCLOAK.start();
        gateway = ConsoleGateway.start();
        nhsNumber = Long.toString(9_000_000_000L + (long) (Math.random() * 999_999_999L));
        childId = plan(nhsNumber, "provider:SC123456");
        String otherChild = plan(Long.toString(9_000_000_000L + (long) (Math.random() * 999_999_999L)), "provider:SC654321");
        // The placing council records a high risk: every involved agency, the provider included, is alerted.
        assessHigh(childId);
        assessHigh(otherChild);
        otherProvidersAlert = given().auth().oauth2(KeycloakTokens.clientToken("provider-sc654321"))
                .header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get(ConsoleGateway.BASE_URL + "/api/v1/alerts")
                .then().statusCode(200).extract().path("[0].id");
        org.junit.jupiter.api.Assertions.assertNotNull(otherProvidersAlert, "the other provider has an alert");
        // An agency with no part in the child's care is refused like a child that does not exist.
        given().auth().oauth2(KeycloakTokens.clientToken("nhs-lsc-icb")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get(ConsoleGateway.BASE_URL + "/api/v1/children/" + childId + "/risk-assessments")
                .then().statusCode(404);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        KEYCLOAK.stop();
    }

    @Test
    @Order(1)
    void providerAcknowledgesAnAlertAndReportsTheChildMissing() throws Exception {
        try (Browser b = new Browser()) {
            b.signIn("provider.manager");
            assertEquals("provider.manager", b.text("signed-in-as"));
            assertEquals("", b.govukMissing(), "GOV.UK Frontend's script and style run under the console's CSP");
            WebElement alerts = b.find("alerts");
            b.shot("provider-alerts");
            List<WebElement> links = alerts.findElements(By.cssSelector("a.alert-link"));
            assertFalse(links.isEmpty(), "the provider's inbox lists the placement alert");
            links.get(0).click();
            assertEquals("DELIVERED", b.text("alert-status"));
            b.shot("provider-alert");
            b.find("acknowledge").click();
            b.wait(ExpectedConditions.textToBe(By.id("alert-status"), "ACKNOWLEDGED"));
            assertTrue(b.text("notice").startsWith("Alert acknowledged"));
            b.shot("provider-alert-acknowledged");

            b.open("/console/provider/children");
            b.find("children");
            b.shot("provider-children");
            b.open("/console/provider/children/" + childId);
            assertEquals("Not reported missing.", b.text("missing-status"));
            b.shot("provider-child");
            b.find("report-missing").click();
            // A wrong time is refused with a GOV.UK error summary that links to the field.
            b.find("lastSeen").sendKeys("yesterday evening");
            b.find("send-missing").click();
            WebElement summary = b.wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".govuk-error-summary")));
            assertTrue(summary.getText().contains("Enter the time last seen"));
            assertTrue(b.driver.getTitle().startsWith("Error:"));
            // GOV.UK Frontend's error summary module (initAll, an ES module under script-src 'self') focused it.
            b.wait(d -> Boolean.TRUE.equals(b.driver.executeScript(
                    "return document.activeElement && document.activeElement.classList.contains('govuk-error-summary')")));
            b.shot("provider-missing-error");
            b.find("lastSeen").clear();
            b.find("lastSeenLocation").sendKeys("Preston bus station");
            b.find("circumstances").sendKeys("Did not come back from school; staff say she is putting herself at risk");
            b.shot("provider-missing-form");
            b.find("send-missing").click();
            b.wait(ExpectedConditions.textToBePresentInElementLocated(By.id("missing-status"), "Reported missing since"));
            assertTrue(b.text("notice").startsWith("Missing report sent"));
            // Sent as written, and the author shown why the wording blames the child (the API's check, on a form).
            assertTrue(b.text("wording").contains("sent as you wrote it"), b.text("wording"));
            assertTrue(b.text("wording-advice").contains("a child cannot consent to their own exploitation"), b.text("wording-advice"));
            b.shot("provider-child-missing");
            providerFormTextPostgresCannotStoreIsRefused(b);
            assertEquals(List.of(), b.cspViolations(), "nothing on the provider's pages was blocked by the CSP");
        }
        // The API agrees: the police partner's inbox has the child-missing alert (not just a page saying so).
        List<Map<String, Object>> inbox = given().auth().oauth2(KeycloakTokens.clientToken("police-lancashire"))
                .header("Purpose-Of-Use", "MISSING-RESPONSE")
                .when().get(ConsoleGateway.BASE_URL + "/api/v1/alerts?limit=500&include-acknowledged=true")
                .then().statusCode(200).extract().path("");
        assertTrue(inbox.stream().anyMatch(a -> "child-missing".equals(a.get("event")) && a.toString().contains(childId)),
                "host police alerted about this child: " + inbox.stream().map(a -> a.get("event")).toList());
    }

    @Test
    @Order(2)
    void providerCannotOpenAnotherProvidersAlertByEditingTheAddress() throws Exception {
        try (Browser b = new Browser()) {
            b.signIn("provider.manager");
            b.open("/console/provider/alerts/" + otherProvidersAlert);
            assertEquals("Page not found", b.text("error-title"));
            assertFalse(b.driver.getPageSource().contains(otherProvidersAlert.substring(0, 8) + "-") && b.driver.getPageSource().contains("payload"));
            b.shot("provider-other-alert-404");
            formPostsNeedTheCsrfToken(b);
            // And the same through the API with the provider's own system: 404, as for an alert that does not exist.
            given().auth().oauth2(KeycloakTokens.clientToken("provider-sc123456")).header("Purpose-Of-Use", "SAFEGUARDING")
                    .when().get(ConsoleGateway.BASE_URL + "/api/v1/alerts/" + otherProvidersAlert)
                    .then().statusCode(404);
            b.find("sign-out").click();
            b.find("sign-in-again");
            b.shot("signed-out");
            b.open("/console/provider/alerts");
            b.find("username");
        }
    }

    @Test
    @Order(3)
    void dpoFindsTheDisclosuresAndResolvesAnAnomaly() throws Exception {
        try (Browser b = new Browser()) {
            b.signIn("dpo.towerhamlets");
            b.find("search");
            b.find("child").sendKeys(NHS + "|" + nhsNumber);
            b.find("search").click();
            b.find("results");
            // The DPO's scope: Tower Hamlets' own actions (its system planned the placement and assessed the risk).
            assertTrue(b.text("results").contains("la:E09000030"), "Tower Hamlets' own actions are in the trail");
            b.shot("dpo-audit");

            b.open("/console/dpo/disclosures");
            b.find("child").sendKeys(NHS + "|" + nhsNumber);
            b.find("find").click();
            // Disclosures in Tower Hamlets' scope (to it, or of its information); a provider's read of the
            // alert appears here once alert reads record whose information they released.
            assertTrue(b.text("report-heading").contains("disclosure"), b.text("report-heading"));
            b.shot("dpo-disclosures");
            String download = b.find("download").getAttribute("href");
            String html = given().urlEncodingEnabled(false).cookies(cookies(b)).when().get(download).then().statusCode(200)
                    .header("Content-Disposition", org.hamcrest.Matchers.containsString("attachment"))
                    .extract().asString();
            assertTrue(html.startsWith("<!DOCTYPE html>"), html);

            b.open("/console/dpo/chain");
            assertTrue(b.text("chain-status").contains("Intact"));
            b.shot("dpo-chain");

            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            WebElement flag = null;
            while (flag == null && Instant.now().isBefore(deadline)) {
                b.open("/console/dpo/anomalies");
                flag = b.driver.findElements(By.xpath("//table[@id='anomalies']//tr[td[contains(., 'nhs:QE1')] and td[contains(., 'NO_RELATIONSHIP')]]//a"))
                        .stream().findFirst().orElse(null);
                if (flag == null) {
                    Thread.sleep(3000);
                }
            }
            // The NHS body's attempt on the child concerns the agencies involved with the child, the placing
            // council among them (another provider's alert, by id, names no child: that flag is the provider's DPO's).
            assertTrue(flag != null, "the unrelated NHS body's attempt on the child is flagged to the placing council's DPO");
            b.shot("dpo-anomalies");
            flag.click();
            b.find("resolve").click();
            assertTrue(b.wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".govuk-error-summary"))).getText()
                    .contains("Say how the flag was reviewed"));
            b.shot("dpo-anomaly-error");
            // A note PostgreSQL cannot store (%00 in the form body) is the form again, naming the field.
            String resolve = b.driver.findElement(By.cssSelector("form[action*='/resolve']")).getAttribute("action");
            Map<String, String> dpoCookies = cookies(b);
            given().redirects().follow(false).cookies(dpoCookies).formParam("csrf-token", dpoCookies.get("console-csrf"))
                    .formParam("note", "Checked\u0000").when().post(resolve).then().statusCode(400)
                    .body(org.hamcrest.Matchers.containsString("note contains a character that cannot be stored"));
            b.find("note").sendKeys("Checked with the ICB: a mistyped NHS number in a clinic system; no disclosure.");
            b.shot("dpo-anomaly");
            b.find("resolve").click();
            assertEquals("The anomaly was resolved and your note recorded.", b.text("notice"));
            b.shot("dpo-anomalies-resolved");

            b.open("/console/dpo/compliance");
            b.find("notices-chart");
            assertTrue(b.text("acks-table").contains("provider:SC123456"));
            b.shot("dpo-compliance");
            assertEquals(List.of(), b.cspViolations(), "nothing on the DPO's pages was blocked by the CSP");
        }
    }

    @Test
    @Order(4)
    void theLeadDpoSeesAnotherAgencysFlagOnlyInThePartnershipView() throws Exception {
        // The provider's attempt on another provider's alert (test 2) names no child: it is the provider's
        // DPO's to review, and the partnership's lead DPO's when they ask for the partnership view.
        String row = "//table[@id='anomalies']//tr[td[contains(., 'provider:SC123456')] and td[contains(., 'NO_RELATIONSHIP')]]//a";
        try (Browser b = new Browser()) {
            b.signIn("lead-dpo.towerhamlets");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            WebElement flag = null;
            while (flag == null && Instant.now().isBefore(deadline)) {
                b.open("/console/dpo/anomalies?scope=partnership");
                flag = b.driver.findElements(By.xpath(row)).stream().findFirst().orElse(null);
                if (flag == null) {
                    Thread.sleep(3000);
                }
            }
            assertTrue(flag != null, "the provider's flag is in the partnership view");
            b.shot("dpo-partnership-anomalies");
            flag.click();
            assertTrue(b.driver.getCurrentUrl().endsWith("?scope=partnership"), b.driver.getCurrentUrl());
            assertTrue(b.text("anomaly-status").contains("OPEN"));
            b.open("/console/dpo/anomalies");
            assertTrue(b.driver.findElements(By.xpath(row)).isEmpty(), "not in the lead DPO's own agency's view");
        }
    }

    /**
     * Over plain HTTP with the signed-in provider's own cookies: a form post without the CSRF token, or
     * with a token that is not the one in the person's cookie, is refused with the 403 page before any
     * handler runs; with it, the post reaches the handler (here the 404 for another provider's alert).
     * Console responses carry the security headers.
     */
    private static void formPostsNeedTheCsrfToken(Browser b) {
        Map<String, String> cookies = cookies(b);
        String csrf = cookies.get("console-csrf");
        org.junit.jupiter.api.Assertions.assertNotNull(csrf, "a console page set the CSRF cookie");
        String acknowledge = ConsoleGateway.BASE_URL + "/console/provider/alerts/" + otherProvidersAlert + "/acknowledge";
        Map<String, String> withoutCsrfCookie = new LinkedHashMap<>(cookies);
        withoutCsrfCookie.remove("console-csrf");
        given().redirects().follow(false).cookies(withoutCsrfCookie).formParam("other", "x")
                .when().post(acknowledge).then().statusCode(403);
        given().redirects().follow(false).cookies(cookies).when().post(acknowledge).then().statusCode(403);
        given().redirects().follow(false).cookies(cookies).formParam("csrf-token", csrf + "x")
                .when().post(acknowledge).then().statusCode(403);
        // A cookie planted by another site, with the same value in the form: equal, but not signed by the gateway.
        Map<String, String> planted = new LinkedHashMap<>(cookies);
        planted.put("console-csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
        given().redirects().follow(false).cookies(planted).formParam("csrf-token", planted.get("console-csrf"))
                .when().post(acknowledge).then().statusCode(403);
        given().redirects().follow(false).cookies(withoutCsrfCookie).formParam("csrf-token", csrf)
                .when().post(acknowledge).then().statusCode(403);
        given().redirects().follow(false).cookies(cookies).formParam("csrf-token", csrf)
                .when().post(acknowledge).then().statusCode(404);
        given().redirects().follow(false).cookies(cookies).when().get(ConsoleGateway.BASE_URL + "/console/provider/alerts")
                .then().statusCode(200)
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("frame-ancestors 'none'"))
                .header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "no-referrer");
    }

    /**
     * Form text PostgreSQL cannot store ({@code %00} in a form body, which passes no JSON check) is
     * refused before anything is written: the missing form again with the field's error, and the found
     * form's error page naming the field; the child is still missing afterwards.
     */
    private static void providerFormTextPostgresCannotStoreIsRefused(Browser b) {
        Map<String, String> cookies = cookies(b);
        String base = ConsoleGateway.BASE_URL + "/console/provider/children/" + childId;
        given().redirects().follow(false).cookies(cookies).formParam("csrf-token", cookies.get("console-csrf"))
                .formParam("lastSeenLocation", "Preston\u0000").formParam("circumstances", "ok")
                .when().post(base + "/missing").then().statusCode(400)
                .body(org.hamcrest.Matchers.containsString("Where the child was last seen contains a character that cannot be stored"))
                .body(org.hamcrest.Matchers.containsString("id=\"lastSeenLocation-error\""));
        given().redirects().follow(false).cookies(cookies).formParam("csrf-token", cookies.get("console-csrf"))
                .formParam("episode", java.util.UUID.randomUUID().toString()).formParam("locationFound", "Home\u0000")
                .when().post(base + "/found").then().statusCode(400)
                .body(org.hamcrest.Matchers.containsString("Where the child was found contains a character that cannot be stored"));
        b.open("/console/provider/children/" + childId);
        assertTrue(b.text("missing-status").contains("Reported missing since"), b.text("missing-status"));
    }

    private static Map<String, String> cookies(Browser b) {
        Map<String, String> cookies = new LinkedHashMap<>();
        b.driver.manage().getCookies().forEach(c -> cookies.put(c.getName(), c.getValue()));
        return cookies;
    }

    private static void assessHigh(String child) {
        given().auth().oauth2(KeycloakTokens.clientToken("la-tower-hamlets")).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(ContentType.JSON)
                .body(Map.of("level", "HIGH", "rationale", "Seen with older males at a takeaway; two missing episodes last month.", "reviewBy", java.time.LocalDate.now().plusMonths(6).toString()))
                .when().post(ConsoleGateway.BASE_URL + "/api/v1/children/" + child + "/risk-assessments")
                .then().statusCode(201);
    }

    private static String plan(String nhsNumber, String provider) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("child", Map.of("system", NHS, "value", nhsNumber));
        body.put("provider", provider);
        body.put("hostCouncil", "la:E10000017");
        body.put("hostPolice", "police:lancashire");
        body.put("homePolice", "police:met");
        body.put("rhiService", "la:E09000030");
        body.put("startDate", LocalDate.now().plusDays(3).toString());
        body.put("emergency", false);
        body.put("identity", Map.of("name", "Test Child " + nhsNumber.substring(6), "dateOfBirth", "2011-04-02"));
        body.put("placement", Map.of("address", "1 Hill Road, Preston PR1 1AA"));
        return given().auth().oauth2(KeycloakTokens.clientToken("la-tower-hamlets")).header("Purpose-Of-Use", "CARE-PLANNING")
                .contentType(ContentType.JSON).body(body)
                .when().post(ConsoleGateway.BASE_URL + "/api/v1/placements")
                .then().statusCode(201).extract().path("childId");
    }
}
