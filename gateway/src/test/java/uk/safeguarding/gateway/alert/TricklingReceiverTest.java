package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TricklingServer;
import uk.safeguarding.gateway.support.WebhookReceiver;

/**
 * One recipient cannot stall delivery to the others. A receiver that answers 200 and then trickles a
 * chunked body forever has its alert recorded as delivered (a webhook's answer is its status; the body is
 * never waited for), the other agency's alert in the same batch is delivered too, and the trickling
 * connection is reset by the request deadline instead of being held open.
 */
@QuarkusTest
class TricklingReceiverTest {

    @Inject
    AlertConfig config;

    @BeforeEach
    void clean() {
        clearSubscriptions();
    }

    @Test
    void aTricklingReceiverDoesNotHoldTheDispatcherOrItsConnection() throws Exception {
        try (TricklingServer trickler = new TricklingServer(200); WebhookReceiver receiver = WebhookReceiver.start()) {
            given().auth().oauth2(admin()).contentType(ContentType.JSON)
                    .body(Map.of("agency", HOST_POLICE, "url", "http://127.0.0.1:" + trickler.port() + "/trickle"))
                    .when().post("/api/v1/admin/subscriptions").then().statusCode(201);
            subscribe(receiver, HOST_HEALTH);
            String tag = "trickle" + System.nanoTime();
            Db.update("INSERT INTO alert (id, recipient_agency, event, payload) VALUES (gen_random_uuid(), ?, ?, '{}'::jsonb), "
                    + "(gen_random_uuid(), ?, ?, '{}'::jsonb)", HOST_POLICE, tag, HOST_HEALTH, tag);
            long queued = System.nanoTime();
            await().atMost(Duration.ofSeconds(8)).until(() -> Db.count(
                    "SELECT count(*) FROM alert WHERE event = ? AND status = 'DELIVERED'", tag) == 2);
            long deliveredMs = (System.nanoTime() - queued) / 1_000_000;
            assertTrue(deliveredMs < config.requestTimeout().toMillis(),
                    "both delivered before the trickler's deadline, in " + deliveredMs + " ms");
            String healthAlert = (String) Db.query("SELECT id::text AS id FROM alert WHERE event = ? AND recipient_agency = ?",
                    tag, HOST_HEALTH).get(0).get("id");
            assertTrue(receiver.deliveriesFor(HOST_HEALTH).stream().anyMatch(d -> healthAlert.equals(d.webhookId())),
                    "the other agency's alert reached its receiver");
            await().atMost(config.requestTimeout().plusSeconds(5)).until(() -> trickler.heldMs() >= 0);
            long heldMs = trickler.heldMs();
            assertTrue(heldMs <= config.requestTimeout().toMillis() + 1000, "the trickle was cut at the deadline: " + heldMs + " ms");
        }
    }
}
