package uk.safeguarding.gateway.audit.dpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.audit.dpo.DpoWorld.LANCS;
import static uk.safeguarding.gateway.audit.dpo.DpoWorld.NHS;
import static uk.safeguarding.gateway.audit.dpo.DpoWorld.TH;
import static uk.safeguarding.gateway.audit.dpo.DpoWorld.dpo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.dpo.DpoWorld.World;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.gateway.support.Db;

/**
 * DPO scope attacked with real objects of another council (issue 20, point 4): Lancashire's DPO asks,
 * on every DPO route, about a child known among councils only to Tower Hamlets, and about Tower
 * Hamlets' own flags, overrides, consents and dead letters. Each real id must answer exactly as a
 * random id (status, content type, problem code and the whole body but for the request id, the
 * bundle's timestamp and the id itself), and nothing of the child may come back.
 */
@QuarkusTest
class DpoScopeTest {

    @Inject
    AuditTrail trail;

    private World w;

    @BeforeEach
    void world() throws Exception {
        w = DpoWorld.world(trail);
    }

    /** What a probe answered, with what legitimately differs between two probes taken out. */
    record Answer(int status, String contentType, String code, Object body) {
    }

    static Answer answer(Response r, String asked) {
        String text = r.asString().replace(asked, "<asked>");
        String type = r.contentType();
        Object body = text;
        if (type.contains("json") && !text.isEmpty()) {
            body = strip(JsonPath.from(text).get("$"));
        }
        return new Answer(r.statusCode(), type, type.contains("json") && text.startsWith("{") ? JsonPath.from(text).getString("code") : null,
                body);
    }

