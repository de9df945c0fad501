package uk.safeguarding.gateway.e2e.console;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * The practitioner console in a real headless Chromium, through the real Keycloak login page, against
 * the packaged gateway: the Tower Hamlets MASH practitioner finds a police referral in the inbox, is
 * refused a decline without a reason, accepts it, and reads the child's chronology with the child
 * named and dates in GOV.UK style; a practitioner of an agency with no part in the child gets the same
 * 404 page for the real referral and child as for random ids. Data are set up through the public API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PractitionerBrowserIT {

    private static final KeycloakResource KEYCLOAK = new KeycloakResource();
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern GOVUK_DATE = Pattern.compile(
            "\\b[1-3]?[0-9] (January|February|March|April|May|June|July|August|September|October|November|December) 20[0-9]{2}\\b");
    private static final Pattern GOVUK_TIME = Pattern.compile("^([1-9]|1[0-2])(:[0-5][0-9])?(am|pm)$|^midday$|^midnight$");
    private static ConsoleGateway gateway;
    private static String referralId;
    private static String childId;
    private static String discussionId;
    private static String nhsNumber;

    @BeforeAll
    static void start() throws Exception {
        KEYCLOAK.start();
        gateway = ConsoleGateway.start();
        // The Met refers a child to Tower Hamlets' MASH (and Homerton): the council's inbox has it.
        Map<String, Object> receipt = given().auth().oauth2(KeycloakTokens.clientToken("police-met"))
                .header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON)
                .body(Fixtures.load("police-cse.json", nhsNumber = Fixtures.nhsNumber()))
                .when().post(ConsoleGateway.BASE_URL + "/api/v1/referrals")
                .then().statusCode(201).extract().path("");
        referralId = (String) receipt.get("id");
        childId = (String) receipt.get("childId");
        // The council convenes a strategy discussion and owns an action from it.
        discussionId = given().auth().oauth2(KeycloakTokens.clientToken("la-tower-hamlets"))
                .header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON)
                .body(Map.of("childId", childId, "heldAt", Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString(),
                        "summary", "Referral from the Met; missing three times this month.", "invitees", List.of("police:met"),
                        "informationShared", List.of("missing", "police-intelligence"), "exploitation", true,
                        "nextReviewOn", LocalDate.now().plusDays(28).toString()))
                .when().post(ConsoleGateway.BASE_URL + "/api/v1/strategy-discussions")
                .then().statusCode(201).extract().path("id");
        given().auth().oauth2(KeycloakTokens.clientToken("la-tower-hamlets"))
                .header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON)
                .body(Map.of("ownerAgency", "la:E09000030", "description", "Arrange a return home interview.",
                        "dueOn", LocalDate.now().plusDays(3).toString()))
                .when().post(ConsoleGateway.BASE_URL + "/api/v1/strategy-discussions/" + discussionId + "/actions")
                .then().statusCode(201);
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
    void theMashPractitionerDeclinesWithoutAReasonIsToldThenAcceptsAndReadsTheChronology() throws Exception {
        try (Browser b = new Browser()) {
            b.signIn("practitioner.towerhamlets");
            assertTrue(b.driver.getCurrentUrl().endsWith("/console/practitioner/inbox"), b.driver.getCurrentUrl());
            assertEquals("", b.govukMissing());
            WebElement referrals = b.find("referrals");
            assertTrue(referrals.getText().contains("Amira Test"), referrals.getText());
            assertTrue(referrals.getText().contains("Born 2 April 2011"), referrals.getText());
            assertTrue(referrals.getText().contains("Metropolitan Police Service"), referrals.getText());
            assertTrue(b.text("actions").contains("Arrange a return home interview."), b.text("actions"));
            noIdShown(b);
            b.shot("practitioner-inbox");

            b.driver.findElement(By.cssSelector("a.referral-link[href$='" + referralId + "']")).click();
            assertEquals("Amira Test", b.text("child-name"));
            assertEquals("2 April 2011", b.text("child-born"));
            assertEquals("PENDING", b.text("referral-status"));
            noIdShown(b);
            b.shot("practitioner-referral");
            b.find("acknowledge").click();
            b.wait(ExpectedConditions.textToBe(By.id("referral-status"), "ACKNOWLEDGED"));
            assertTrue(b.text("notice").startsWith("Referral acknowledged"));

            // A decline without a reason: the API's own rule, shown as a GOV.UK error summary linked to the field.
            b.find("decline").click();
            WebElement summary = b.wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".govuk-error-summary")));
            assertTrue(summary.getText().contains("A decline needs a reason"), summary.getText());
            assertTrue(b.driver.getTitle().startsWith("Error:"), b.driver.getTitle());
            assertEquals("#reason", summary.findElement(By.tagName("a")).getAttribute("hash"));
            assertTrue(b.find("reason-error").getText().contains("A decline needs a reason"));
            b.wait(d -> Boolean.TRUE.equals(b.driver.executeScript(
                    "return document.activeElement && document.activeElement.classList.contains('govuk-error-summary')")));
            assertEquals("ACKNOWLEDGED", b.text("referral-status"), "nothing was decided");
            b.shot("practitioner-decline-error");

            b.find("accept").click();
            b.wait(ExpectedConditions.textToBe(By.id("referral-status"), "ACCEPTED"));
            assertTrue(b.text("notice").startsWith("Referral accepted"));
            b.shot("practitioner-referral-accepted");

            b.find("child-link").click();
            assertEquals("Amira Test", b.text("child-name"));
            assertEquals("Born 2 April 2011", b.text("child-born"));
            WebElement table = b.find("chronology");
            String chronology = table.getText();
            assertTrue(chronology.contains("Referral: sent"), chronology);
            assertTrue(chronology.contains("Referral response: accepted"), chronology);
            assertTrue(chronology.contains("Strategy discussion"), chronology);
            for (WebElement row : table.findElements(By.cssSelector("tbody tr"))) {
                List<WebElement> cells = row.findElements(By.tagName("td"));
                assertTrue(GOVUK_DATE.matcher(cells.get(0).getText()).matches(), cells.get(0).getText());
                assertTrue(GOVUK_TIME.matcher(cells.get(1).getText()).matches(), cells.get(1).getText());
            }
            noIdShown(b);
            b.shot("practitioner-child");

            // Filters: only referral responses; a period with nothing in it; a date the form cannot read.
            b.open("/console/practitioner/children/" + childId + "?kind=referral-response");
            assertFalse(b.text("chronology").contains("Referral: sent"));
            b.open("/console/practitioner/children/" + childId + "?from=" + LocalDate.now().plusDays(2));
            b.find("no-entries");
            b.open("/console/practitioner/children/" + childId + "?from=yesterday");
            assertTrue(b.wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".govuk-error-summary"))).getText()
                    .contains("Date from must be a date"));

            // The strategy discussion from the chronology, and the council's action marked done.
            b.open("/console/practitioner/children/" + childId);
            b.driver.findElement(By.cssSelector("#chronology a[href$='/discussions/" + discussionId + "']")).click();
            assertEquals("Amira Test", b.text("child-name"));
            WebElement actions = b.find("discussion-actions");
            assertTrue(actions.getText().contains("Arrange a return home interview."));
            actions.findElement(By.cssSelector("button")).click();
            b.wait(ExpectedConditions.textToBePresentInElementLocated(By.id("discussion-actions"), "DONE"));
            noIdShown(b);
            b.shot("practitioner-discussion");
            assertEquals(List.of(), b.cspViolations(), "nothing on the practitioner's pages was blocked by the CSP");
        }
        // Each page that named the child left a record of the identity released, owned by the Met (the
        // referrer), which Tower Hamlets' DPO finds among its staff's actions on the child.
        List<Map<String, Object>> identities = given().auth().oauth2(KeycloakTokens.userToken("dpo.towerhamlets"))
                .header("Purpose-Of-Use", "DPO-REVIEW")
                .when().get(ConsoleGateway.BASE_URL + "/api/v1/audit/events?limit=200&child=https://fhir.nhs.uk/Id/nhs-number|" + nhsNumber)
                .then().statusCode(200).extract().jsonPath().getList("items.findAll { it.action == 'child.identity' }");
        assertFalse(identities.isEmpty(), "the names shown are audited");
        identities.forEach(e -> {
            assertEquals(referralId, e.get("resourceId"));
            assertEquals(List.of("police:met"), e.get("dataOwners"));
            assertEquals("PERMIT", e.get("decision"));
        });
    }

    @Test
    @Order(2)
    void anotherAgencysPractitionerGetsTheSame404ForTheRealReferralAndChildAsForRandomIds() throws Exception {
        try (Browser b = new Browser()) {
            b.signIn("practitioner.lancashire");
            b.find("no-referrals");
            for (String page : List.of("/console/practitioner/referrals/", "/console/practitioner/children/",
                    "/console/practitioner/discussions/")) {
                String real = page.startsWith("/console/practitioner/referrals") ? referralId
                        : page.startsWith("/console/practitioner/children") ? childId : discussionId;
                b.open(page + real);
                assertEquals("Page not found", b.text("error-title"));
                String hidden = withoutRequestId(b.find("main-content").getText());
                assertFalse(b.driver.getPageSource().contains("Amira"));
                if (page.contains("referrals")) {
                    b.shot("practitioner-other-agency-404");
                }
                b.open(page + UUID.randomUUID());
                assertEquals(hidden, withoutRequestId(b.find("main-content").getText()), page);
            }
            // A bad cursor or period does not turn the hidden child into a page with errors beside its fields.
            for (String query : List.of("?cursor=!!!", "?from=2026-02-01&to=2026-01-01", "?from=yesterday")) {
                b.open("/console/practitioner/children/" + childId + query);
                assertEquals("Page not found", b.text("error-title"), query);
                String hidden = withoutRequestId(b.find("main-content").getText());
                b.open("/console/practitioner/children/" + UUID.randomUUID() + query);
                assertEquals(hidden, withoutRequestId(b.find("main-content").getText()), query);
            }
            // A form post to the hidden referral with the practitioner's own session and token: the same 404.
            Map<String, String> cookies = new java.util.LinkedHashMap<>();
            b.driver.manage().getCookies().forEach(c -> cookies.put(c.getName(), c.getValue()));
            given().redirects().follow(false).cookies(cookies).formParam("csrf-token", cookies.get("console-csrf"))
                    .when().post(ConsoleGateway.BASE_URL + "/console/practitioner/referrals/" + referralId + "/accept")
                    .then().statusCode(404);
        }
    }

    /** No child id, nor any other id, is shown as text on the page (links may carry them). */
    private static void noIdShown(Browser b) {
        String text = b.driver.findElement(By.tagName("body")).getText();
        assertFalse(UUID_TEXT.matcher(text).find(), "an id shown as text: " + text);
    }

    private static String withoutRequestId(String text) {
        return UUID_TEXT.matcher(text).replaceAll("<id>");
    }
}
