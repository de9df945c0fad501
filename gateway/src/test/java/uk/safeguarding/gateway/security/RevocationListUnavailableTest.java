package uk.safeguarding.gateway.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.signatory.SignatoryDirectory;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * While the revocation list cannot be read nobody is admitted, and the answer says the gateway is at
 * fault (503 with Retry-After), not the caller's token (401): the pg-outage drill saw 401s for valid
 * tokens while PostgreSQL was down, which a client would treat as "get a new token", not "retry".
 */
@QuarkusTest
class RevocationListUnavailableTest {

    @Inject
    SignatoryDirectory directory;

    @Inject
    TokenRejections rejections;

    @Test
    void anUnreadableRevocationListRefusesEveryoneWith503AndRetryAfter() throws Exception {
        String token = TestTokens.police();
        given().auth().oauth2(token).when().get("/api/v1/whoami").then().statusCode(200);
        Db.update("ALTER TABLE signatory_revocation RENAME TO signatory_revocation_hidden");
        try {
            // The list is cached per replica; wait for the copy to expire so the next request reads it.
            Thread.sleep(cacheTtl().toMillis() + 500);
            // A minute of its own, so other tests' refusals from this address never put this one over the cap.
            rejections.clock(java.time.Clock.fixed(java.time.Instant.parse("2033-01-01T00:00:00Z"), java.time.ZoneOffset.UTC));
            String requestId = given().auth().oauth2(token).when().get("/api/v1/whoami").then()
                    .statusCode(503)
                    .header("Retry-After", equalTo("5"))
                    .header("WWW-Authenticate", nullValue())
                    .contentType("application/problem+json")
                    .body("code", equalTo("REVOCATION_LIST_UNAVAILABLE"))
                    .body("status", equalTo(503))
                    .body("detail", not(equalTo(null)))
                    .extract().header(RequestContext.REQUEST_ID_HEADER);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Db.count(
                    "SELECT count(*) FROM audit_event WHERE request_id = ? AND action = 'auth.rejected' AND outcome = 503"
                            + " AND denial_code = 'REVOCATION_LIST_UNAVAILABLE' AND actor_agency IS NULL", requestId) == 1);
        } finally {
            rejections.clock(java.time.Clock.systemUTC());
            Db.update("ALTER TABLE signatory_revocation_hidden RENAME TO signatory_revocation");
            directory.refresh().await().atMost(Duration.ofSeconds(10));
        }
        given().auth().oauth2(token).when().get("/api/v1/whoami").then().statusCode(200);
    }

    @Test
    void aRevokedOrUnknownAgencyIsStill401() {
        given().auth().oauth2(TestTokens.forAgency("police:NOSUCHFORCE").roles("practitioner").sign())
                .when().get("/api/v1/whoami").then()
                .statusCode(401).header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""))
                .header("Retry-After", nullValue())
                .body("code", equalTo("AGENCY_NOT_SIGNATORY"));
    }

    private static Duration cacheTtl() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("gateway.signatories.revocation-cache-ttl", Duration.class);
    }
}
