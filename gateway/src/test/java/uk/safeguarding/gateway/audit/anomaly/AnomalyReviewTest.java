package uk.safeguarding.gateway.audit.anomaly;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.audit.AuditTestSupport.Entry;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/** Each anomaly rule raised from real audit records, and the DPO's review queue over HTTP. */
@QuarkusTest
class AnomalyReviewTest {

    private static final String PATH = "/api/v1/audit/anomalies";
    /** A Wednesday, 10:00 in London: inside working hours. */
    private static final Instant WEEKDAY = Instant.parse("2003-06-04T09:00:00Z");

    @Inject
    AuditTrail trail;
    @Inject
    AuditSealer sealer;
    @Inject
    AnomalyDetector detector;

    private String run;

    @BeforeEach
    void fresh() {
        run = UUID.randomUUID().toString();
    }

    private String user(String name) {
        return name + "-" + run;
    }

    private void detect() {
        AuditTestSupport.sealEverything(sealer);
        detector.detect(true).await().atMost(Duration.ofSeconds(60));
    }

    /** The flags about {@code subject} as the Met's DPO sees them (the acting agency's DPO sees its staff's flags). */
    private List<Map<String, Object>> flags(String subject) {
        return flags("police:met", subject);
    }

    private List<Map<String, Object>> flags(String agency, String subject) {
        return AuditTestSupport.dpoOf(agency).when().get(PATH + "?status=ALL&user=" + subject).then().statusCode(200)
                .extract().jsonPath().getList("$");
    }

    @Test
    void accessWithoutARelationshipIsFlaggedOncePerUserChildAndDay() {
        UUID child = UUID.randomUUID();
        Entry.permit().at(WEEKDAY).subject(user("nosy")).agency("school:100000").child(child).denied("NOT_FOUND").record(trail);
        Entry.permit().at(WEEKDAY.plusSeconds(60)).subject(user("nosy")).agency("school:100000").child(child)
                .denied("NO_RELATIONSHIP").record(trail);
        detect();
        List<Map<String, Object>> flags = flags("school:100000", user("nosy"));
        assertEquals(1, flags.size(), String.valueOf(flags));
        assertTrue(flags(user("nosy")).isEmpty(), "the school's staff are the school's DPO's to review");
        assertEquals("NO_RELATIONSHIP", flags.get(0).get("kind"));
        assertEquals(2, flags.get(0).get("eventCount"));
        assertEquals(child.toString(), flags.get(0).get("childId"));
        assertEquals("OPEN", flags.get(0).get("status"));
    }

    @Test
    void bulkReadsAboveTheThresholdAreFlagged() {
        for (int i = 0; i < 51; i++) {
            Entry.permit().at(WEEKDAY.plusSeconds(i)).subject(user("bulk")).child(UUID.randomUUID()).categories("identity").record(trail);
        }
        Entry.permit().at(WEEKDAY).subject(user("normal")).child(UUID.randomUUID()).categories("identity").record(trail);
        detect();
        List<Map<String, Object>> flags = flags(user("bulk"));
        assertEquals(List.of("BULK_READS"), flags.stream().map(f -> f.get("kind")).toList());
        assertEquals(51, flags.get(0).get("eventCount"));
        assertTrue(flags(user("normal")).isEmpty());
    }

    @Test
    void repeatedDenialsAreFlagged() {
        for (int i = 0; i < 5; i++) {
            Entry.permit().at(WEEKDAY.plusSeconds(i)).subject(user("refused")).denied("CATEGORY_WITHHELD").record(trail);
        }
        for (int i = 0; i < 4; i++) {
            Entry.permit().at(WEEKDAY.plusSeconds(i)).subject(user("unlucky")).denied("CATEGORY_WITHHELD").record(trail);
        }
        detect();
        assertEquals(List.of("REPEATED_DENIALS"), flags(user("refused")).stream().map(f -> f.get("kind")).toList());
        assertTrue(flags(user("unlucky")).isEmpty(), "four is below the threshold of five");
    }

