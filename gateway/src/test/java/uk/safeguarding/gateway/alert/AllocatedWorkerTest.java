package uk.safeguarding.gateway.alert;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.alert.AlertFixtures.*;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;
import uk.safeguarding.gateway.support.WebhookReceiver;

/**
 * The allocated social worker: the placing council names the worker; the child's health bodies are told;
 * health information then reaches that worker (out-of-area-placement#allocated-worker-health) and no
 * other practitioner of the council.
 */
@QuarkusTest
class AllocatedWorkerTest {

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
        for (String agency : List.of(HOST_HEALTH, HOME_HEALTH)) {
            secrets.put(agency, AlertFixtures.subscribe(receiver, agency));
        }
    }

    static String worker(String subject) {
        return TestTokens.forAgency(PLACING).roles("practitioner").subject(subject).sign();
    }

    static ExtractableResponse<Response> allocate(UUID childId, String token, Map<String, Object> body) {
        return given().auth().oauth2(token).header("Purpose-Of-Use", "CARE-PLANNING").contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/children/" + childId + "/allocated-worker").then().extract();
    }

    static JsonPath readReferral(String referralId, String token) {
        return given().auth().oauth2(token).header("Purpose-Of-Use", "CARE-PLANNING")
                .when().get("/api/v1/referrals/" + referralId).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void theHealthBodiesAreToldAndHealthReachesTheAllocatedWorkerAlone() throws Exception {
        String nhs = Fixtures.nhsNumber();
        UUID childId = UUID.fromString(plan(placementBody(nhs, LocalDate.now().plusDays(7), false))
                .statusCode(201).extract().path("childId"));

        // Allocation opens health to the worker: a practitioner cannot name themselves.
        ExtractableResponse<Response> self = allocate(childId, worker("sw-self"), Map.of("worker", "sw-self"));
        assertEquals(403, self.statusCode(), self.asString());
        assertEquals("SELF_ALLOCATION", self.path("code"));
        ExtractableResponse<Response> r = allocate(childId, supervisor(PLACING, "tm-1"),
                Map.of("worker", "sw-allocated", "contact", "sw-allocated@towerhamlets.example"));
        assertEquals(201, r.statusCode(), r.asString());
        assertEquals("confirmed", r.path("standing"));
        List<String> told = r.path("event.notified.agency");
        assertEquals(List.of(HOME_HEALTH, HOST_HEALTH).stream().sorted().toList(), told.stream().sorted().toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(HOST_HEALTH, HOME_HEALTH).stream()
                .allMatch(a -> forChild(receiver.deliveriesFor(a), childId).stream()
                        .anyMatch(d -> d.json().getString("type").equals("allocated-worker-named"))));
        for (String agency : List.of(HOST_HEALTH, HOME_HEALTH)) {
            WebhookReceiver.Delivery d = forChild(receiver.deliveriesFor(agency), childId).stream()
                    .filter(x -> x.json().getString("type").equals("allocated-worker-named")).findFirst().orElseThrow();
            verify(secrets.get(agency), d);
            assertEquals("sw-allocated", d.json().getJsonObject("data").getJsonObject("data").getJsonObject("identity")
                    .getString("allocatedWorker"));
        }
        assertEquals(1, Db.count("""
                SELECT count(*) FROM audit_event WHERE action = 'allocation.register' AND child_id = ? AND decision = 'PERMIT'
                  AND outcome = 201""", childId));

        // A health body refers the child to the host council's MASH, with health information in it.
        String referral = given().auth().oauth2(practitioner(HOME_HEALTH)).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(ContentType.JSON)
                .body(Fixtures.load("council-health.json", nhs).replace("\"requesterAgency\": \"la:E10000017\"",
                        "\"requesterAgency\": \"" + HOME_HEALTH + "\"").replace("\"homeCouncil\": \"la:E09000030\"",
                        "\"homeCouncil\": \"" + HOST_COUNCIL + "\""))
                .when().post("/api/v1/referrals").then().statusCode(201).extract().path("id");
        JsonPath allocated = readReferral(referral, worker("sw-allocated"));
        assertTrue(allocated.getList("permittedCategories").contains("health"), allocated.prettify());
        assertEquals("Attended the sexual health clinic twice this month.", allocated.getString("referral.health"));
        // The audit row of that read records the Art 6 basis and the Art 9 condition for health.
        String basis = (String) Db.query("SELECT lawful_basis FROM audit_event WHERE action = 'referral.read' "
                + "AND actor_subject = 'sw-allocated' AND child_id = ? AND decision = 'PERMIT' ORDER BY recorded_at DESC LIMIT 1",
                childId).get(0).get("lawful_basis");
        assertTrue(basis.contains("ukgdpr-6-1-e") && basis.contains("ukgdpr-9-2-g+dpa-sch1-p18"), basis);
        JsonPath colleague = readReferral(referral, worker("sw-colleague"));
        assertFalse(colleague.getList("permittedCategories").contains("health"), colleague.prettify());
        assertTrue(colleague.getList("redactedCategories").contains("health"));
        assertTrue(colleague.getList("permittedCategories").contains("placement"), "the council still reads its own case");

        // A new allocation replaces the old: the previous worker no longer reads health.
        assertEquals(201, allocate(childId, supervisor(PLACING, "tm-1"), Map.of("worker", "sw-colleague")).statusCode());
        assertFalse(readReferral(referral, worker("sw-allocated")).getList("permittedCategories").contains("health"));
        assertTrue(readReferral(referral, worker("sw-colleague")).getList("permittedCategories").contains("health"));
    }

    @Test
    void onlyTheCouncilHoldingTheCaseAllocatesAndARealChildAnswersLikeARandomOne() {
        UUID childId = placedChild();
        UUID random = UUID.randomUUID();
        ExtractableResponse<Response> real = allocate(childId, practitioner(OTHER_PROVIDER), Map.of("worker", "x"));
        ExtractableResponse<Response> none = allocate(random, practitioner(OTHER_PROVIDER), Map.of("worker", "x"));
        assertEquals(404, real.statusCode());
        assertEquals(none.statusCode(), real.statusCode());
        assertEquals((Object) none.path("code"), real.path("code"));
        // The host council is involved but does not hold the case; the provider may not assert the kind.
        assertEquals(403, allocate(childId, practitioner(HOST_COUNCIL), Map.of("worker", "x")).statusCode());
        assertEquals(400, allocate(childId, practitioner(PLACING), Map.of("contact", "x")).statusCode());
        assertEquals(0, Db.count("SELECT count(*) FROM relationship WHERE child_id = ? AND kind = 'allocated-case'", childId));
    }
}
