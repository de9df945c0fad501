package uk.safeguarding.gateway.signatory;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;

/**
 * Every admin route that answers with a secret tells the agency's DPO: exactly one SECRET_ISSUED
 * flag, written with the action's audit record, visible to the target agency's DPO (its id in the
 * flag's agencies), saying what was issued and by whom, and never the secret itself.
 */
@QuarkusTest
class SecretIssuedFlagTest {

    private static final String API = "/api/v1/admin/signatories";

    /** The SECRET_ISSUED flags pointing at the audit record of one request. */
    private static List<Map<String, Object>> flagsOf(String requestId) {
        return Db.query("""
                SELECT array_to_string(a.agencies, ',') AS agencies, a.summary, a.actor_subject, a.status
                FROM audit_anomaly a JOIN audit_event e ON e.id = a.first_event_id
                WHERE e.request_id = ? AND a.kind = 'SECRET_ISSUED'""", requestId);
    }

    private static void oneFlagFor(ExtractableResponse<Response> response, String agency, String... secrets) {
        List<Map<String, Object>> flags = flagsOf(response.header("X-Request-Id"));
        assertEquals(1, flags.size(), "one SECRET_ISSUED flag for " + response.header("X-Request-Id"));
        Map<String, Object> flag = flags.get(0);
        assertTrue(List.of(flag.get("agencies").toString().split(",")).contains(agency), "the target agency's DPO sees it: "
                + flag.get("agencies"));
        assertEquals("OPEN", flag.get("status"));
        assertEquals("admin-robin", flag.get("actor_subject"));
        String summary = flag.get("summary").toString();
        assertTrue(summary.contains(agency) && summary.contains("admin-robin"), summary);
        for (String secret : secrets) {
            assertTrue(secret != null && secret.length() > 10, "the route answered with a secret");
            assertFalse(summary.contains(secret), "the flag carries no secret: " + summary);
        }
    }

    private static ExtractableResponse<Response> post(String path, String body) {
        var request = given().auth().oauth2(SignatoryApiTest.admin());
        if (body != null) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        return request.when().post(path).then().statusCode(org.hamcrest.Matchers.either(org.hamcrest.Matchers.is(200))
                .or(org.hamcrest.Matchers.is(201))).extract();
    }

    @Test
    void onboardingAndBothSignatoryRotationsEachRaiseOneFlag() {
        String agency = "la:E06000071";
        var onboarded = post(API, SignatoryApiTest.body(agency, "la", "missing-from-care", "https://council.example/hook"));
        oneFlagFor(onboarded, agency, onboarded.<String>path("clientSecret"), onboarded.<String>path("webhook.secret"));

        var clientSecret = post(API + "/" + agency + "/client-secret", null);
        oneFlagFor(clientSecret, agency, clientSecret.<String>path("clientSecret"));

        var webhookSecret = post(API + "/" + agency + "/webhook-secret", null);
        oneFlagFor(webhookSecret, agency, webhookSecret.<String>path("secret"));

        // Routes that hand out nothing raise nothing.
        var retired = post(API + "/" + agency + "/webhook-secret/retire-previous", null);
        assertEquals(List.of(), flagsOf(retired.header("X-Request-Id")));
    }

    @Test
    void creatingAndRotatingASubscriptionEachRaiseOneFlag() {
        String agency = "la:E06000072";
        post(API, SignatoryApiTest.body(agency, "la", "missing-from-care", null));
        var created = post("/api/v1/admin/subscriptions", "{\"agency\": \"" + agency + "\", \"url\": \"https://council.example/in\"}");
        oneFlagFor(created, agency, created.<String>path("secret"));

        var rotated = post("/api/v1/admin/subscriptions/" + created.<String>path("id") + "/secrets", null);
        oneFlagFor(rotated, agency, rotated.<String>path("secret"));
    }

    @Test
    void aRefusedRotationRaisesNoFlag() {
        String requestId = given().auth().oauth2(SignatoryApiTest.admin()).when().post(API + "/la:E06000073/webhook-secret")
                .then().statusCode(409).extract().header("X-Request-Id");
        assertEquals(List.of(), flagsOf(requestId));
        assertEquals(0, Db.count("SELECT count(*) FROM audit_anomaly WHERE kind = 'SECRET_ISSUED' AND 'la:E06000073' = ANY (agencies)"));
    }
}
