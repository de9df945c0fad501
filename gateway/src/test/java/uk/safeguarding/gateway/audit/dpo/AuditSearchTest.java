package uk.safeguarding.gateway.audit.dpo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
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

@QuarkusTest
class AuditSearchTest {

    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    private static final String PATH = "/api/v1/audit/events";

    @Inject
    AuditTrail trail;
    @Inject
    AuditSealer sealer;

    private String nhsNumber;
    private UUID child;
    private String officer;
    private String worker;
    private Instant base;

    @BeforeEach
    void seed() {
        nhsNumber = "9" + (System.nanoTime() % 1_000_000_000L);
        child = AuditTestSupport.child(NHS, nhsNumber);
        officer = "officer-" + UUID.randomUUID();
        worker = "worker-" + UUID.randomUUID();
        base = Instant.now().minusSeconds(600);
        // In the Tower Hamlets DPO's scope: the Met reading what Tower Hamlets contributed, a Tower Hamlets
        // worker refused, Lancashire overriding to read Tower Hamlets' information.
        Entry.permit().at(base.plusSeconds(1)).subject(officer).child(child).categories("identity").owners(DPO).record(trail);
        Entry.permit().at(base.plusSeconds(2)).subject(officer).child(child).categories("risk").purpose("INVESTIGATION")
                .owners(DPO, "nhs:RQX").record(trail);
        Entry.permit().at(base.plusSeconds(3)).subject(officer).child(child).categories("missing").owners(DPO).record(trail);
        Entry.permit().at(base.plusSeconds(4)).subject(worker).agency(DPO).child(child).denied("NOT_FOUND").record(trail);
        Entry.permit().at(base.plusSeconds(5)).subject("sw-" + UUID.randomUUID()).agency("la:E10000017").child(child)
                .categories("placement").owners(DPO).override("child missing overnight", "supervisor-9").record(trail);
        Entry.permit().at(base.plusSeconds(6)).subject(officer).child(UUID.randomUUID()).categories("identity").owners(DPO).record(trail);
        // Out of scope: other agencies' information, a refusal of another agency (it disclosed nothing),
        // and a row from before data owners were recorded.
        Entry.permit().at(base.plusSeconds(7)).subject(officer).child(child).categories("health").owners("nhs:RQX").record(trail);
        Entry.permit().at(base.plusSeconds(8)).subject(officer).child(child).denied("NO_RELATIONSHIP").owners().record(trail);
        Entry.permit().at(base.plusSeconds(9)).subject(officer).child(child).categories("identity").record(trail);
    }

    private static final String DPO = AuditTestSupport.DPO_AGENCY;

    private JsonPath search(String query) {
        return AuditTestSupport.dpo().when().get(PATH + "?" + query).then().statusCode(200).extract().jsonPath();
    }

    private String byChild() {
        return "child=" + NHS + "|" + nhsNumber;
    }

    @Test
    void findsEveryRecordAboutAChildByIdentifierNewestFirst() {
        JsonPath page = search(byChild());
        assertEquals(5, page.getList("items").size());
        assertEquals(List.of("PERMIT", "DENY", "PERMIT", "PERMIT", "PERMIT"), page.getList("items.decision"));
        assertEquals(child.toString(), page.getString("items[0].childId"));
        assertEquals("supervisor-9", page.getString("items[0].override.approver"));
        assertEquals(null, page.getString("nextCursor"));
    }

    @Test
    void filtersCombine() {
        // First: each search by child below is itself audited against the child, and would be counted.
        assertEquals(5, search("childId=" + child).getList("items").size());
        assertEquals(3, search(byChild() + "&agency=police:met").getList("items").size());
        assertEquals(2, search(byChild() + "&agency=police:met&purpose=SAFEGUARDING").getList("items").size());
        assertEquals(List.of(worker), search(byChild() + "&decision=DENY").getList("items.actor.subject"));
        assertEquals(List.of("la:E10000017"), search(byChild() + "&override=true").getList("items.actor.agency"));
        assertEquals(4, search("user=" + officer).getList("items").size());
        assertEquals(2, search("user=" + officer + "&from=" + base.plusSeconds(2) + "&to=" + base.plusSeconds(4))
                .getList("items").size(), "from inclusive, to exclusive");
    }

