package uk.safeguarding.gateway.audit.dpo;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.audit.dpo.DpoWorld.LANCS;
import static uk.safeguarding.gateway.audit.dpo.DpoWorld.MET;
import static uk.safeguarding.gateway.audit.dpo.DpoWorld.NHS;
import static uk.safeguarding.gateway.audit.dpo.DpoWorld.TH;
import static uk.safeguarding.gateway.audit.dpo.DpoWorld.dpo;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.dpo.DpoWorld.World;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.gateway.support.Db;

/**
 * What a DPO does see: their own staff's actions, and every disclosure of information their agency
 * contributed, recorded as such by the real read; and the lead DPO's partnership view, which must be
 * asked for, is refused to everyone else with the engine's code, and is flagged to every signatory.
 */
@QuarkusTest
class DpoViewTest {

    @Inject
    AuditTrail trail;
    @Inject
    uk.safeguarding.gateway.audit.chain.AuditSealer sealer;
    @Inject
    uk.safeguarding.gateway.audit.anomaly.AnomalyDetector detector;

    private World w;

    @BeforeEach
    void world() throws Exception {
        w = DpoWorld.world(trail);
    }

    private List<Map<String, Object>> items(io.restassured.specification.RequestSpecification as, String query) {
        return as.when().get("/api/v1/audit/events?limit=500&" + query).then().statusCode(200).extract().jsonPath().getList("items");
    }

    private static boolean has(List<Map<String, Object>> items, String key, Object value) {
        return items.stream().anyMatch(i -> value.equals(i.get(key)));
    }

    @Test
    void aReadRecordsWhoseInformationItDisclosed() {
        Object owners = Db.query("SELECT data_owners::text AS o FROM audit_event WHERE request_id = ?", w.thReadOfLancs()).get(0).get("o");
        assertEquals("[\"" + LANCS + "\"]", owners, "Tower Hamlets read Lancashire's referral");
    }

    @Test
    void aDpoSeesTheirStaffsActionsAndEveryDisclosureOfTheirInformation() {
        List<Map<String, Object>> mine = items(dpo(LANCS), "child=" + NHS + "|" + w.lancsNhs());
        assertTrue(mine.stream().anyMatch(i -> "referral.create".equals(i.get("action"))
                && LANCS.equals(((Map<?, ?>) i.get("actor")).get("agency"))), "Lancashire's own referral: " + mine);
        assertTrue(has(mine, "requestId", w.thReadOfLancs()), "Tower Hamlets' read of Lancashire's information: " + mine);
        assertFalse(has(mine, "requestId", w.metOnlyRead()), "the Met's read of its own intelligence is not Lancashire's");
        // The subject access report: Tower Hamlets received what Lancashire contributed.
        DpoWorld.as(LANCS, "SAR", "dpo").when().get("/api/v1/audit/children/" + w.lancsChild() + "/disclosures").then()
                .statusCode(200).body("disclosures.recipient.agency", hasItem(TH));
        // Tower Hamlets' DPO sees its own staff's read too, by the reading agency.
        assertTrue(has(items(dpo(TH), "childId=" + w.lancsChild()), "requestId", w.thReadOfLancs()));
    }

    @Test
    void anOutsidersAttemptOnAChildIsFlaggedToTheDposOfTheAgenciesInvolvedWithIt() {
        String subject = "lancs-sw-" + UUID.randomUUID();
        io.restassured.RestAssured.given().auth().oauth2(uk.safeguarding.gateway.support.TestTokens.forAgency(LANCS)
                        .roles("practitioner").subject(subject).sign()).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/api/v1/children/" + w.thChild() + "/risk-assessments").then().statusCode(404);
        uk.safeguarding.gateway.audit.AuditTestSupport.sealEverything(sealer);
        detector.detect(true).await().atMost(java.time.Duration.ofSeconds(60));
        for (String agency : List.of(TH, LANCS)) {
            List<Map<String, Object>> flags = dpo(agency).when().get("/api/v1/audit/anomalies?kind=NO_RELATIONSHIP&user=" + subject)
                    .then().statusCode(200).extract().jsonPath().getList("$");
            assertEquals(1, flags.size(), agency + "'s DPO: " + flags);
            assertEquals(w.thChild().toString(), flags.get(0).get("childId"));
        }
        assertTrue(dpo("nhs:QE1").when().get("/api/v1/audit/anomalies?kind=NO_RELATIONSHIP&user=" + subject)
                .then().statusCode(200).extract().jsonPath().getList("$").isEmpty(), "an agency not involved is not told");
    }