    /** Drops the values that differ between any two calls: the request id and the bundle's timestamp. */
    @SuppressWarnings("unchecked")
    private static Object strip(Object json) {
        if (json instanceof Map<?, ?> m) {
            Map<String, Object> copy = new java.util.TreeMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> copy.put(k, k.equals("requestId") || k.equals("timestamp") ? "*" : strip(v)));
            return copy;
        }
        if (json instanceof List<?> l) {
            return l.stream().map(DpoScopeTest::strip).toList();
        }
        return json;
    }

    /** The same request with the real value and with a random one of the same form: identical answers. */
    private void sameAsRandom(String what, String real, String random, Function<String, Response> probe) {
        Answer forReal = answer(probe.apply(real), real);
        Answer forRandom = answer(probe.apply(random), random);
        assertEquals(forRandom, forReal, what + ": a real id of another agency answers differently from a random id");
    }

    private static String randomNhs() {
        return Fixtures.nhsNumber();
    }

    @Test
    void searchByChildIdentifierOrIdFindsNothingOfAnotherCouncilsChild() {
        sameAsRandom("search by identifier", w.thNhs(), randomNhs(),
                nhs -> dpo(LANCS).when().get("/api/v1/audit/events?child=" + NHS + "|" + nhs));
        // By id with a staff purpose: the DPO API's own records of earlier probes (by id, so the same for a
        // random id once probed) are left out, and what remains must be nothing for either.
        sameAsRandom("search by childId", w.thChild().toString(), UUID.randomUUID().toString(),
                id -> dpo(LANCS).when().get("/api/v1/audit/events?purpose=SAFEGUARDING&childId=" + id));
        JsonPath page = dpo(LANCS).when().get("/api/v1/audit/events?child=" + NHS + "|" + w.thNhs()).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(), page.getList("items"));
        // The control: Tower Hamlets' DPO does find the child's records, so the emptiness above is scope.
        assertFalse(dpo(TH).when().get("/api/v1/audit/events?purpose=SAFEGUARDING&childId=" + w.thChild()).then().statusCode(200)
                .extract().jsonPath().getList("items").isEmpty());
    }

    @Test
    void searchByTheOtherCouncilShowsOnlyItsUseOfMyInformation() {
        JsonPath page = dpo(LANCS).when().get("/api/v1/audit/events?agency=" + TH + "&limit=500").then().statusCode(200)
                .extract().jsonPath();
        List<Map<String, Object>> items = page.getList("items");
        assertFalse(items.isEmpty(), "Tower Hamlets read Lancashire's referral: that disclosure is Lancashire's DPO's to see");
        for (Map<String, Object> item : items) {
            assertFalse(w.thChild().toString().equals(item.get("childId")), "Tower Hamlets' child leaked: " + item);
            assertTrue(String.valueOf(item.get("dataOwners")).contains(LANCS), "not Lancashire's information: " + item);
        }
    }

    @Test
    void everyExportFormatOfAnotherCouncilsChildIsEmptyLikeARandomOne() {
        for (String format : List.of("fhir", "csv", "json")) {
            sameAsRandom("export " + format, w.thNhs(), randomNhs(),
                    nhs -> dpo(LANCS).when().get("/api/v1/audit/export?format=" + format + "&child=" + NHS + "|" + nhs));
            sameAsRandom("export " + format + " by childId", w.thChild().toString(), UUID.randomUUID().toString(),
                    id -> dpo(LANCS).when().get("/api/v1/audit/export?format=" + format + "&purpose=SAFEGUARDING&childId=" + id));
            String body = dpo(LANCS).when().get("/api/v1/audit/export?format=" + format + "&childId=" + w.thChild())
                    .then().statusCode(200).extract().asString();
            assertFalse(body.contains(w.thReferral()), format + " carries Tower Hamlets' child's referral");
        }
    }

    @Test
    void disclosureReportsOfAnotherCouncilsChildAre404LikeARandomChild() {
        sameAsRandom("disclosures by id", w.thChild().toString(), UUID.randomUUID().toString(),
                id -> DpoWorld.as(LANCS, "SAR", "dpo").when().get("/api/v1/audit/children/" + id + "/disclosures"));
        sameAsRandom("disclosures by identifier", w.thNhs(), randomNhs(),
                nhs -> DpoWorld.as(LANCS, "SAR", "dpo").when().get("/api/v1/audit/disclosures?child=" + NHS + "|" + nhs));
        dpo(LANCS).when().get("/api/v1/audit/disclosures?child=" + NHS + "|" + w.thNhs()).then().statusCode(404);
        // Asked twice: the first look-up must not have made the child known to the second.
        String requestId = "lancs-sar-" + UUID.randomUUID();
        dpo(LANCS).header(RequestContext.REQUEST_ID_HEADER, requestId)
                .when().get("/api/v1/audit/disclosures?child=" + NHS + "|" + w.thNhs()).then().statusCode(404);
        Map<String, Object> record = Db.query("SELECT child_id, decision, outcome FROM audit_event WHERE request_id = ?", requestId).get(0);
        assertEquals(null, record.get("child_id"), "the refused look-up names no child in the DPO's own records");
        assertEquals("DENY", record.get("decision"));
        dpo(TH).when().get("/api/v1/audit/disclosures?child=" + NHS + "|" + w.thNhs()).then().statusCode(200);
    }

    @Test
    void anotherCouncilsFlagsAreNeitherListedNorResolvableAndStateIsNotRevealed() throws Exception {
        List<String> listed = dpo(LANCS).when().get("/api/v1/audit/anomalies?status=ALL&limit=500").then().statusCode(200)
                .extract().jsonPath().getList("id");
        assertFalse(listed.contains(w.thFlag().toString()));
        assertFalse(listed.contains(w.thResolvedFlag().toString()));
        for (UUID flag : List.of(w.thFlag(), w.thResolvedFlag())) {
            sameAsRandom("resolve", flag.toString(), UUID.randomUUID().toString(), id -> dpo(LANCS).contentType(ContentType.JSON)
                    .body(Map.of("note", "Closing another council's flag")).when().post("/api/v1/audit/anomalies/" + id + "/resolve"));
        }
        assertEquals("OPEN", Db.query("SELECT status FROM audit_anomaly WHERE id = ?", w.thFlag()).get(0).get("status"));
        assertTrue(dpo(TH).when().get("/api/v1/audit/anomalies?status=ALL&limit=500").then().statusCode(200)
                .extract().jsonPath().getList("id").contains(w.thFlag().toString()), "Tower Hamlets' DPO sees its flag");
    }

    @Test
    void anotherCouncilsOverrideIsNotOnTheListAndCannotBeReviewed() {
        assertFalse(dpo(LANCS).when().get("/api/v1/audit/consent-overrides?status=all").then().statusCode(200)
                .extract().jsonPath().getList("id").contains(w.thOverride()));
        sameAsRandom("override review", w.thOverride(), UUID.randomUUID().toString(), id -> dpo(LANCS).contentType(ContentType.JSON)
                .body(Map.of("note", "Reviewed")).when().post("/api/v1/audit/consent-overrides/" + id + "/review"));
        assertEquals(null, Db.query("SELECT dpo_reviewed_at FROM consent_override WHERE id = ?::uuid", w.thOverride()).get(0)
                .get("dpo_reviewed_at"));
        // In Tower Hamlets' scope: the read it allowed released Tower Hamlets' information.
        assertTrue(dpo(TH).when().get("/api/v1/audit/consent-overrides?status=all").then().statusCode(200)
                .extract().jsonPath().getList("id").contains(w.thOverride()));
    }

    @Test
    void anotherCouncilsConsentDisclosuresAre404LikeARandomConsent() {
        sameAsRandom("consent disclosures", w.thConsent(), UUID.randomUUID().toString(),
                id -> dpo(LANCS).when().get("/api/v1/audit/consents/" + id + "/disclosures"));
        dpo(TH).when().get("/api/v1/audit/consents/" + w.thConsent() + "/disclosures").then().statusCode(200)
                .body("disclosures.agency", org.hamcrest.Matchers.hasItem(DpoWorld.MET));
    }

    @Test
    void deadLettersOfAnotherCouncilAreNotListed() {
        List<String> lancs = DpoWorld.as(LANCS, "DPO-REVIEW", "dpo").when().get("/api/v1/admin/dead-letters").then()
                .statusCode(200).extract().jsonPath().getList("id");
        assertFalse(lancs.contains(w.thDeadLetter().toString()));
        assertFalse(lancs.contains(w.thRaisedDeadLetter().toString()));
        List<String> th = dpo(TH).when().get("/api/v1/admin/dead-letters").then().statusCode(200).extract().jsonPath().getList("id");
        assertTrue(th.contains(w.thDeadLetter().toString()), "addressed to Tower Hamlets");
        assertTrue(th.contains(w.thRaisedDeadLetter().toString()), "raised by Tower Hamlets");
    }
}
