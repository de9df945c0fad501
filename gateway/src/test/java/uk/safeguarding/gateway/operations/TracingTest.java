package uk.safeguarding.gateway.operations;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;
import uk.safeguarding.gateway.support.WebhookReceiver;

/**
 * One referral, traced end to end into an in-memory exporter: the intake request's server span, the
 * policy decisions, the database statements and the webhook delivery (made later by the dispatcher)
 * are all in the one trace the caller started. The test profile records only requests that arrive with
 * a sampled traceparent (no new trace is sampled), so no other test fills the exporter.
 */
@QuarkusTest
class TracingTest {

    private static final String HEALTH = "nhs:RQX";

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aReferralsIntakePolicyDatabaseAndWebhookDeliveryShareOneTrace() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            clearSubscriptions();
            String admin = TestTokens.forAgency("la:E09000030").roles("admin").subject("admin-1").sign();
            given().auth().oauth2(admin).contentType(ContentType.JSON)
                    .body(Map.of("agency", HEALTH, "url", receiver.url(HEALTH)))
                    .when().post("/api/v1/admin/subscriptions").then().statusCode(201);
            // No collector in tests and no new trace sampled: a request without a traceparent records nothing.
            spans.reset();
            given().auth().oauth2(TestTokens.police()).when().get("/api/v1/whoami").then().statusCode(200);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertEquals(List.of(), names(spans.getFinishedSpanItems()), "nothing recorded without a sampled traceparent");

            String traceId = hex(32);
            String requestId = "tracing-" + hex(12);
            String id = given().auth().oauth2(TestTokens.forAgency("police:met").roles("practitioner").subject("tracer").sign())
                    .header("Purpose-Of-Use", "SAFEGUARDING")
                    .header("traceparent", "00-" + traceId + "-" + hex(16) + "-01")
                    .header("X-Request-Id", requestId)
                    .contentType(ContentType.JSON).body(Fixtures.load("police-cse.json", Fixtures.nhsNumber()))
                    .when().post("/api/v1/referrals").then().statusCode(201).extract().path("id");
            String alertId = (String) Db.query("SELECT id::text AS id FROM alert WHERE resource_id = ? AND recipient_agency = ?",
                    id, HEALTH).get(0).get("id");
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveries().stream()
                    .anyMatch(d -> alertId.equals(d.webhookId())));

            await().atMost(Duration.ofSeconds(20)).until(() -> spans.getFinishedSpanItems().stream()
                    .anyMatch(s -> s.getName().equals("webhook.deliver") && alertId.equals(attribute(s, "gateway.alert.id"))));
            List<SpanData> trace = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();

            SpanData intake = trace.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst()
                    .orElseThrow(() -> new AssertionError("no server span in the trace: " + names(trace)));
            assertTrue(intake.getName().startsWith("POST"), intake.getName());
            assertFalse(trace.stream().filter(s -> s.getName().equals("policy.decide")).toList().isEmpty(),
                    "policy decisions in the trace: " + names(trace));
            assertTrue(trace.stream().anyMatch(s -> s.getName().equals("policy.decide")
                            && "PERMIT".equals(attribute(s, "gateway.policy.effect"))),
                    "a permitting decision (the recipients' receive-alert)");
            assertTrue(trace.stream().anyMatch(s -> s.getKind() == SpanKind.CLIENT
                            && s.getAttributes().asMap().keySet().stream().anyMatch(k -> k.getKey().startsWith("db."))),
                    "database statements in the trace: " + names(trace));
            SpanData delivery = trace.stream().filter(s -> s.getName().equals("webhook.deliver")
                    && alertId.equals(attribute(s, "gateway.alert.id"))).findFirst()
                    .orElseThrow(() -> new AssertionError("the delivery is not in the referral's trace: " + names(trace)));
            assertEquals(SpanKind.CLIENT, delivery.getKind());
            assertEquals(HEALTH, attribute(delivery, "gateway.alert.recipient"));

            // The request's log lines carry its request id and trace id (the test log's text format).
            String log = readLog();
            assertTrue(log.contains("[" + requestId + "] [" + traceId + "] "),
                    "a line of the referral request carries both ids in " + LOG);
        } finally {
            clearSubscriptions();
        }
    }

    private static final java.nio.file.Path LOG = java.nio.file.Path.of("target/gateway-test.log");

    private static String readLog() {
        try {
            return java.nio.file.Files.readString(LOG);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A request naming a child in its path and query, followed into the trace: no span attribute or name
     * holds the child's id, the NHS-number-like value or the query string; the path keeps its route words.
     */
    @Test
    void noSpanCarriesAChildsIdentifierOrAQuery() {
        String traceId = hex(32);
        String childId = java.util.UUID.randomUUID().toString();
        String nhs = Fixtures.nhsNumber();
        given().auth().oauth2(TestTokens.forAgency("police:met").roles("practitioner").subject("tracer").sign())
                .header("Purpose-Of-Use", "SAFEGUARDING")
                .header("traceparent", "00-" + traceId + "-" + hex(16) + "-01")
                .when().get("/api/v1/children/" + childId + "/risk-assessments?child=https://fhir.nhs.uk/Id/nhs-number|" + nhs)
                .then().statusCode(org.hamcrest.Matchers.lessThan(500));
        await().atMost(Duration.ofSeconds(20)).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.SERVER));
        List<SpanData> trace = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
        SpanData server = trace.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertEquals("/api/v1/children/{id}/risk-assessments", attribute(server, "url.path"), server.getAttributes().toString());
        for (SpanData span : trace) {
            String everything = span.getName() + " " + span.getAttributes();
            for (String secret : List.of(childId, nhs, "nhs-number|", "child=")) {
                assertFalse(everything.contains(secret), secret + " in span " + everything);
            }
        }
    }

    private static void clearSubscriptions() {
        try {
            Db.update("DELETE FROM alert_subscription");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String attribute(SpanData span, String key) {
        Object value = span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(key));
        return value == null ? null : value.toString();
    }

    private static List<String> names(List<SpanData> trace) {
        return trace.stream().map(s -> s.getKind() + " " + s.getName()).toList();
    }

    private static String hex(int digits) {
        StringBuilder out = new StringBuilder();
        while (out.length() < digits) {
            out.append(Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE));
        }
        return out.substring(0, digits);
    }
}
