package uk.safeguarding.gateway.audit.dpo;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.audit.AuditTestSupport.Entry;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.support.Db;

/** Subject access disclosure reports: recipients named, people redacted, child abuse data withheld on request. */
@QuarkusTest
class DisclosureReportTest {

    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";

    @Inject
    AuditTrail trail;

    private String nhsNumber;
    private UUID child;
    private String officer;
    private String approver;

    @BeforeEach
    void seed() {
        nhsNumber = "9" + (System.nanoTime() % 1_000_000_000L);
        child = AuditTestSupport.child(NHS, nhsNumber);
        officer = "officer-" + UUID.randomUUID();
        approver = "approver-" + UUID.randomUUID();
        Instant base = Instant.now().minusSeconds(3600);
        // Disclosures of information Tower Hamlets (the DPO's council) contributed.
        String th = AuditTestSupport.DPO_AGENCY;
        Entry.permit().at(base.plusSeconds(1)).subject(officer).child(child).categories("identity").owners(th).record(trail);
        Entry.permit().at(base.plusSeconds(2)).client().agency("la:E10000017").child(child).categories("identity", "risk")
                .owners(th).lawfulBasis("ukgdpr-9-2-g+dpa-sch1-p18").override("the placement broke down tonight", approver).record(trail);
        Entry.permit().at(base.plusSeconds(3)).subject(officer).child(child).categories("police-intelligence")
                .owners(th, "police:met").purpose("INVESTIGATION").lawfulBasis("dpa-sch8-p4").record(trail);
        // Out of scope: the Met's read of Homerton's information is Homerton's DPO's to report.
        Entry.permit().at(base.plusSeconds(3)).subject(officer).child(child).categories("health").owners("nhs:RQX").record(trail);
        // Not disclosures: a refusal, and a permitted request that released no data category.
        Entry.permit().at(base.plusSeconds(4)).agency("school:100000").child(child).denied("NOT_FOUND").record(trail);
        Entry.permit().at(base.plusSeconds(5)).child(child).record(trail);
    }

    private String path() {
        return "/api/v1/audit/children/" + child + "/disclosures";
    }

    @Test
    void listsEveryDisclosureWithRecipientsNamedAndPeopleRedacted() {
        String body = AuditTestSupport.dpo("SAR").when().get(path())
                .then().statusCode(200).contentType(startsWith("application/json")).extract().asString();
        JsonPath report = JsonPath.from(body);
        assertEquals(3, report.getList("disclosures").size());
        assertEquals(List.of("police:met", "la:E10000017", "police:met"), report.getList("disclosures.recipient.agency"));
        assertEquals("local authority children's social care", report.getString("disclosures[1].recipient.agencyKind"));
        assertEquals("the organisation's case system", report.getString("disclosures[1].recipient.actedThrough"));
        assertEquals(List.of("identity", "risk"), report.getList("disclosures[1].categories"));
        assertTrue(report.getBoolean("disclosures[1].override.used"));
        assertEquals("redacted", report.getString("disclosures[1].override.approver"));
        assertTrue(report.getString("disclosures[1].lawfulBasisMeaning").contains("Sch 1 para 18"));
        assertEquals("INVESTIGATION", report.getString("disclosures[2].purpose"));
        assertEquals(0, report.getInt("dpoNotes.withheldAsChildAbuseData"));
        assertFalse(body.contains(officer), "no staff identity");
        assertFalse(body.contains(approver), "no approver identity");
        assertFalse(body.contains("placement broke down"), "no override free text");
        assertFalse(body.contains("192.0.2.10"), "no network addresses");
    }

    @Test
    void aParentsRequestCanWithholdChildAbuseData() {
        JsonPath report = AuditTestSupport.dpo().when().get(path() + "?requester=parent&withholdChildAbuseData=true")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1, report.getList("disclosures").size(), "only the identity-only disclosure remains");
        assertEquals(List.of("identity"), report.getList("disclosures[0].categories"));
        assertEquals(2, report.getInt("dpoNotes.withheldAsChildAbuseData"));
        assertEquals("parent", report.getString("requester"));
    }

    @Test
    void withholdingIsOnlyForAParentsRequest() {
        AuditTestSupport.dpo().when().get(path() + "?requester=child&withholdChildAbuseData=true")
                .then().statusCode(400).body("errors[0].field", equalTo("withholdChildAbuseData"))
                .body("errors[0].rule", equalTo("PARENT_REQUEST_ONLY"));
        AuditTestSupport.dpo().when().get(path() + "?requester=neighbour").then().statusCode(400)
                .body("errors[0].field", equalTo("requester"));
    }

    @Test
    void thePrintableCopyIsHtmlAndSaysNothingAboutWithholding() {
        String html = AuditTestSupport.dpo().accept("text/html")
                .when().get(path() + "?requester=parent&withholdChildAbuseData=true")
                .then().statusCode(200).contentType(startsWith("text/html")).extract().asString();
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<td>police:met</td>"), html);
        assertFalse(html.contains("la:E10000017"), "the withheld disclosure is absent");
        assertFalse(html.toLowerCase().contains("withh"), "the requester's copy does not reveal withholding");
        assertFalse(html.contains(officer));
        AuditTestSupport.dpo().when().get(path() + "?format=html").then().statusCode(200)
                .contentType(startsWith("text/html")).body(containsString("la:E10000017")).body(not(containsString(approver)));
    }

    @Test
    void theReportCanBeAskedForByIdentifier() {
        AuditTestSupport.dpo().when().get("/api/v1/audit/disclosures?child=" + NHS + "|" + nhsNumber)
                .then().statusCode(200).body("childId", equalTo(child.toString())).body("disclosures.size()", equalTo(3));
        AuditTestSupport.dpo().when().get("/api/v1/audit/disclosures?child=" + NHS + "|0000000000").then().statusCode(404);
        AuditTestSupport.dpo().when().get("/api/v1/audit/disclosures?child=nonsense").then().statusCode(400)
                .body("errors[0].field", equalTo("child"));
    }

    @Test
    void unknownOrMalformedChildIds() {
        AuditTestSupport.dpo().when().get("/api/v1/audit/children/" + UUID.randomUUID() + "/disclosures").then().statusCode(404);
        AuditTestSupport.dpo().when().get("/api/v1/audit/children/not-a-uuid/disclosures").then().statusCode(400)
                .body("errors[0].field", equalTo("childId"));
    }

    @Test
    void producingAReportIsAuditedAgainstTheChild() {
        String requestId = "sar-" + UUID.randomUUID();
        AuditTestSupport.dpo("SAR").header("X-Request-Id", requestId).when().get(path())
                .then().statusCode(200);
        var row = Db.query("SELECT action, child_id, purpose, categories::text AS categories FROM audit_event WHERE request_id = ?",
                requestId).get(0);
        assertEquals("audit.disclosures", row.get("action"));
        assertEquals(child, row.get("child_id"));
        assertEquals("SAR", row.get("purpose"));
        assertEquals("[]", row.get("categories"), "a DPO's review is not itself a disclosure");
    }
}