    @Test
    void outOfHoursAccessAndOverridesAreFlagged() {
        Entry.permit().at(Instant.parse("2003-06-07T22:30:00Z")).subject(user("night")).child(UUID.randomUUID())
                .categories("identity").record(trail);
        Entry.permit().at(WEEKDAY).subject(user("glass")).child(UUID.randomUUID()).categories("risk")
                .override("immediate risk", "supervisor-1").record(trail);
        Entry.permit().at(Instant.parse("2003-06-07T22:30:00Z")).client().subject(user("system")).child(UUID.randomUUID())
                .categories("identity").record(trail);
        detect();
        assertEquals(List.of("OUT_OF_HOURS"), flags(user("night")).stream().map(f -> f.get("kind")).toList());
        assertEquals(List.of("OVERRIDE"), flags(user("glass")).stream().map(f -> f.get("kind")).toList());
        assertTrue(flags(user("system")).isEmpty(), "agency systems run around the clock");
    }

    @Test
    void resolvingAFlagNeedsANoteIsAuditedAndHappensOnce() {
        Entry.permit().at(WEEKDAY).subject(user("glass")).child(UUID.randomUUID()).categories("risk")
                .override("immediate risk", "supervisor-1").record(trail);
        detect();
        String id = (String) flags(user("glass")).get(0).get("id");

        AuditTestSupport.dpoOf("police:met").contentType(ContentType.JSON).body("{\"note\": \"  \"}")
                .when().post(PATH + "/" + id + "/resolve").then().statusCode(400).body("errors[0].field", equalTo("/note"));
        String requestId = "resolve-" + run;
        JsonPath resolved = AuditTestSupport.dpoOf("police:met").header("X-Request-Id", requestId).contentType(ContentType.JSON)
                .body(Map.of("note", "Supervisor confirmed the emergency; override justified."))
                .when().post(PATH + "/" + id + "/resolve").then().statusCode(200).extract().jsonPath();
        assertEquals("RESOLVED", resolved.getString("status"));
        assertTrue(resolved.getString("resolvedBy").startsWith("dpo-"));

        List<Map<String, Object>> audit = Db.query(
                "SELECT action, resource_type, resource_id, decision, outcome FROM audit_event WHERE request_id = ?", requestId);
        assertEquals(1, audit.size(), "written once, in the resolving transaction");
        assertEquals("audit.anomalies.resolve", audit.get(0).get("action"));
        assertEquals(id, audit.get(0).get("resource_id"));
        assertEquals(200, audit.get(0).get("outcome"));

        AuditTestSupport.dpoOf("police:met").contentType(ContentType.JSON).body(Map.of("note", "again"))
                .when().post(PATH + "/" + id + "/resolve").then().statusCode(409).body("code", equalTo("ALREADY_RESOLVED"));
        AuditTestSupport.dpoOf("police:met").contentType(ContentType.JSON).body(Map.of("note", "x"))
                .when().post(PATH + "/" + UUID.randomUUID() + "/resolve").then().statusCode(404);
        assertTrue(AuditTestSupport.dpoOf("police:met").when().get(PATH + "?user=" + user("glass")).then().statusCode(200)
                .extract().jsonPath().getList("$").isEmpty(), "no longer in the open queue");
    }

    @Test
    void theQueueIsForDposOnly() {
        given().when().get(PATH).then().statusCode(401);
        given().auth().oauth2(TestTokens.forAgency("police:met").roles("practitioner", "supervisor").sign())
                .header("Purpose-Of-Use", "DPO-REVIEW").when().get(PATH).then().statusCode(403);
        given().auth().oauth2(TestTokens.forAgency("police:met").roles("practitioner").sign())
                .header("Purpose-Of-Use", "DPO-REVIEW").contentType(ContentType.JSON).body(Map.of("note", "x"))
                .when().post(PATH + "/" + UUID.randomUUID() + "/resolve").then().statusCode(403);
        AuditTestSupport.dpo().when().get(PATH + "?status=CLOSED&kind=GOSSIP").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("status", "kind"));
    }
}
