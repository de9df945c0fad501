package uk.safeguarding.gateway.referral;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON intake answers one problem+json with every field error: misspelt properties and content checks together. */
@QuarkusTest
class EveryProblemAtOnceTest {

    @Test
    void misspeltPropertiesAndContentErrorsComeBackTogether() {
        String nhs = Fixtures.nhsNumber();
        String body = Fixtures.load("police-cse.json", nhs)
                .replace("\"missing\": \"Missing", "\"helth\": \"Missing")
                .replace("\"givenName\"", "\"nickname\": \"A\", \"givenName\"")
                .replace("\"riskLevel\": \"high\"", "\"riskLevel\": \"extreme\"")
                .replace("\"birthDate\": \"2011-04-02\"", "\"birthDate\": \"\"");
        List<String> fields = ReferralApiTest.post("police:met", body).statusCode(400)
                .body("code", equalTo("REFERRAL_INVALID"))
                .extract().jsonPath().getList("errors.field");
        assertEquals(List.of("/helth", "/child/nickname", "/child/birthDate", "/riskLevel"),
                fields.stream().sorted((a, b) -> order(a) - order(b)).toList());
        assertEquals(0, ReferralApiTest.referralsFor(nhs));
    }

    private static int order(String field) {
        return List.of("/helth", "/child/nickname", "/child/birthDate", "/riskLevel").indexOf(field);
    }
}
