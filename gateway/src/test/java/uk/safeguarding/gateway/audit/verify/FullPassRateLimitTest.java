package uk.safeguarding.gateway.audit.verify;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.support.Db;

/** A full pass (POST) at most once per interval across replicas; sooner is a 429 with Retry-After. */
@QuarkusTest
@TestProfile(FullPassRateLimitTest.OncePerHour.class)
class FullPassRateLimitTest {

    public static class OncePerHour implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.audit.verification.full-pass-min-interval", "1h");
        }
    }

    @Test
    void aSecondFullPassWithinTheIntervalIsRefused() throws SQLException {
        Db.update("UPDATE audit_verification SET full_started_at = NULL");
        long passes = Db.count("SELECT full_passes FROM audit_verification");
        AuditTestSupport.dpo().when().post("/api/v1/audit/verify").then().statusCode(200).body("intact", equalTo(true));
        String retryAfter = AuditTestSupport.dpo().when().post("/api/v1/audit/verify").then().statusCode(429)
                .contentType("application/problem+json").body("code", equalTo("FULL_PASS_TOO_SOON"))
                .extract().header("Retry-After");
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds > 3500 && seconds <= 3600, retryAfter);
        // Refused before any work: one full pass recorded, and the state is still there to read.
        assertTrue(Db.count("SELECT full_passes FROM audit_verification") == passes + 1);
        AuditTestSupport.dpo().when().get("/api/v1/audit/verify").then().statusCode(200);
    }
}
