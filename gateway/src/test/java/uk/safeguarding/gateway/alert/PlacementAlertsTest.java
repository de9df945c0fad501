package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.WebhookReceiver;

/** A planned out-of-area placement, end to end: duties, redaction per recipient, signed webhooks. */
@QuarkusTest
class PlacementAlertsTest {

    static WebhookReceiver receiver;
    static Map<String, String> secrets = new java.util.HashMap<>();

    @BeforeAll
    static void receivers() {
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    @BeforeEach
    void subscribe() {
        clearSubscriptions();
        receiver.clear();
        for (String agency : List.of(HOST_COUNCIL, HOST_POLICE, HOST_HEALTH, SCHOOL)) {
            secrets.put(agency, AlertFixtures.subscribe(receiver, agency));
        }
    }

    @Test
    void aPlannedPlacementReachesTheHostAreaBeforeItStartsEachWithOnlyWhatItMaySee() throws Exception {
        LocalDate start = LocalDate.now().plusDays(10);
        ExtractableResponse<Response> created = plan(placementBody(newChildValue(), start, false)).statusCode(201)
                .body("event", equalTo("placement-planned"))
                .body("notified.agency", containsInAnyOrder(HOST_COUNCIL, HOST_POLICE, HOST_HEALTH, SCHOOL, PROVIDER))
                .body("unresolvedRoles", containsInAnyOrder("gp"))
                .extract();
        UUID childId = UUID.fromString(created.path("childId"));
        String eventId = created.path("eventId");
        String deadline = start.atStartOfDay(ZoneId.of("Europe/London")).toInstant().toString();
        List<Map<String, Object>> notified = created.path("notified");
        notified.forEach(n -> assertEquals(deadline, n.get("deadline"), "due before the placement starts: " + n));

        await().atMost(Duration.ofSeconds(15)).until(() -> forChild(receiver.deliveries(), childId).size() >= 4);
        List<WebhookReceiver.Delivery> got = forChild(receiver.deliveries(), childId);
        for (String agency : List.of(HOST_COUNCIL, HOST_POLICE, HOST_HEALTH, SCHOOL)) {
            List<WebhookReceiver.Delivery> mine = forChild(receiver.deliveriesFor(agency), childId);
            assertEquals(1, mine.stream().map(WebhookReceiver.Delivery::webhookId).distinct().count(), agency);
            verify(secrets.get(agency), mine.get(0));
            JsonObject envelope = mine.get(0).json();
            assertEquals("placement-planned", envelope.getString("type"));
            assertEquals(mine.get(0).webhookId(), envelope.getJsonObject("data").getString("alertId"));
            assertTrue(envelope.getJsonObject("data").getString("link").endsWith("/api/v1/case-events/" + eventId));
        }
        JsonObject police = forChild(receiver.deliveriesFor(HOST_POLICE), childId).get(0).json().getJsonObject("data");
        assertEquals("1 Hill Road, Preston PR1 1AA", police.getJsonObject("data").getJsonObject("placement").getString("address"));
        JsonObject school = forChild(receiver.deliveriesFor(SCHOOL), childId).get(0).json().getJsonObject("data");
        assertFalse(school.getJsonObject("data").containsKey("placement"), "the school never gets the placement address");
        assertTrue(school.getJsonArray("withheld").contains("placement"));
        assertFalse(school.encode().contains("Hill Road"));
        // The home is told too (notify-provider); it has no endpoint in this test, so its notice waits in its pull inbox.
        assertTrue(got.stream().noneMatch(d -> d.path().contains("provider")), "no webhook without a subscription");
        assertEquals(1, Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND event = 'placement-planned' AND recipient_agency = ?",
                childId, PROVIDER));

        // The event, its audit record, its alerts and the relationships were written together.
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE action = 'placement.plan' AND child_id = ?", childId));
        assertEquals(5, Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND event = 'placement-planned'", childId));
        assertEquals(1, Db.count("SELECT count(*) FROM relationship WHERE child_id = ? AND agency_id = ? AND kind = 'host-police'",
                childId, HOST_POLICE));
    }

    @Test
    void theLinkGivesEachReaderItsOwnDecision() {
        ExtractableResponse<Response> created = plan(placementBody(newChildValue(), LocalDate.now().plusDays(3), false))
                .statusCode(201).extract();
        String eventId = created.path("eventId");
        given().auth().oauth2(practitioner(HOST_POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/case-events/" + eventId)
                .then().statusCode(200).body("data.placement.address", equalTo("1 Hill Road, Preston PR1 1AA"));
        UUID childId = UUID.fromString(created.path("childId"));
        assertEquals(1, alertsFor(childId, PLACING, Notifier.ACCESS_EVENT), "a police practitioner's read is notified to the owner");
        given().auth().oauth2(practitioner(SCHOOL)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/case-events/" + eventId)
                .then().statusCode(200).body("data", not(org.hamcrest.Matchers.hasKey("placement")))
                .body("withheld", hasItem("placement"));
        assertEquals(1, alertsFor(childId, PLACING, Notifier.ACCESS_EVENT), "a school's read carries no such obligation");
        given().auth().oauth2(provider(OTHER_PROVIDER)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/case-events/" + eventId)
                .then().statusCode(404);
    }

    @Test
    void anEmergencyPlacementIsDueWithinFiveWorkingDays() {
        LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
        String deadline = plan(placementBody(newChildValue(), today, true)).statusCode(201)
                .extract().path("notified[0].deadline");
        LocalDate due = java.time.Instant.parse(deadline).atZone(ZoneId.of("Europe/London")).toLocalDate();
        assertTrue(due.isAfter(today.plusDays(4)) && !due.isAfter(today.plusDays(12)), "five working days on: " + due);
    }

    @Test
    void onlyThePlacingCouncilCanPlaceAndTheBodyIsChecked() {
        Map<String, Object> body = placementBody(newChildValue(), LocalDate.now().plusDays(3), false);
        given().auth().oauth2(practitioner(HOME_POLICE)).header("Purpose-Of-Use", "CARE-PLANNING")
                .contentType(ContentType.JSON).body(body).when().post("/api/v1/placements")
                .then().statusCode(403);
        Map<String, Object> bad = new java.util.HashMap<>(body);
        bad.put("hostPolice", "la:E10000017");
        plan(bad).statusCode(400).body("errors[0].field", equalTo("hostPolice"));
        bad.put("hostPolice", "police:nowhere");
        plan(bad).statusCode(400).body("code", equalTo("NOT_SIGNATORY"));
        assertEquals(0, Db.count("SELECT count(*) FROM child_identifier WHERE value = ?", body.get("child") == null ? "" :
                ((Map<?, ?>) body.get("child")).get("value")), "nothing persisted by a failed request");
    }

    @Test
    void endAndMoveReachEveryoneToldBefore() {
        ExtractableResponse<Response> created = plan(placementBody(newChildValue(), LocalDate.now().plusDays(3), false))
                .statusCode(201).extract();
        String placement = created.header("Location").replaceAll(".*/placements/", "");
        given().auth().oauth2(practitioner(PLACING)).header("Purpose-Of-Use", "CARE-PLANNING")
                .when().post("/api/v1/placements/" + placement + "/start")
                .then().statusCode(200).body("notified.agency", containsInAnyOrder(HOST_COUNCIL, HOST_POLICE));
        given().auth().oauth2(practitioner(HOST_COUNCIL)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().post("/api/v1/placements/" + placement + "/end")
                .then().statusCode(403);
        given().auth().oauth2(provider(PROVIDER)).header("Purpose-Of-Use", "CARE-PLANNING")
                .when().post("/api/v1/placements/" + placement + "/end")
                .then().statusCode(200)
                .body("notified.agency", containsInAnyOrder(PLACING, HOST_COUNCIL, HOST_POLICE, HOST_HEALTH, HOME_POLICE,
                        HOME_HEALTH, SCHOOL));
        given().auth().oauth2(practitioner(PLACING)).header("Purpose-Of-Use", "CARE-PLANNING")
                .when().post("/api/v1/placements/" + placement + "/move")
                .then().statusCode(409).body("code", equalTo("PLACEMENT_STATE"));
        // Need to know follows the placement: the host area's relationships ended with it.
        String eventId = created.path("eventId");
        given().auth().oauth2(practitioner(HOST_POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/case-events/" + eventId).then().statusCode(404);
        given().auth().oauth2(practitioner(PLACING)).header("Purpose-Of-Use", "CARE-PLANNING")
                .when().get("/api/v1/case-events/" + eventId).then().statusCode(200);
        given().auth().oauth2(practitioner(HOME_POLICE)).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/case-events/" + eventId).then().statusCode(200);
    }

    @Test
    void signaturesFailWhenAlteredReplayedOrSignedWithAnotherSecret() throws Exception {
        UUID childId = placedChild();
        await().atMost(Duration.ofSeconds(15)).until(() -> !forChild(receiver.deliveriesFor(HOST_POLICE), childId).isEmpty());
        WebhookReceiver.Delivery d = forChild(receiver.deliveriesFor(HOST_POLICE), childId).get(0);
        String secret = secrets.get(HOST_POLICE);
        verify(secret, d);
        WebhookReceiver.Delivery altered = new WebhookReceiver.Delivery(d.path(), d.headers(),
                d.body().replace("Hill Road", "Hall Road"), d.receivedNanos());
        assertThrows(WebhookVerificationException.class, () -> verify(secret, altered));
        Map<String, List<String>> old = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        old.putAll(d.headers());
        old.put("webhook-timestamp", List.of(Long.toString(Long.parseLong(d.header("webhook-timestamp")) - 600)));
        assertThrows(WebhookVerificationException.class,
                () -> verify(secret, new WebhookReceiver.Delivery(d.path(), old, d.body(), 0)), "a replay ten minutes on");
        Map<String, List<String>> otherId = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        otherId.putAll(d.headers());
        otherId.put("webhook-id", List.of(UUID.randomUUID().toString()));
        assertThrows(WebhookVerificationException.class,
                () -> verify(secret, new WebhookReceiver.Delivery(d.path(), otherId, d.body(), 0)));
        assertThrows(WebhookVerificationException.class, () -> verify(WebhookSigner.newSecret(), d));
    }

    @Test
    void duringARotationBothSecretsVerify() throws Exception {
        String id = given().auth().oauth2(admin()).when().get("/api/v1/admin/subscriptions")
                .then().statusCode(200).extract().path("find { it.agency == '" + HOST_POLICE + "' }.id");
        String oldSecret = secrets.get(HOST_POLICE);
        String newSecret = given().auth().oauth2(admin()).when().post("/api/v1/admin/subscriptions/" + id + "/secrets")
                .then().statusCode(201).body("liveSecrets", equalTo(2)).extract().path("secret");
        UUID childId = placedChild();
        await().atMost(Duration.ofSeconds(15)).until(() -> !forChild(receiver.deliveriesFor(HOST_POLICE), childId).isEmpty());
        WebhookReceiver.Delivery d = forChild(receiver.deliveriesFor(HOST_POLICE), childId).get(0);
        assertEquals(2, d.header("webhook-signature").split(" ").length);
        verify(oldSecret, d);
        verify(newSecret, d);
        given().auth().oauth2(admin()).when().post("/api/v1/admin/subscriptions/" + id + "/secrets/retire-previous")
                .then().statusCode(200).body("liveSecrets", equalTo(1));
        UUID second = placedChild();
        await().atMost(Duration.ofSeconds(15)).until(() -> !forChild(receiver.deliveriesFor(HOST_POLICE), second).isEmpty());
        WebhookReceiver.Delivery after = forChild(receiver.deliveriesFor(HOST_POLICE), second).get(0);
        verify(newSecret, after);
        assertThrows(WebhookVerificationException.class, () -> verify(oldSecret, after));
    }

    @Test
    void subscriptionsAreForAdminsHttpsOnlyAndNeverShowTheirSecrets() {
        given().auth().oauth2(practitioner(PLACING)).contentType(ContentType.JSON)
                .body(Map.of("agency", PROVIDER, "url", "https://provider.example/hooks"))
                .when().post("/api/v1/admin/subscriptions").then().statusCode(403);
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("agency", PROVIDER, "url", "http://provider.example/hooks"))
                .when().post("/api/v1/admin/subscriptions").then().statusCode(400).body("code", equalTo("URL_NOT_HTTPS"));
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("agency", PROVIDER, "url", "https://provider.example/hooks", "secret", "not-a-secret"))
                .when().post("/api/v1/admin/subscriptions").then().statusCode(400).body("code", equalTo("SECRET_FORMAT"));
        String body = given().auth().oauth2(admin()).when().get("/api/v1/admin/subscriptions")
                .then().statusCode(200).extract().asString();
        secrets.values().forEach(s -> assertFalse(body.contains(s.substring(6)), "a listing never shows a secret"));
        assertFalse(body.contains("whsec_"));
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("agency", HOST_POLICE, "url", "https://police.example/hooks"))
                .when().post("/api/v1/admin/subscriptions").then().statusCode(409);
    }
}
