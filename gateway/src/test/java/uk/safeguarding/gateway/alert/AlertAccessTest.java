package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every route of this feature: 401 without a token, 400 without a purpose where one is required. */
@QuarkusTest
class AlertAccessTest {

    @ParameterizedTest
    @CsvSource(textBlock = """
            GET,  /api/v1/alerts
            GET,  /api/v1/alerts/{id}
            POST, /api/v1/alerts/{id}/acknowledge
            POST, /api/v1/admin/subscriptions
            GET,  /api/v1/admin/subscriptions
            POST, /api/v1/admin/subscriptions/{id}/secrets
            POST, /api/v1/admin/subscriptions/{id}/secrets/retire-previous
            DELETE, /api/v1/admin/subscriptions/{id}
            GET,  /api/v1/admin/dead-letters
            POST, /api/v1/admin/dead-letters/{id}/requeue
            POST, /api/v1/placements
            POST, /api/v1/placements/{id}/start
            POST, /api/v1/placements/{id}/end
            POST, /api/v1/placements/{id}/move
            POST, /api/v1/children/{id}/returns
            POST, /api/v1/children/{id}/missing-episodes
            POST, /api/v1/missing-episodes/{id}/found
            POST, /api/v1/missing-episodes/{id}/return-interview
            PUT,  /api/v1/children/{id}/philomena
            GET,  /api/v1/children/{id}/philomena
            GET,  /api/v1/case-events/{id}
            POST, /api/v1/children/{id}/risk-assessments
            GET,  /api/v1/children/{id}/risk-assessments
            POST, /api/v1/risk-assessments/{id}/approval
            """)
    void withoutATokenIs401(String method, String path) {
        given().contentType(ContentType.JSON).body(Map.of()).when()
                .request(method, path.replace("{id}", UUID.randomUUID().toString()))
                .then().statusCode(401).body("code", equalTo("TOKEN_REQUIRED"));
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            GET,  /api/v1/alerts
            POST, /api/v1/alerts/{id}/acknowledge
            POST, /api/v1/children/{id}/missing-episodes
            GET,  /api/v1/children/{id}/philomena
            GET,  /api/v1/case-events/{id}
            POST, /api/v1/risk-assessments/{id}/approval
            """)
    void withoutAPurposeIs400(String method, String path) {
        given().auth().oauth2(practitioner(HOST_POLICE)).contentType(ContentType.JSON).body(Map.of()).when()
                .request(method, path.replace("{id}", UUID.randomUUID().toString()))
                .then().statusCode(400).body("code", equalTo("PURPOSE_REQUIRED"));
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            GET,  /api/v1/alerts/{id}
            POST, /api/v1/alerts/{id}/acknowledge
            POST, /api/v1/placements/{id}/start
            POST, /api/v1/missing-episodes/{id}/found
            GET,  /api/v1/case-events/{id}
            POST, /api/v1/risk-assessments/{id}/approval
            GET,  /api/v1/children/{id}/philomena
            """)
    void anUnknownIdIs404(String method, String path) {
        given().auth().oauth2(supervisor(HOST_POLICE, "sgt-9")).header("Purpose-Of-Use", "MISSING-RESPONSE")
                .contentType(ContentType.JSON).body(Map.of()).when()
                .request(method, path.replace("{id}", UUID.randomUUID().toString()))
                .then().statusCode(404);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            GET,  /api/v1/admin/subscriptions
            POST, /api/v1/admin/subscriptions/{id}/secrets
            DELETE, /api/v1/admin/subscriptions/{id}
            POST, /api/v1/admin/dead-letters/{id}/requeue
            """)
    void adminRoutesRefuseOtherRoles(String method, String path) {
        given().auth().oauth2(TestTokensDpo.dpo()).when().request(method, path.replace("{id}", UUID.randomUUID().toString()))
                .then().statusCode(403).body("code", equalTo("ROLE_REQUIRED"));
    }
}
