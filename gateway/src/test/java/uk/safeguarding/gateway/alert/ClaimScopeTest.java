package uk.safeguarding.gateway.alert;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;
import uk.safeguarding.gateway.support.WebhookReceiver;

/**
 * The dispatcher's claim reads only the due alerts of subscribed agencies. Alerts for an agency
 * without a subscription pile up in real use (and in bench/run referral-intake, where nobody
 * subscribes); the claim that runs after every committed write must not walk them, yet they must
 * still go out, at least once, when the agency subscribes.
 */
@QuarkusTest
class ClaimScopeTest {

    private static final int UNSUBSCRIBED_BACKLOG = 3000;

    @BeforeEach
    void clean() {
        clearSubscriptions();
    }

    private static String queue(String agency, int n) throws Exception {
        String tag = "claim-scope-" + System.nanoTime();
        Db.update("INSERT INTO alert (id, recipient_agency, event, payload) SELECT gen_random_uuid(), ?, ?, "
                + "'{\"test\": true}'::jsonb FROM generate_series(1, ?)", agency, tag, n);
        return tag;
    }

    /**
     * Rows the claim's plan read from {@code alert} (every scan node on it, all loops, filtered-out rows
     * included), by EXPLAIN ANALYZE of the dispatcher's own statement in a transaction rolled back
     * afterwards, so nothing is leased.
     */
    private static long alertRowsReadByOneClaim() throws Exception {
        try (Connection c = EmbeddedPostgresResource.database().dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("PREPARE claim_scope_test (timestamptz, int, timestamptz) AS " + Dispatcher.CLAIM);
                return rowsRead(s, "EXECUTE claim_scope_test (now(), 200, now() + interval '60 seconds')");
            } finally {
                c.rollback();
                try (Statement s = c.createStatement()) {
                    s.execute("DEALLOCATE ALL");
                }
            }
        }
    }

    private static long rowsFromAlert(JsonObject node) {
        long rows = 0;
        if ("alert".equals(node.getString("Relation Name")) && node.getString("Node Type").contains("Scan")) {
            long perLoop = node.getLong("Actual Rows", 0L) + node.getLong("Rows Removed by Filter", 0L)
                    + node.getLong("Rows Removed by Index Recheck", 0L);
            rows += perLoop * node.getLong("Actual Loops", 1L);
        }
        JsonArray children = node.getJsonArray("Plans");
        if (children != null) {
            for (int i = 0; i < children.size(); i++) {
                rows += rowsFromAlert(children.getJsonObject(i));
            }
        }
        return rows;
    }

    @Test
    void alertsOfAnAgencyWithoutASubscriptionAreNotReadByTheClaimAndGoOutOnceItSubscribes() throws Exception {
        String backlog = queue(SCHOOL, UNSUBSCRIBED_BACKLOG);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            subscribe(receiver, HOST_POLICE);
            String due = queue(HOST_POLICE, 10);
            await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(
                    "SELECT count(*) FROM alert WHERE event = ? AND status = 'DELIVERED'", due) == 10);
            // Whatever earlier tests left for this agency goes out too; then nothing is due for anyone subscribed.
            await().atMost(Duration.ofSeconds(60)).until(() -> Db.count("SELECT count(*) FROM alert "
                    + "WHERE recipient_agency = ? AND status = 'PENDING' AND next_attempt_at <= now()", HOST_POLICE) == 0);

            long read = alertRowsReadByOneClaim();
            assertTrue(read < 100, "one claim read " + read + " alert rows with " + UNSUBSCRIBED_BACKLOG
                    + " pending for an agency without a subscription (and nothing due for the subscribed one)");
            assertEquals(0, Db.count("SELECT count(*) FROM alert WHERE event = ? AND attempts > 0", backlog),
                    "never claimed while the agency has no subscription");
            assertEquals(UNSUBSCRIBED_BACKLOG, Db.count(
                    "SELECT count(*) FROM alert WHERE event = ? AND status = 'PENDING'", backlog), "kept, not dropped");

            subscribe(receiver, SCHOOL);
            await().atMost(Duration.ofSeconds(120)).until(() -> Db.count(
                    "SELECT count(*) FROM alert WHERE event = ? AND status = 'DELIVERED'", backlog) == UNSUBSCRIBED_BACKLOG);
            long delivered = receiver.deliveries().stream()
                    .filter(d -> d.json().getString("type").equals(backlog)).map(WebhookReceiver.Delivery::webhookId)
                    .distinct().count();
            assertEquals(UNSUBSCRIBED_BACKLOG, delivered, "every alert of the backlog reached the new subscriber");
        }
    }

    /**
     * The client caches prepared statements, so a gateway started on a new database keeps the claim's
     * plan made while {@code alert} was empty. That plan must stay linear in what it reads once a
     * backlog arrives (the earlier form read the backlog once per candidate). In a scratch copy of the
     * two tables without statistics, so the shared test database is left alone.
     */
    @Test
    void aClaimPlannedOnAnEmptyTableReadsTheBacklogAtMostOnce() throws Exception {
        try (Connection c = EmbeddedPostgresResource.database().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS claim_plan CASCADE");
            s.execute("CREATE SCHEMA claim_plan");
            try {
                s.execute("CREATE TABLE claim_plan.alert (LIKE public.alert INCLUDING DEFAULTS INCLUDING INDEXES) WITH (autovacuum_enabled = false)");
                s.execute("CREATE TABLE claim_plan.alert_subscription (LIKE public.alert_subscription INCLUDING DEFAULTS INCLUDING INDEXES)");
                s.execute("SET search_path = claim_plan");
                s.execute("INSERT INTO alert_subscription (id, agency_id, url, secrets) SELECT gen_random_uuid(), a, 'https://x.test/', '[]' "
                        + "FROM unnest(ARRAY['a1', 'a2', 'a3']) a");
                s.execute("SET plan_cache_mode = force_generic_plan");
                s.execute("PREPARE cached_claim (timestamptz, int, timestamptz) AS " + Dispatcher.CLAIM);
                s.execute("BEGIN");
                s.execute("EXECUTE cached_claim (now(), 200, now() + interval '60 seconds')");
                int backlog = 9000;
                s.execute("INSERT INTO alert (id, recipient_agency, event, payload) SELECT gen_random_uuid(), "
                        + "(ARRAY['a1', 'a2', 'a3'])[1 + g % 3], 'backlog', '{}'::jsonb FROM generate_series(1, " + backlog + ") g");
                long cached = rowsRead(s, "EXECUTE cached_claim (now(), 200, now() + interval '60 seconds')");
                s.execute("ROLLBACK");
                assertTrue(cached <= backlog + 3 * 200 + 200, "the plan cached on the empty table read " + cached
                        + " alert rows for one claim of 200 from a backlog of " + backlog);
            } finally {
                s.execute("ROLLBACK");
                s.execute("RESET ALL");
                s.execute("DEALLOCATE ALL");
                s.execute("DROP SCHEMA claim_plan CASCADE");
            }
        }
    }

    private static long rowsRead(Statement s, String statement) throws Exception {
        try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + statement)) {
            rs.next();
            return rowsFromAlert(new JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("Plan"));
        }
    }

    @Test
    void aPausedSubscriptionsAlertsAreNotClaimed() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            subscribe(receiver, HOME_POLICE);
            Db.update("UPDATE alert_subscription SET paused_at = now() WHERE agency_id = ?", HOME_POLICE);
            String tag = queue(HOME_POLICE, 5);
            Thread.sleep(2500);
            assertEquals(0, Db.count("SELECT count(*) FROM alert WHERE event = ? AND attempts > 0", tag));
            Db.update("UPDATE alert_subscription SET paused_at = NULL WHERE agency_id = ?", HOME_POLICE);
            await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(
                    "SELECT count(*) FROM alert WHERE event = ? AND status = 'DELIVERED'", tag) == 5);
        }
    }
}