    @Test
    void pagesDoNotSkipOrRepeat() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonPath page = search(byChild() + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            seen.addAll(page.getList("items.id"));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(5, seen.size());
        assertEquals(5, seen.stream().distinct().count());
    }

    @Test
    void anUnknownChildHasNoRecords() {
        search("child=" + NHS + "|0000000000").getList("items").forEach(i -> {
            throw new AssertionError("unexpected " + i);
        });
    }

    @Test
    void badFiltersAreRefusedNamingEachField() {
        AuditTestSupport.dpo().when().get(PATH + "?purpose=GOSSIP&decision=MAYBE&from=yesterday&limit=0&childId=x&override=yes"
                        + "&child=nhs-number-only&cursor=%21%21")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("INVALID_FILTER"))
                .body("errors.field", containsInAnyOrder("purpose", "decision", "from", "limit", "childId", "childId",
                        "override", "child", "cursor"));
        AuditTestSupport.dpo().when().get(PATH + "?from=2025-02-01&to=2025-01-01")
                .then().statusCode(400).body("errors[0].field", equalTo("to")).body("errors[0].rule", equalTo("EMPTY_RANGE"));
        AuditTestSupport.dpo().when().get(PATH + "?limit=501").then().statusCode(400).body("errors[0].field", equalTo("limit"));
    }

    @Test
    void withoutATokenIs401() {
        given().header("Purpose-Of-Use", "DPO-REVIEW").when().get(PATH).then().statusCode(401);
    }

    @Test
    void aPractitionerIs403() {
        given().auth().oauth2(TestTokens.forAgency("police:met").roles("practitioner").sign())
                .header("Purpose-Of-Use", "DPO-REVIEW").when().get(PATH).then().statusCode(403);
    }

    @Test
    void aDpoWithAnotherPurposeIs403() {
        given().auth().oauth2(TestTokens.forAgency("la:E09000030").roles("dpo").sign())
                .header("Purpose-Of-Use", "SAFEGUARDING").when().get(PATH).then().statusCode(403)
                .body("code", equalTo("PURPOSE_NOT_PERMITTED"));
    }

    @Test
    void theDposSearchIsItselfAudited() {
        String requestId = "dpo-search-" + UUID.randomUUID();
        AuditTestSupport.dpo().header("X-Request-Id", requestId).when().get(PATH + "?" + byChild()).then().statusCode(200);
        List<Map<String, Object>> rows = Db.query(
                "SELECT action, decision, purpose, child_id, actor_agency, outcome FROM audit_event WHERE request_id = ?", requestId);
        assertEquals(1, rows.size());
        assertEquals("audit.search", rows.get(0).get("action"));
        assertEquals("PERMIT", rows.get(0).get("decision"));
        assertEquals("DPO-REVIEW", rows.get(0).get("purpose"));
        assertEquals(child, rows.get(0).get("child_id"), "recorded against the child searched for");
        assertEquals(200, rows.get(0).get("outcome"));
    }

    @Test
    void aRefusedSearchIsAuditedAsADenial() {
        String requestId = "dpo-denied-" + UUID.randomUUID();
        given().auth().oauth2(TestTokens.forAgency("la:E09000030").roles("dpo").sign()).header("X-Request-Id", requestId)
                .header("Purpose-Of-Use", "CARE-PLANNING").when().get(PATH).then().statusCode(403).body("requestId", equalTo(requestId));
        Map<String, Object> row = Db.query("SELECT decision, denial_code FROM audit_event WHERE request_id = ?", requestId).get(0);
        assertEquals("DENY", row.get("decision"));
        assertEquals("PURPOSE_NOT_PERMITTED", row.get("denial_code"));
    }

    @Test
    void itemsCarryTheirChainPositionOnceSealed() {
        AuditTestSupport.sealEverything(sealer);
        JsonPath page = search(byChild() + "&limit=1");
        long seq = (Long) Db.query("SELECT seq FROM audit_chain WHERE event_id = ?::uuid", page.getString("items[0].id"))
                .get(0).get("seq");
        assertEquals(seq, page.getLong("items[0].seq"));
        assertEquals("192.0.2.10", page.getString("items[0].sourceAddress"));
    }
}
