package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.WebhookReceiver;

/**
 * Suspected child sexual exploitation at a children's home: the home tells the placing council, the
 * host police and Ofsted at once (regulation 40), under legal obligation; Ofsted gets the concern, never
 * the placement address.
 */
@QuarkusTest
class CseAtHomeTest {

    static final String OFSTED = "regulator:ofsted";
    static WebhookReceiver receiver;
    static final Map<String, String> secrets = new HashMap<>();

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
        for (String agency : List.of(PLACING, HOST_POLICE, OFSTED)) {
            secrets.put(agency, AlertFixtures.subscribe(receiver, agency));
        }
    }

    static ExtractableResponse<Response> report(UUID childId, String token, Object body) {
        return given().auth().oauth2(token).header("Purpose-Of-Use", "SAFEGUARDING").contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/children/" + childId + "/cse-concerns").then().extract();
    }

    static final Map<String, String> CONCERN = Map.of("summary",
            "A man in his thirties has been seen collecting her from the end of the road at night; she returned with a new phone.");

    @Test
    void theHomeTellsThePlacingCouncilTheHostPoliceAndOfstedAtOnceUnderLegalObligation() throws Exception {
        UUID childId = placedChild();
        ExtractableResponse<Response> r = report(childId, provider(PROVIDER), CONCERN);
        assertEquals(201, r.statusCode(), r.asString());
        List<String> told = r.path("event.notified.agency");
        assertEquals(List.of(PLACING, HOST_POLICE, OFSTED), told.stream().sorted().toList());
        Instant occurred = Instant.parse(r.path("suspectedAt"));
        for (String deadline : r.<List<String>>path("event.notified.deadline")) {
            assertTrue(Duration.between(occurred, Instant.parse(deadline)).toMinutes() <= 15, deadline);
        }
        String eventId = r.path("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(PLACING, HOST_POLICE, OFSTED).stream()
                .allMatch(a -> forChild(receiver.deliveriesFor(a), childId).stream()
                        .anyMatch(d -> d.json().getString("type").equals("cse-suspected-at-home"))));
        for (String agency : List.of(PLACING, HOST_POLICE, OFSTED)) {
            WebhookReceiver.Delivery d = forChild(receiver.deliveriesFor(agency), childId).stream()
                    .filter(x -> eventId.equals(x.json().getJsonObject("data").getString("eventId"))).findFirst().orElseThrow();
            verify(secrets.get(agency), d);
            JsonObject data = d.json().getJsonObject("data").getJsonObject("data");
            assertTrue(data.getJsonObject("risk").getString("summary").contains("new phone"), agency);
            assertFalse(data.containsKey("placement"), agency + " gets no placement address from this event");
            // Each alert says under which Art 6 basis each category went (none of them is special here).
            assertEquals("ukgdpr-6-1-e", d.json().getJsonObject("data").getJsonObject("article6").getString("risk"), agency);
            assertTrue(d.json().getJsonObject("data").getJsonObject("article9").isEmpty(), agency);
        }
        Map<String, Object> audit = Db.query("""
                SELECT decision, lawful_basis, actor_agency, outcome FROM audit_event WHERE action = 'cse.report' AND child_id = ?""",
                childId).get(0);
        assertEquals("PERMIT", audit.get("decision"));
        assertEquals("ukgdpr-6-1-c", audit.get("lawful_basis"));
        assertEquals(201, ((Number) audit.get("outcome")).intValue());
        assertEquals(1, Db.count("SELECT count(*) FROM relationship WHERE child_id = ? AND agency_id = ? AND kind = 'regulator'",
                childId, OFSTED));
    }

    @Test
    void onlyTheHomeCaringForTheChildNotifiesAndARealChildAnswersLikeARandomOne() {
        UUID childId = placedChild();
        UUID random = UUID.randomUUID();
        for (String token : List.of(provider(OTHER_PROVIDER))) {
            ExtractableResponse<Response> real = report(childId, token, CONCERN);
            ExtractableResponse<Response> none = report(random, token, CONCERN);
            assertEquals(404, real.statusCode(), real.asString());
            assertEquals(none.statusCode(), real.statusCode());
            assertEquals((Object) none.path("code"), real.path("code"));
        }
        // The placing council holds the child, but a home's reg 40 notification is not its to send.
        assertEquals(403, report(childId, practitioner(PLACING), CONCERN).statusCode());
        ExtractableResponse<Response> empty = report(childId, provider(PROVIDER), Map.of("summary", " "));
        assertEquals(400, empty.statusCode());
        assertEquals("summary", empty.path("errors[0].field"));
        assertEquals(0, Db.count("SELECT count(*) FROM case_event WHERE child_id = ? AND type = 'cse-suspected-at-home'", childId));
    }
}
