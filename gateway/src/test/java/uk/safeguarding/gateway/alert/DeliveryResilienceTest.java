package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;
import uk.safeguarding.gateway.support.WebhookReceiver;

/** At-least-once delivery: receivers down then up, failing, a dispatcher dying mid-delivery, two dispatchers, dead letters. */
@QuarkusTest
class DeliveryResilienceTest {

    @Inject
    AlertConfig config;
    @Inject
    TestDispatchers dispatchers;

    @BeforeEach
    void clean() {
        clearSubscriptions();
    }

    /** Queues n alerts for the agency straight into the outbox (as a committed event would); returns their ids. */
    private static Set<String> queue(String agency, int n, String windowStartSql) throws Exception {
        String tag = "t" + System.nanoTime();
        Db.update("INSERT INTO alert (id, recipient_agency, event, payload, window_start) SELECT gen_random_uuid(), ?, ?, "
                + "'{\"test\": true}'::jsonb, " + windowStartSql + " FROM generate_series(1, ?)", agency, tag, n);
        return Db.query("SELECT id::text AS id FROM alert WHERE event = ?", tag).stream()
                .map(r -> (String) r.get("id")).collect(Collectors.toSet());
    }

    private static long status(Set<String> ids, String status) {
        return Db.count("SELECT count(*) FROM alert WHERE id::text = ANY(?) AND status = ?",
                ids.toArray(new String[0]), status);
    }

    private static Set<String> received(WebhookReceiver receiver, Set<String> ids) {
        return receiver.deliveries().stream().map(WebhookReceiver.Delivery::webhookId).filter(ids::contains)
                .collect(Collectors.toSet());
    }

