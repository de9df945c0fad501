package uk.safeguarding.gateway.limits;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Per-client limits through HTTP. The test profile gives the client {@code limits-test} a bucket of
 * 3 refilled at 0.01 per second (slow enough for a loaded machine) and a 2,000-byte body ceiling; every other client is unthrottled.
 */
@QuarkusTest
class LimitsTest {

    @Test
    void aClientOverItsBodyCeilingGets413AndOverItsRateGets429WithRetryAfterWhileOthersAreServed() {
        String limited = TestTokens.forAgency("police:met").clientId("limits-test").roles("practitioner").sign();
        String body = "{\"summary\":\"" + "x".repeat(2_500) + "\"}";
        given().auth().oauth2(limited).header("Purpose-Of-Use", "SAFEGUARDING").contentType("application/json").body(body)
                .when().post("/api/v1/referrals")
                .then().statusCode(413).contentType("application/problem+json").body("code", equalTo("BODY_TOO_LARGE"))
                .body("errors[0].field", equalTo("Content-Length"));
        given().auth().oauth2(limited).when().get("/api/v1/whoami").then().statusCode(200);
        given().auth().oauth2(limited).when().get("/api/v1/whoami").then().statusCode(200);
        Response refused = given().auth().oauth2(limited).header("X-Request-Id", "limits-test-429-0001")
                .when().get("/api/v1/whoami");
        refused.then().statusCode(429).contentType("application/problem+json").body("code", equalTo("RATE_LIMITED"));
        long retryAfter = Long.parseLong(refused.getHeader("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 100, "Retry-After " + retryAfter);
        // Another client of the same agency is not affected by this one's bucket.
        given().auth().oauth2(TestTokens.police()).when().get("/api/v1/whoami").then().statusCode(200);
        // The refusal is a call like any other: audited once, with its status.
        assertEquals(1L, Db.count("SELECT count(*) FROM audit_event WHERE request_id = ? AND outcome = 429", "limits-test-429-0001"));
    }

    @Test
    void bucketsRefillAtTheirRateAndNeverAboveTheirSize() {
        long[] now = {0};
        LimitsConfig config = new io.smallrye.config.SmallRyeConfigBuilder()
                .withMapping(LimitsConfig.class)
                .withDefaultValue("gateway.limits.requests-per-second", "2")
                .withDefaultValue("gateway.limits.burst", "2")
                .build().getConfigMapping(LimitsConfig.class);
        TokenBuckets buckets = new TokenBuckets(config, () -> now[0]);
        assertEquals(0, buckets.take("a"));
        assertEquals(0, buckets.take("a"));
        assertEquals(1, buckets.take("a"));
        now[0] += 500_000_000L;
        assertEquals(0, buckets.take("a"));
        assertEquals(1, buckets.take("a"));
        now[0] += 60_000_000_000L;
        assertEquals(0, buckets.take("a"));
        assertEquals(0, buckets.take("a"));
        assertEquals(1, buckets.take("a"), "a long idle period must not bank more than the bucket's size");
        assertEquals(0, buckets.take("b"), "each client has its own bucket");
    }
}
