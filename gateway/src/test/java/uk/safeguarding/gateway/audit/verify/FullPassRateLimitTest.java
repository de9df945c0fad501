package uk.safeguarding.gateway.audit.verify;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * A full pass (POST) at most once per interval (the default 10 minutes) across replicas, since the
 * slot is a timestamp in the shared state row; sooner is a 429 with Retry-After.
 */
@QuarkusTest
class FullPassRateLimitTest {

    @Test
    void aSecondFullPassWithinTheIntervalIsRefused() throws SQLException {
        Db.update("UPDATE audit_verification SET full_started_at = NULL");
        long passes = Db.count("SELECT full_passes FROM audit_verification");
        String subject = "dpo-" + UUID.randomUUID();
        dpo(subject).when().post("/api/v1/audit/verify").then().statusCode(200).body("intact", equalTo(true));
        String retryAfter = dpo(subject).when().post("/api/v1/audit/verify").then().statusCode(429)
                .contentType("application/problem+json").body("code", equalTo("FULL_PASS_TOO_SOON"))
                .extract().header("Retry-After");
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds > 540 && seconds <= 600, retryAfter);
        // Refused before any work: one full pass recorded, and the state is still there to read.
        assertEquals(passes + 1, Db.count("SELECT full_passes FROM audit_verification"));
        AuditTestSupport.dpo().when().get("/api/v1/audit/verify").then().statusCode(200);
        // Both requests are audited, the refused one too.
        assertEquals(2, Db.count("SELECT count(*) FROM audit_event WHERE actor_subject = ? AND action = 'audit.verify.full'", subject));
    }

    private static RequestSpecification dpo(String subject) {
        return given().auth().oauth2(TestTokens.forAgency(AuditTestSupport.DPO_AGENCY).roles("dpo").subject(subject).sign())
                .header("Purpose-Of-Use", "DPO-REVIEW");
    }
}