    @Test
    void aReceiverDownThenUpGetsEveryAlertNoneLost() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String secret = AlertFixtures.subscribe(receiver, HOST_HEALTH);
            receiver.down();
            Set<String> ids = queue(HOST_HEALTH, 50, "NULL");
            await().atMost(Duration.ofSeconds(20)).until(() -> Db.count(
                    "SELECT count(*) FROM alert WHERE id::text = ANY(?) AND attempts >= 2", (Object) ids.toArray(new String[0])) == 50);
            assertEquals(50, status(ids, "PENDING"), "retried, not lost, not dead");
            assertTrue(Db.query("SELECT last_error FROM alert WHERE id::text = ?", ids.iterator().next()).get(0)
                    .get("last_error").toString().contains("ConnectException"));
            receiver.up();
            receiver.failWith(503);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests() > 0);
            assertEquals(50, status(ids, "PENDING"), "a 503 is not a delivery");
            receiver.failWith(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(ids, "DELIVERED") == 50);
            assertEquals(ids, received(receiver, ids));
            for (WebhookReceiver.Delivery d : receiver.deliveries()) {
                verify(secret, d);
            }
        }
    }

    @Test
    void aDispatcherThatDiesMidDeliveryIsTakenOverWhenItsLeaseEnds() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            AlertFixtures.subscribe(receiver, HOST_COUNCIL);
            // As a replica leaves them when it is killed after its claim and before sending: leased for
            // 3 s, one attempt counted. Written in one statement: queued due and leased afterwards, this
            // replica's dispatcher (its tick or a wake) could claim them in between and send at once.
            String tag = "t" + System.nanoTime();
            Db.update("INSERT INTO alert (id, recipient_agency, event, payload, next_attempt_at, attempts) "
                    + "SELECT gen_random_uuid(), ?, ?, '{\"test\": true}'::jsonb, now() + interval '3 seconds', 1 "
                    + "FROM generate_series(1, 20)", HOST_COUNCIL, tag);
            Set<String> ids = Db.query("SELECT id::text AS id FROM alert WHERE event = ?", tag).stream()
                    .map(r -> (String) r.get("id")).collect(Collectors.toSet());
            Thread.sleep(1000);
            assertEquals(Set.of(), received(receiver, ids), "nobody else sends while the lease holds");
            await().atMost(Duration.ofSeconds(20)).until(() -> status(ids, "DELIVERED") == 20);
            assertEquals(ids, received(receiver, ids));
        }
    }

    @Test
    void twoDispatchersOnOneDatabaseLoseNothingAndRepeatOnlyWithTheSameWebhookId() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            AlertFixtures.subscribe(receiver, OTHER_PROVIDER);
            Set<String> ids = queue(OTHER_PROVIDER, 1000, "NULL");
            Dispatcher first = dispatchers.create();
            Dispatcher second = dispatchers.create();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                List<Future<Integer>> runs = List.of(
                        threads.submit(() -> drain(first)), threads.submit(() -> drain(second)));
                int claimed = 0;
                for (Future<Integer> run : runs) {
                    claimed += run.get();
                }
                assertTrue(claimed > 0);
            } finally {
                threads.shutdownNow();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> status(ids, "DELIVERED") == 1000);
            List<String> webhookIds = receiver.deliveries().stream().map(WebhookReceiver.Delivery::webhookId)
                    .filter(ids::contains).toList();
            assertEquals(ids, new HashSet<>(webhookIds), "every alert delivered");
            // Each delivery names its alert; any repeat carries the same webhook-id, so receivers can drop it.
            for (WebhookReceiver.Delivery d : receiver.deliveries()) {
                if (ids.contains(d.webhookId())) {
                    assertEquals(d.webhookId(), d.json().getJsonObject("data").getString("alertId"));
                }
            }
            assertEquals(1000, webhookIds.size(), "SKIP LOCKED and the lease: no alert was sent twice");
        }
    }

    private static int drain(Dispatcher dispatcher) {
        int total = 0;
        int n;
        while ((n = dispatcher.dispatchOnce()) > 0) {
            total += n;
        }
        return total;
    }

    @Test
    void anAlertUndeliverableFor72HoursBecomesADeadLetterForAdminsAndDpos() throws Exception {
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("agency", HOME_HEALTH, "url", "http://127.0.0.1:9/hooks"))
                .when().post("/api/v1/admin/subscriptions").then().statusCode(201);
        Set<String> ids = queue(HOME_HEALTH, 1, "now() - interval '73 hours'");
        String id = ids.iterator().next();
        await().atMost(Duration.ofSeconds(20)).until(() -> status(ids, "DEAD") == 1);
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE action = 'alert.dead-letter' AND resource_id = ?", id));
        // The recipient's DPO sees it, as metadata; the placing council's DPO does not (neither addressed
        // to it nor raised by it: DPO scope).
        given().auth().oauth2(TestTokens.forAgency(HOME_HEALTH).roles("dpo").sign()).when().get("/api/v1/admin/dead-letters")
                .then().statusCode(200).body("find { it.id == '" + id + "' }.recipient", equalTo(HOME_HEALTH))
                .body("find { it.id == '" + id + "' }.payload", org.hamcrest.Matchers.nullValue());
        given().auth().oauth2(TestTokensDpo.dpo()).when().get("/api/v1/admin/dead-letters")
                .then().statusCode(200).body("find { it.id == '" + id + "' }", org.hamcrest.Matchers.nullValue());
        given().auth().oauth2(admin()).when().get("/api/v1/admin/dead-letters")
                .then().statusCode(200).body("find { it.id == '" + id + "' }.recipient", equalTo(HOME_HEALTH));
        given().auth().oauth2(practitioner(HOME_HEALTH)).when().get("/api/v1/admin/dead-letters").then().statusCode(403);
        given().auth().oauth2(TestTokensDpo.dpo()).when().post("/api/v1/admin/dead-letters/" + id + "/requeue")
                .then().statusCode(403);
        given().auth().oauth2(admin()).when().post("/api/v1/admin/dead-letters/" + id + "/requeue").then().statusCode(204);
        assertEquals(1, status(ids, "PENDING"));
        given().auth().oauth2(admin()).when().post("/api/v1/admin/dead-letters/" + id + "/requeue").then().statusCode(404);
    }

    @Test
    void backoffGrowsWithJitterAndIsCapped() {
        Dispatcher d = dispatchers.create();
        long initial = config.initialBackoff().toMillis();
        for (int attempt = 1; attempt <= 40; attempt++) {
            long expected = Math.min(config.maxBackoff().toMillis(), initial * (1L << Math.min(attempt - 1, 30)));
            long got = d.backoff(attempt).toMillis();
            assertTrue(got >= expected / 2 && got <= expected, "attempt " + attempt + ": " + got + " in [" + expected / 2 + ", " + expected + "]");
        }
    }
}
