package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;
import uk.safeguarding.gateway.support.WebhookReceiver;

/**
 * Missing from home end to end, with real Keycloak tokens against the packaged gateway: a child with
 * no placement, known only by a Met person id, reported missing by the Met; Tower Hamlets (the home
 * council) and the school are told within their deadlines through signature-verified webhooks; found
 * starts the 72-hour return home interview offer through Tower Hamlets' commissioned service (a
 * charity); a third episode in 90 days raises the strategy-discussion duty to Tower Hamlets, due within
 * one working day; the partnership's lead DPO finds each report and found in the audit trail.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class MissingFromHomeIT {

    static final String COUNCIL = "la:E09000030";
    static final String SCHOOL = "school:100000";
    static final String RHI = "vcs:1234567";

    static RequestSpecification as(String client, String purpose) {
        return given().auth().oauth2(KeycloakTokens.clientToken(client)).header("Purpose-Of-Use", purpose)
                .contentType(ContentType.JSON);
    }

    /** Replaces the agency's subscription (the suite shares one gateway: the demo journey subscribed it too). */
    static String subscribe(WebhookReceiver receiver, String agency) {
        List<Map<String, Object>> existing = as("gateway-admin", "SAFEGUARDING").when().get("/api/v1/admin/subscriptions")
                .then().statusCode(200).extract().path("");
        existing.stream().filter(s -> agency.equals(s.get("agency"))).forEach(s -> as("gateway-admin", "SAFEGUARDING")
                .when().delete("/api/v1/admin/subscriptions/" + s.get("id")).then().statusCode(204));
        return as("gateway-admin", "SAFEGUARDING").body(Map.of("agency", agency, "url", receiver.url(agency)))
                .when().post("/api/v1/admin/subscriptions").then().statusCode(201).extract().path("secret");
    }

    static Map<String, Object> report(String policeId, Instant since) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("child", Map.of("system", Api.POLICE_ID, "value", policeId));
        body.put("homeCouncil", COUNCIL);
        body.put("school", "100000");
        body.put("missingSince", since.truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("circumstances", "Did not come home; her mother called 101");
        return body;
    }

    /** The delivery of {@code event} about the child to {@code agency}, verified, and received before its deadline. */
    static JsonObject deliveredInTime(WebhookReceiver receiver, String secret, String agency, String childId, String event)
            throws Exception {
        WebhookReceiver.Delivery d = await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveriesFor(agency).stream()
                .filter(x -> x.json().getString("type").equals(event)
                        && childId.equals(x.json().getJsonObject("data").getString("childId")))
                .findFirst().orElse(null), x -> x != null);
        Instant received = Instant.now();
        new Webhook(secret).verify(d.body(), Map.of("webhook-id", List.of(d.header("webhook-id")),
                "webhook-timestamp", List.of(d.header("webhook-timestamp")),
                "webhook-signature", List.of(d.header("webhook-signature"))));
        JsonObject data = d.json().getJsonObject("data");
        assertTrue(received.isBefore(Instant.parse(data.getString("deadline"))), agency + " told after its deadline");
        return data;
    }

    @Test
    void aChildKnownOnlyByAPoliceIdIsReportedMissingRepeatedlyIntoAStrategyDiscussion() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String councilSecret = subscribe(receiver, COUNCIL);
            String schoolSecret = subscribe(receiver, SCHOOL);
            String policeId = "MET-" + UUID.randomUUID();
            Instant now = Instant.now();

            // First episode, two months ago: the Met reports; the home council and the school are told.
            JsonPath first = as("police-met", "MISSING-RESPONSE").body(report(policeId, now.minus(Duration.ofDays(60))))
                    .when().post("/api/v1/missing-episodes").then().statusCode(201).extract().jsonPath();
            String childId = first.getString("childId");
            assertEquals(List.of(COUNCIL, SCHOOL), first.getList("recipients"));
            JsonObject council = deliveredInTime(receiver, councilSecret, COUNCIL, childId, "child-missing");
            assertEquals("missing-from-care@1.0.0#missing-notify", council.getString("dutyRef"));
            JsonObject school = deliveredInTime(receiver, schoolSecret, SCHOOL, childId, "child-missing");
            assertEquals("missing-from-care@1.0.0#missing-school-notify", school.getString("dutyRef"));
            assertEquals(null, school.getJsonObject("data").getValue("risk"), "the school gets the episode, not the risk");

            // Found: the 72-hour offer starts, through Tower Hamlets' commissioned return interview service.
            JsonPath found = as("police-met", "MISSING-RESPONSE").body(Map.of("locationFound", "A flat in Stratford"))
                    .when().post("/api/v1/missing-episodes/" + first.getString("id") + "/found").then().statusCode(200)
                    .extract().jsonPath();
            Instant foundAt = Instant.parse(found.getString("foundAt"));
            assertEquals(foundAt.plus(Duration.ofHours(72)), Instant.parse(found.getString("rhiDueAt")));
            assertEquals("missing-from-care@1.0.0#rhi-offer",
                    found.getString("event.notified.find { it.agency == '" + RHI + "' }.dutyRef"));
            assertEquals(found.getString("rhiDueAt"), found.getString("event.notified.find { it.agency == '" + RHI + "' }.deadline"));

            // A second episode a month ago: no strategy discussion yet.
            String second = as("police-met", "MISSING-RESPONSE").body(report(policeId, now.minus(Duration.ofDays(30))))
                    .when().post("/api/v1/missing-episodes").then().statusCode(201).extract().path("id");
            as("police-met", "MISSING-RESPONSE").body(Map.of()).when().post("/api/v1/missing-episodes/" + second + "/found")
                    .then().statusCode(200);
            assertTrue(receiver.deliveriesFor(COUNCIL).stream().noneMatch(d -> d.json().getString("type").equals("repeat-missing")));

            // The third in 90 days: Tower Hamlets is asked to consider a strategy discussion within one working day.
            as("police-met", "MISSING-RESPONSE").body(report(policeId, now)).when().post("/api/v1/missing-episodes")
                    .then().statusCode(201);
            JsonObject repeat = deliveredInTime(receiver, councilSecret, COUNCIL, childId, "repeat-missing");
            assertEquals("missing-from-care@1.0.0#repeat-missing-strategy", repeat.getString("dutyRef"));
            assertEquals("1 working day", repeat.getString("deadlineRule"));
            assertEquals(3, repeat.getJsonObject("data").getJsonObject("missing").getInteger("episodes"));

            // The Met's reports gave it nothing older: its officer cannot read the child's involvement.
            as("police-met", "MISSING-RESPONSE").when().get("/api/v1/children/" + childId + "/involvement").then().statusCode(404);

            // Each step is in the audit trail, as the partnership's lead DPO sees it.
            List<String> actions = given().auth().oauth2(KeycloakTokens.userToken("lead-dpo.towerhamlets"))
                    .header("Purpose-Of-Use", "DPO-REVIEW")
                    .when().get("/api/v1/audit/events?scope=partnership&child=" + Api.POLICE_ID + "|" + policeId)
                    .then().statusCode(200).extract().jsonPath().getList("items.action");
            assertEquals(3, actions.stream().filter("missing.report-from-home"::equals).count(), actions.toString());
            assertEquals(2, actions.stream().filter("missing.found"::equals).count(), actions.toString());
            // (The gateway's own missing.repeat entry is not an agency's action; MissingFromHomeTest checks its row.)
        }
    }
}