    @Test
    void theLeadDpoSeesThePartnershipOnlyWhenAskingAndTheViewIsAuditedAndFlagged() {
        assertFalse(has(items(DpoWorld.leadDpo(), "childId=" + w.lancsChild()), "requestId", w.metOnlyRead()),
                "without asking, the lead DPO has their own agency's view");
        String requestId = "partnership-" + UUID.randomUUID();
        List<Map<String, Object>> all = DpoWorld.leadDpo().header(RequestContext.REQUEST_ID_HEADER, requestId)
                .when().get("/api/v1/audit/events?scope=partnership&limit=500&childId=" + w.lancsChild()).then().statusCode(200)
                .extract().jsonPath().getList("items");
        assertTrue(has(all, "requestId", w.metOnlyRead()), "the partnership view spans every signatory");
        assertTrue(has(all, "requestId", w.thReadOfLancs()));

        Map<String, Object> audited = Db.query("SELECT id, decision, reasons::text AS reasons, action FROM audit_event WHERE request_id = ?",
                requestId).get(0);
        assertEquals("PERMIT", audited.get("decision"));
        assertTrue(audited.get("reasons").toString().contains("dpo-oversight@1.0.0#lead-dpo-partnership-search"), audited.toString());
        // The flag points at that record and reaches every signatory's DPO: Lancashire's and the Met's.
        String event = audited.get("id").toString();
        for (String agency : List.of(LANCS, MET, TH)) {
            List<Map<String, Object>> flags = dpo(agency).when().get("/api/v1/audit/anomalies?kind=PARTNERSHIP_VIEW&limit=500")
                    .then().statusCode(200).extract().jsonPath().getList("$");
            assertTrue(flags.stream().anyMatch(f -> event.equals(f.get("firstEventId"))), agency + " is not told of the partnership view");
        }
    }

    @Test
    void aDpoWhoIsNotTheLeadIsRefusedThePartnershipViewWithTheEnginesCodeAndItIsAudited() {
        String requestId = "not-lead-" + UUID.randomUUID();
        dpo(LANCS).header(RequestContext.REQUEST_ID_HEADER, requestId).when().get("/api/v1/audit/events?scope=partnership")
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("SCOPE_NOT_PERMITTED"));
        Map<String, Object> row = Db.query("SELECT decision, denial_code, outcome FROM audit_event WHERE request_id = ?", requestId).get(0);
        assertEquals("DENY", row.get("decision"));
        assertEquals("SCOPE_NOT_PERMITTED", row.get("denial_code"));
        assertEquals(403, row.get("outcome"));
        // The role alone is not enough: Lancashire giving its DPO lead-dpo does not make it the partnership's lead.
        DpoWorld.as(LANCS, "DPO-REVIEW", "dpo", "lead-dpo").when().get("/api/v1/audit/export?format=json&scope=partnership")
                .then().statusCode(403).body("code", equalTo("SCOPE_NOT_PERMITTED"));
        // Nor is the agency: Tower Hamlets' ordinary DPO lacks the role.
        dpo(TH).when().get("/api/v1/audit/anomalies?scope=partnership").then().statusCode(403).body("code", equalTo("SCOPE_NOT_PERMITTED"));
        dpo(TH).when().get("/api/v1/audit/events?scope=everything").then().statusCode(400)
                .body("errors[0].field", equalTo("scope")).body("errors[0].rule", equalTo("UNKNOWN_SCOPE"));
    }

    @Test
    void theLeadDpoPartnershipViewCoversTheOtherRoutesToo() throws Exception {
        DpoWorld.leadDpo().when().get("/api/v1/audit/disclosures?scope=partnership&child=" + NHS + "|" + w.lancsNhs()).then()
                .statusCode(200).body("disclosures.recipient.agency", hasItem(MET));
        UUID elsewhere = UUID.randomUUID();
        Db.update("INSERT INTO alert (id, recipient_agency, event, payload, status, dead_at) VALUES (?, 'nhs:QE1', 'child-missing',"
                + " '{\"raisedBy\": \"police:lancashire\"}'::jsonb, 'DEAD', now())", elsewhere);
        assertTrue(DpoWorld.leadDpo().when().get("/api/v1/admin/dead-letters?scope=partnership").then().statusCode(200)
                .extract().jsonPath().getList("id").contains(elsewhere.toString()));
        assertFalse(DpoWorld.leadDpo().when().get("/api/v1/admin/dead-letters").then().statusCode(200)
                .extract().jsonPath().getList("id").contains(elsewhere.toString()));
        // A subject access request is each controller's own: no partnership export for SAR.
        DpoWorld.as(TH, "SAR", "dpo", "lead-dpo").when().get("/api/v1/audit/export?format=csv&scope=partnership")
                .then().statusCode(403);
    }
}
