package uk.safeguarding.gateway.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.restassured.http.ContentType;
import io.quarkus.test.junit.QuarkusTest;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.Db;

/**
 * Reads resolve a merge, writes do not: an agency that reaches a child only through a merge cannot write
 * on the other row (an allocation, a consent withdrawal), and what it writes by the other child's own
 * identifier gains nothing from the link, so an unmerge leaves no standing behind (review 24 H1, M3).
 */
@QuarkusTest
class MergeWritesTest {

    static final String TH = IdentityMergeTest.TH;
    static final String LANCS = IdentityMergeTest.LANCS;
    static final String NAMED_SCHOOL = "school:100000";
    static final String NAMED_PROVIDER = "provider:SC123456";

    static IdentityMergeTest.Kid[] merged() {
        IdentityMergeTest.Kid[] w = IdentityMergeTest.pair(null);
        String match = IdentityMergeTest.propose(LANCS, w[1].id(), w[0].nhs()).path("id");
        assertEquals("PROPOSED", IdentityMergeTest.step(LANCS, match, "confirm").path("status"));
        assertEquals("MERGED", IdentityMergeTest.step(TH, match, "confirm").path("status"));
        assertEquals(200, IdentityMergeTest.chronologyStatus(TH, w[1].id()), "the merge is read through");
        return new IdentityMergeTest.Kid[] {w[0], w[1], new IdentityMergeTest.Kid(UUID.fromString(match), null, null, null, null, null)};
    }

    static String consentOn(String nhs) {
        String body = """
                {"child": {"system": "%s", "value": "%s"},
                 "consentedBy": {"type": "child", "basis": "gillick-competent"},
                 "provisions": [{"type": "permit", "categories": ["health"], "recipientAgencyTypes": ["police"], "purposes": ["SAFEGUARDING"]}],
                 "period": {"start": "2020-01-01T00:00:00Z"}}
                """.formatted(Api.NHS, nhs);
        return IdentityMergeTest.as(LANCS).contentType(ContentType.JSON).body(body).when().post("/api/v1/consents")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void anAgencyReachingAChildOnlyThroughAMergeCannotWriteOnItAndTheUnmergeLeavesNothingBehind() {
        IdentityMergeTest.Kid[] w = merged();
        UUID x = w[0].id();
        UUID y = w[1].id();
        String consent = consentOn(w[1].nhs());
        String allocation = "{\"worker\": \"sw-th-9\", \"contact\": \"sw9@towerhamlets.example\"}";

        var allocated = IdentityMergeTest.as(TH).contentType(ContentType.JSON).body(allocation)
                .when().post("/api/v1/children/" + y + "/allocated-worker").then().extract();
        var randomAllocated = IdentityMergeTest.as(TH).contentType(ContentType.JSON).body(allocation)
                .when().post("/api/v1/children/" + UUID.randomUUID() + "/allocated-worker").then().extract();
        assertEquals(404, allocated.statusCode(), allocated.asString());
        assertEquals(Api.shape(randomAllocated), Api.shape(allocated));

        String withdrawal = "{\"onWordOf\": \"child\"}";
        var withdrawn = IdentityMergeTest.as(TH).contentType(ContentType.JSON).body(withdrawal)
                .when().post("/api/v1/consents/" + consent + "/withdrawal").then().extract();
        var randomWithdrawn = IdentityMergeTest.as(TH).contentType(ContentType.JSON).body(withdrawal)
                .when().post("/api/v1/consents/" + UUID.randomUUID() + "/withdrawal").then().extract();
        assertEquals(404, withdrawn.statusCode(), withdrawn.asString());
        assertEquals(Api.shape(randomWithdrawn), Api.shape(withdrawn));
        assertEquals(0, Db.count("SELECT count(*) FROM consent WHERE id = ?::uuid AND withdrawn_at IS NOT NULL", consent));

        // A placement planned by the other child's own NHS number, naming a provider and a school: the merged
        // standing does not make the council's (or the named agencies') relationships on that row confirmed.
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("child", Map.of("system", Api.NHS, "value", w[1].nhs()));
        body.put("provider", NAMED_PROVIDER);
        body.put("hostCouncil", LANCS);
        body.put("hostPolice", "police:lancashire");
        body.put("hostHealth", "nhs:QE1");
        body.put("homePolice", "police:met");
        body.put("homeHealth", "nhs:RQX");
        body.put("school", NAMED_SCHOOL);
        body.put("rhiService", TH);
        body.put("startDate", LocalDate.now().plusDays(7).toString());
        body.put("emergency", false);
        body.put("identity", Map.of("name", "Child " + w[1].nhs(), "dateOfBirth", "2012-06-10"));
        body.put("placement", Map.of("address", "1 Hill Road, Preston PR1 1AA"));
        Api.as(TH, "u-" + TH, "CARE-PLANNING", "practitioner").contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/placements").then().extract();
        for (String agency : List.of(TH, NAMED_PROVIDER, NAMED_SCHOOL)) {
            assertFalse(IdentityMergeTest.standing(y, agency).contains("confirmed"),
                    agency + " gained confirmed standing on the other row through the link: " + IdentityMergeTest.standing(y, agency));
        }

        assertEquals("UNMERGED", IdentityMergeTest.step(LANCS, w[2].id(), "unmerge").path("status"));
        assertEquals(404, IdentityMergeTest.chronologyStatus(TH, y));
        assertEquals(200, IdentityMergeTest.chronologyStatus(TH, x));
        assertEquals(0, Db.count("SELECT count(*) FROM relationship WHERE child_id = ? AND agency_id = ? AND kind = 'allocated-case'", y, TH));
        for (String agency : List.of(TH, NAMED_PROVIDER, NAMED_SCHOOL)) {
            assertEquals(0, Db.count("SELECT count(*) FROM relationship WHERE child_id = ? AND agency_id = ? "
                    + "AND standing = 'confirmed' AND ended_at IS NULL", y, agency), agency);
        }
    }
}
