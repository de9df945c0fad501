package uk.safeguarding.gateway.language;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.alert.AlertFixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.Db;

/**
 * The language check reaches every free-text field of the API, not only a referral's: the author is
 * told in the answer, the text is stored exactly as written, and a refused request carries no flags.
 */
@QuarkusTest
class LanguageWarningsTest {

    static final String COUNCIL = "la:E09000030";
    static final String REVIEW_BY = java.time.LocalDate.now().plusMonths(3).toString();
    static final String INQUIRY = "A frequent missing person who appears to willingly expose herself to danger.";

    @Test
    void aRiskRationaleIsFlaggedBackToItsAuthorAndStoredAsWritten() throws Exception {
        UUID child = AlertFixtures.placedChild();
        String rationale = "Found at a party flat again; she is putting herself at risk with her older boyfriend.";
        String id = Api.as(COUNCIL, "sw-lang-1", "SAFEGUARDING", "practitioner")
                .body(Map.of("level", "HIGH", "rationale", rationale, "reviewBy", REVIEW_BY))
                .when().post("/api/v1/children/" + child + "/risk-assessments")
                .then().statusCode(201)
                .body("warnings.field", everyItem(equalTo("/rationale")))
                .body("warnings.rule", everyItem(equalTo("VICTIM_BLAMING_LANGUAGE")))
                .body("warnings", hasSize(2))
                .body("warnings[0].message", containsString("putting herself at risk"))
                .body("warnings[1].message", containsString("older boyfriend"))
                .extract().path("id");
        // Flagged, never rewritten.
        List<Map<String, Object>> stored = Db.query("SELECT rationale FROM risk_assessment WHERE id = ?", UUID.fromString(id));
        org.junit.jupiter.api.Assertions.assertEquals(rationale, stored.get(0).get("rationale"));
    }

    @Test
    void theInquirysOwnWordsInAMissingReportAreFlagged() {
        UUID child = AlertFixtures.placedChild();
        AlertFixtures.asProvider("provider:SC123456")
                .body(Map.of("circumstances", INQUIRY, "lastSeenLocation", "Bus station"))
                .when().post("/api/v1/children/" + child + "/missing-episodes")
                .then().statusCode(201)
                .body("warnings.field", contains("/circumstances", "/circumstances"))
                .body("warnings.message", hasItem(containsString("frequent missing person")))
                .body("warnings.message", hasItem(containsString("willingly expose herself to danger")));
    }

    @Test
    void wordsThatBlameNobodyGetNoWarnings() {
        UUID child = AlertFixtures.placedChild();
        Api.as(COUNCIL, "sw-lang-2", "SAFEGUARDING", "practitioner")
                .body(Map.of("level", "HIGH", "rationale", "Adults linked to a vehicle are exploiting her; seen twice this week.",
                        "reviewBy", REVIEW_BY))
                .when().post("/api/v1/children/" + child + "/risk-assessments")
                .then().statusCode(201).body("warnings", nullValue()).header(LanguageWarnings.HEADER, nullValue());
    }

    @Test
    void aRefusedRequestCarriesTheProblemAndNoFlags() {
        UUID child = AlertFixtures.placedChild();
        Api.as(COUNCIL, "sw-lang-3", "SAFEGUARDING", "practitioner")
                .body(Map.of("level", "SEVERE", "rationale", "She is streetwise and putting herself at risk.", "reviewBy", REVIEW_BY))
                .when().post("/api/v1/children/" + child + "/risk-assessments")
                .then().statusCode(400).body("warnings", nullValue()).header(LanguageWarnings.HEADER, nullValue());
    }

    @Test
    void aReferralIsFlaggedOnceByItsOwnCheck() {
        String body = Api.policeReferral(Api.POLICE_ID, "lang-" + UUID.randomUUID())
                .replace("Seen getting into cars with adult males near the school.",
                        "Seen getting into cars with her boyfriend near the school.");
        Api.as("police:met", "pc-lang-1", "SAFEGUARDING", "practitioner").body(body)
                .when().post("/api/v1/referrals")
                .then().statusCode(201)
                .body("warnings.findAll { it.rule == 'VICTIM_BLAMING_LANGUAGE' }", hasSize(1))
                .body("warnings[0].field", equalTo("/summary"));
    }
}
