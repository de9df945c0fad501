package uk.safeguarding.gateway.operations;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Each business meter, caused through the real gateway and its database and read back from
 * /q/metrics as Prometheus scrapes it. The suite shares one database, so the gauges are compared with
 * the database's own figures at the same refresh rather than with fixed numbers.
 */
@QuarkusTest
class BusinessMetersTest {

    private static final String NOBODY = "test:meters-unsubscribed";

    @Inject
    BusinessMeters meters;

    /** A sample's value from /q/metrics; 0 when the series is absent (a counter not yet incremented). */
    static double metric(String series) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void pendingOldestAndDeadLetterGaugesFollowTheOutbox() throws Exception {
        String tag = "meters-" + UUID.randomUUID();
        try {
            Db.update("INSERT INTO alert (id, recipient_agency, event, payload, created_at) SELECT gen_random_uuid(), ?, ?, "
                    + "'{\"test\": true}'::jsonb, now() - interval '10 days' FROM generate_series(1, 3)", NOBODY, tag);
            Db.update("INSERT INTO alert (id, recipient_agency, event, payload, status, dead_at, last_error) "
                    + "VALUES (gen_random_uuid(), ?, ?, '{\"test\": true}'::jsonb, 'DEAD', now(), 'HTTP 503')", NOBODY, tag);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                meters.refresh();
                assertEquals((double) Db.count("SELECT count(*) FROM alert WHERE status = 'PENDING'"), metric("gateway_alerts_pending"));
                assertEquals((double) Db.count("SELECT count(*) FROM alert WHERE status = 'DEAD'"), metric("gateway_dead_letters"));
            });
            assertTrue(metric("gateway_alerts_pending") >= 3, "the three queued alerts are pending");
            assertTrue(metric("gateway_dead_letters") >= 1, "the dead letter is counted");
            assertTrue(metric("gateway_alerts_oldest_pending_age_seconds") >= Duration.ofDays(10).toSeconds(),
                    "the oldest pending alert is at least ten days old");
        } finally {
            Db.update("DELETE FROM alert WHERE event = ?", tag);
        }
        meters.refresh();
        assertEquals((double) Db.count("SELECT count(*) FROM alert WHERE status = 'PENDING'"), metric("gateway_alerts_pending"));
    }

    @Test
    void sealLagCountsEventsTheSealerHasNotChainedYet() throws Exception {
        // Holding the chain lock keeps every sealer out, as a stalled or failing sealer would.
        try (Connection held = EmbeddedPostgresResource.database().dataSource().getConnection()) {
            held.setAutoCommit(false);
            try (PreparedStatement lock = held.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, AuditSealer.CHAIN_LOCK);
                lock.execute();
            }
            for (int i = 0; i < 3; i++) {
                given().auth().oauth2(TestTokens.police()).when().get("/api/v1/whoami").then().statusCode(200);
            }
            meters.refresh();
            double lag = metric("gateway_audit_seal_lag_events");
            assertTrue(lag >= 3, "three audited requests wait for the sealer: " + lag);
            assertEquals(Db.count("SELECT count(*) FROM audit_pending"), (long) lag);
            held.rollback();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            meters.refresh();
            assertEquals(0.0, metric("gateway_audit_seal_lag_events"), "sealed once the lock is released");
        });
    }

    @Test
    void escalationsAreCountedWhenADeadlinePasses() throws Exception {
        UUID child = uk.safeguarding.gateway.alert.AlertFixtures.placedChild();
        double before = metric("gateway_escalations_total");
        UUID id = UUID.randomUUID();
        try {
            Db.update("INSERT INTO alert (id, recipient_agency, event, child_id, payload, status, ack_due_at, escalation_target, duty_ref) "
                    + "VALUES (?, ?, 'meters-escalation', ?, '{\"test\": true}'::jsonb, 'DELIVERED', now() - interval '1 hour', "
                    + "'la:E09000030', 'meters-test#ack')", id, NOBODY, child);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    Db.count("SELECT count(*) FROM alert WHERE id = ? AND escalated_at IS NOT NULL", id) == 1);
            assertTrue(metric("gateway_escalations_total") >= before + 1, "the escalation job counted it");
        } finally {
            Db.update("DELETE FROM alert WHERE id = ? OR (event = 'alert-escalated' AND resource_id = ?)", id, id.toString());
        }
    }

    @Test
    void rateLimitedRequestsAndDenialsAreCounted() {
        double limited = metric("gateway_http_rate_limited_total");
        String client = TestTokens.forAgency("police:met").clientId("meters-test").roles("practitioner").sign();
        given().auth().oauth2(client).when().get("/api/v1/whoami").then().statusCode(200);
        given().auth().oauth2(client).when().get("/api/v1/whoami").then().statusCode(429);
        assertEquals(limited + 1, metric("gateway_http_rate_limited_total"));

        String denied = "gateway_denials_total{code=\"ROLE_REQUIRED\"}";
        double before = metric(denied);
        given().auth().oauth2(TestTokens.police()).contentType("application/json")
                .body("{\"agency\":\"police:met\",\"url\":\"https://example.org/hook\"}")
                .when().post("/api/v1/admin/subscriptions").then().statusCode(403);
        assertEquals(before + 1, metric(denied), "a practitioner refused an administrator's route");
    }
}
