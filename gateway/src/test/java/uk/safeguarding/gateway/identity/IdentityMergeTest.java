package uk.safeguarding.gateway.identity;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Identity matching as an attack path: two councils each hold one child's record (Tower Hamlets the
 * first, Lancashire the second); the Met referred both and holds only own-record standing. Nobody can
 * merge their way into a record without the word of an agency that already held it, a copied name, date
 * of birth and postcode give nothing, hidden ids answer like random ones; a merge is read through on
 * every read and an unmerge gives each side back exactly.
 */
@QuarkusTest
class IdentityMergeTest {

    static final String TH = "la:E09000030";
    static final String LANCS = "la:E10000017";
    static final String MET = "police:met";
    /** A signatory neither referral was routed to. */
    static final String STRANGER = "provider:SC654321";
    static final String URL = "/api/v1/identity-matches";

    /** One child as referred: its id, NHS number and the details a referral gave. */
    record Kid(UUID id, String nhs, String given, String family, String dob, String postcode) {
    }

    static RequestSpecification as(String agency) {
        return Api.as(agency, "u-" + agency, "SAFEGUARDING", "practitioner");
    }

    static RequestSpecification dpo(String agency) {
        return given().auth().oauth2(TestTokens.forAgency(agency).roles("dpo").subject("dpo-" + UUID.randomUUID()).sign())
                .header("Purpose-Of-Use", "SAR");
    }

    static String family() {
        StringBuilder s = new StringBuilder("Q");
        for (int i = 0; i < 9; i++) {
            s.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return s.toString();
    }

    /** A referral by the Met to {@code council} about a child with these details; the child's id. */
    static UUID refer(String council, String nhs, String given, String family, String dob, String postcode) {
        return (UUID) Db.query("SELECT child_id FROM referral WHERE id = ?::uuid",
                referral(council, nhs, given, family, dob, postcode)).get(0).get("child_id");
    }

    /** The same, answering the referral's id. */
    static String referral(String council, String nhs, String given, String family, String dob, String postcode) {
        String body = """
                {"requesterAgency": "police:met", "requesterContact": "mash-police@met.police.example",
                 "homeCouncil": "%s",
                 "child": {"nhsNumber": "%s", "givenName": "%s", "familyName": "%s", "birthDate": "%s"%s},
                 "riskLevel": "high", "concernCategories": ["child-sexual-exploitation"],
                 "summary": "Seen getting into cars with adult males near the school."}
                """.formatted(council, nhs, given, family, dob, postcode == null ? "" : ", \"postcode\": \"" + postcode + "\"");
        return as(MET).body(body).when().post("/api/v1/referrals").then().statusCode(201).extract().path("id");
    }

    static Kid kid(String council, String given, String dob, String postcode) {
        String nhs = Fixtures.nhsNumber();
        String family = family();
        return new Kid(refer(council, nhs, given, family, dob, postcode), nhs, given, family, dob, postcode);
    }

    static String standing(UUID child, String agency) {
        return Db.query("SELECT string_agg(standing || '/' || scope, ',' ORDER BY standing, scope) AS s FROM relationship "
                + "WHERE child_id = ? AND agency_id = ? AND ended_at IS NULL", child, agency).get(0).get("s") + "";
    }

    /**
     * Gives the second child the first's family-name-and-birth-date key, as if they had been described
     * alike: an agency may propose only a pair sharing a matching key, and two children described alike
     * at intake would already have an intake proposal open.
     */
    static void share(UUID x, UUID y) {
        try {
            Db.update("INSERT INTO child_match_key (child_id, kind, key_hash) SELECT ?, kind, key_hash FROM child_match_key "
                    + "WHERE child_id = ? AND kind = 'family-dob'", y, x);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static ExtractableResponse<Response> propose(String agency, UUID child, Object other) {
        Map<String, Object> body = other instanceof UUID id ? Map.of("childId", child, "otherChildId", id)
                : Map.of("childId", child, "otherIdentifier", Map.of("system", Api.NHS, "value", other));
        return as(agency).body(body).when().post(URL).then().extract();
    }

    static ExtractableResponse<Response> step(String agency, Object matchId, String verb) {
        return as(agency).when().post(URL + "/" + matchId + "/" + verb).then().extract();
    }

    static List<Map<String, Object>> chronology(String agency, UUID child) {
        ExtractableResponse<Response> r = as(agency).when().get("/api/v1/children/" + child + "/chronology?limit=200")
                .then().extract();
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.path("next") == null);
        return r.jsonPath().getList("entries");
    }

    static int chronologyStatus(String agency, UUID child) {
        return as(agency).when().get("/api/v1/children/" + child + "/chronology").then().extract().statusCode();
    }

    static List<Object> disclosures(String agency, UUID child, Instant to) {
        return dpo(agency).when().get("/api/v1/audit/children/" + child + "/disclosures?to=" + to).then().statusCode(200)
                .extract().jsonPath().getList("disclosures");
    }

    /** The world: Tower Hamlets confirmed on the first child only, Lancashire on the second only, the Met own-record on both. */
    static Kid[] pair(String postcode) {
        Kid x = kid(TH, "Amira", "2011-04-02", postcode);
        Kid y = kid(LANCS, "Bea", "2012-06-10", null);
        assertEquals("confirmed/child", standing(x.id(), TH), "the council the referral went to holds the child");
        assertEquals("null", standing(x.id(), LANCS));
        assertEquals("confirmed/child", standing(y.id(), LANCS));
        assertEquals("null", standing(y.id(), TH));
        assertFalse(standing(x.id(), MET).contains("confirmed/child"), "the referrer holds its own referral only");
        share(x.id(), y.id());
        return new Kid[] {x, y};
    }

    @Test
    void anAgencyHoldingOneRecordCannotMergeItsWayIntoAnothersWithoutThatAgencysWord() {
        Kid[] w = pair(null);
        Kid x = w[0];
        Kid y = w[1];
        // Tower Hamlets proposes its child and Lancashire's (by NHS number) and confirms: only its own side counts.
        var proposed = propose(TH, x.id(), y.nhs());
        assertEquals(201, proposed.statusCode(), proposed.asString());
        String match = proposed.path("id");
        var confirmed = step(TH, match, "confirm");
        assertEquals(200, confirmed.statusCode(), confirmed.asString());
        assertEquals("PROPOSED", confirmed.path("status"));
        assertEquals(Boolean.TRUE, confirmed.path("candidate.confirmed"));
        assertEquals(Boolean.FALSE, confirmed.path("newChild.confirmed"));
        var again = step(TH, match, "confirm");
        assertEquals(409, again.statusCode());
        assertEquals("ALREADY_CONFIRMED", again.path("code"));
        // Still hidden both ways.
        assertEquals(404, chronologyStatus(TH, y.id()));
        assertEquals(404, chronologyStatus(LANCS, x.id()));
        assertEquals(0, Db.count("SELECT count(*) FROM child_link WHERE match_id = ?::uuid", match));

        // The Met referred both children (own-record standing) and a stranger holds nothing: every verb on the
        // real match answers exactly like a random id.
        String random = UUID.randomUUID().toString();
        for (String verb : List.of("confirm", "refuse", "unmerge")) {
            for (String agency : List.of(MET, STRANGER)) {
                var real = step(agency, match, verb);
                assertEquals(404, real.statusCode(), agency + " " + verb + ": " + real.asString());
                assertEquals(Api.shape(step(agency, random, verb)), Api.shape(real), agency + " " + verb);
            }
        }
        for (String agency : List.of(MET, STRANGER)) {
            assertFalse(as(agency).when().get(URL).then().statusCode(200).extract().asString().contains(match), agency);
        }
        // Naming a child one holds no confirmed standing on, or one it cannot see, answers like a random id.
        var hiddenOther = propose(TH, x.id(), y.id());
        assertEquals(Api.shape(propose(TH, x.id(), UUID.randomUUID())), Api.shape(hiddenOther));
        assertEquals(404, hiddenOther.statusCode());
        var notMine = propose(TH, y.id(), x.id());
        assertEquals(Api.shape(propose(TH, UUID.randomUUID(), x.id())), Api.shape(notMine));
        var referrerOnly = propose(MET, x.id(), y.nhs());
        assertEquals(Api.shape(propose(MET, UUID.randomUUID(), y.nhs())), Api.shape(referrerOnly));
        assertEquals(404, referrerOnly.statusCode());
        // The same pair again while open, and the same child twice: clear problems.
        var open = propose(TH, x.id(), y.nhs());
        assertEquals(409, open.statusCode());
        assertEquals("PROPOSAL_OPEN", open.path("code"));
        var same = propose(TH, x.id(), x.nhs());
        assertEquals(400, same.statusCode());
        assertEquals("SAME_CHILD", same.path("code"));
        assertEquals("otherIdentifier", same.path("errors[0].field"));

        // Lancashire sees the proposal (ids and systems only) and refuses it: closed for everyone.
        String listed = as(LANCS).when().get(URL + "?status=PROPOSED").then().statusCode(200).extract().asString();
        assertTrue(listed.contains(match));
        assertFalse(listed.contains(y.nhs()) || listed.contains(y.family()) || listed.contains(y.dob()), listed);
        assertEquals("REFUSED", step(LANCS, match, "refuse").path("status"));
        var closed = step(TH, match, "confirm");
        assertEquals(409, closed.statusCode());
        assertEquals("MATCH_CLOSED", closed.path("code"));
        assertEquals(404, chronologyStatus(TH, y.id()));
        var badStatus = as(TH).when().get(URL + "?status=DONE").then().extract();
        assertEquals(400, badStatus.statusCode());
        assertEquals("status", badStatus.path("errors[0].field"));
    }

    @Test
    void aReferralCopyingAnotherChildsNameBirthDateAndPostcodeGivesNoAccess() {
        Kid victim = kid(LANCS, "Cara", "2010-02-03", "PR1 2AB");
        // The Met refers "a new child" with the victim's details and a fresh NHS number.
        UUID copy = refer(TH, Fixtures.nhsNumber(), victim.given(), victim.family(), victim.dob(), "pr12ab");
        List<Map<String, Object>> matches = Db.query("SELECT id, reason_keys, origin, status FROM identity_match "
                + "WHERE new_child_id = ? AND candidate_child_id = ?", copy, victim.id());
        assertEquals(1, matches.size(), "intake proposes the match, nothing more");
        assertEquals("intake", matches.get(0).get("origin"));
        assertEquals("PROPOSED", matches.get(0).get("status"));
        String match = matches.get(0).get("id").toString();
        // The referrer holds only its own referral of the copy: it does not even see the proposal.
        assertEquals(404, chronologyStatus(MET, victim.id()));
        assertFalse(as(MET).when().get(URL).then().statusCode(200).extract().asString().contains(match));
        assertEquals(Api.shape(step(MET, UUID.randomUUID(), "confirm")), Api.shape(step(MET, match, "confirm")));
        // Lancashire, holding the victim, is asked: by an alert and in its list, with ids and key kinds only.
        List<Map<String, Object>> alerts = Db.query("SELECT payload::text AS p FROM alert WHERE recipient_agency = ? "
                + "AND event = 'identity-match-proposed' AND resource_id = ?", LANCS, match);
        assertEquals(1, alerts.size());
        String listed = as(LANCS).when().get(URL).then().statusCode(200).extract().asString();
        assertTrue(listed.contains(match));
        for (String secret : List.of(victim.family(), victim.dob(), "PR1", "pr1", victim.given(), victim.nhs())) {
            assertFalse(listed.contains(secret), "the list shows no " + secret + ": " + listed);
            assertFalse(alerts.get(0).get("p").toString().contains(secret), "the alert shows no " + secret);
        }
        assertTrue(listed.contains("dob-outward-initial"), listed);
        // No raw matching data is kept: only keyed hashes.
        assertEquals(0, Db.count("SELECT count(*) FROM child_match_key WHERE child_id = ? AND "
                + "(encode(key_hash, 'escape') LIKE '%' || ? || '%')", copy, victim.family().toUpperCase()));
        assertFalse(Db.query("SELECT body::text AS b FROM referral WHERE child_id = ?", copy).get(0).get("b").toString()
                .contains("pr12ab"), "the postcode is not kept in the stored referral");
        // The council the copy was routed to holds it confirmed and could confirm its side: still not the victim's.
        assertEquals("PROPOSED", step(TH, match, "confirm").path("status"));
        assertEquals(404, chronologyStatus(TH, victim.id()));
        assertEquals(404, chronologyStatus(MET, victim.id()));
    }

    @Test
    void aMergeIsReadThroughAndAnUnmergeGivesEachSideBackExactly() throws Exception {
        Kid[] w = pair(null);
        Kid x = w[0];
        Kid y = w[1];
        // Each side's story and disclosure report before.
        List<Map<String, Object>> xBefore = chronology(TH, x.id());
        List<Map<String, Object>> yBefore = chronology(LANCS, y.id());
        Thread.sleep(5);
        Instant t0 = Instant.now();
        Thread.sleep(5);
        List<Object> xDisclosures = disclosures(TH, x.id(), t0);
        List<Object> yDisclosures = disclosures(LANCS, y.id(), t0);
        List<Object> xInvolved = as(TH).when().get("/api/v1/children/" + x.id() + "/involvement").then().extract().jsonPath().getList("$");

        String match = propose(LANCS, y.id(), x.nhs()).path("id");
        assertEquals("PROPOSED", step(LANCS, match, "confirm").path("status"));
        var merged = step(TH, match, "confirm");
        assertEquals("MERGED", merged.path("status"), merged.asString());
        assertEquals(1, Db.count("SELECT count(*) FROM child_link WHERE match_id = ?::uuid AND ended_at IS NULL", match));

        // Read through: each council reads the other side's id, and the story holds both children's records.
        assertEquals(200, chronologyStatus(LANCS, x.id()));
        List<Map<String, Object>> xMerged = chronology(TH, x.id());
        assertTrue(xMerged.containsAll(xBefore));
        assertTrue(xMerged.size() > xBefore.size(), "the other child's entries are read through: " + xMerged);
        assertTrue(disclosures(TH, x.id(), Instant.now()).size() >= xDisclosures.size());
        // Standing through the merge keeps its rules: the Met (own-record on each referral) is still refused the whole child.
        assertEquals(404, chronologyStatus(STRANGER, x.id()));
        assertEquals(404, chronologyStatus(MET, x.id()));
        // The pair, or either child with a third, cannot be merged again.
        var linked = propose(TH, x.id(), y.nhs());
        assertEquals(409, linked.statusCode());
        assertEquals("ALREADY_LINKED", linked.path("code"));

        // Written during the merge: a referral about the first child by its own identifier stays with it.
        String during = referral(TH, x.nhs(), x.given(), x.family(), x.dob(), null);
        assertEquals(List.of(x.id()), Db.query("SELECT child_id FROM referral WHERE id = ?::uuid", during).stream()
                .map(r -> r.get("child_id")).toList());

        // Audited under both ids, and the DPOs of both councils see the merge in their own scope.
        assertEquals(2, Db.count("SELECT count(*) FROM audit_event WHERE action = 'identity.merge' AND resource_id = ?", match));
        for (String agency : List.of(TH, LANCS)) {
            String events = given().auth().oauth2(TestTokens.forAgency(agency).roles("dpo").subject("dpo-r").sign())
                    .header("Purpose-Of-Use", "DPO-REVIEW").when().get("/api/v1/audit/events?limit=500&childId=" + x.id())
                    .then().statusCode(200).extract().asString();
            assertTrue(events.contains("identity.merge"), agency + " DPO: " + events);
        }

        // Unmerge by Lancashire: the link is ended, not deleted.
        var unmerged = step(LANCS, match, "unmerge");
        assertEquals("UNMERGED", unmerged.path("status"), unmerged.asString());
        assertEquals(1, Db.count("SELECT count(*) FROM child_link WHERE match_id = ?::uuid AND ended_at IS NOT NULL", match));
        assertEquals(409, step(LANCS, match, "unmerge").statusCode());
        assertEquals(404, chronologyStatus(LANCS, x.id()));
        assertEquals(404, chronologyStatus(TH, y.id()));
        assertEquals(yBefore, chronology(LANCS, y.id()));
        List<Map<String, Object>> xAfter = new ArrayList<>(chronology(TH, x.id()));
        assertTrue(xAfter.stream().anyMatch(e -> during.equals(e.get("recordId"))), "written during the merge, kept: " + xAfter);
        xAfter.removeIf(e -> during.equals(e.get("recordId")));
        assertEquals(xBefore, xAfter, "the first child's story is back, plus what was written for it during the merge");
        assertEquals(xDisclosures, disclosures(TH, x.id(), t0));
        assertEquals(yDisclosures, disclosures(LANCS, y.id(), t0));
        assertEquals(xInvolved, as(TH).when().get("/api/v1/children/" + x.id() + "/involvement").then().extract().jsonPath().getList("$"));
        assertEquals(3, Db.count("SELECT count(*) FROM audit_event WHERE resource_id = ? AND action IN "
                + "('identity.propose', 'identity.merge', 'identity.unmerge') AND child_id = ?", match, y.id()));
        assertNotNull(Db.query("SELECT ended_by_agency FROM child_link WHERE match_id = ?::uuid", match).get(0).get("ended_by_agency"));
    }

    @Test
    void aPostcodeNotInUkFormIsRefusedNamingTheFieldAndTheRule() {
        String body = """
                {"requesterAgency": "police:met", "requesterContact": "mash-police@met.police.example",
                 "homeCouncil": "la:E09000030",
                 "child": {"nhsNumber": "%s", "givenName": "Amira", "familyName": "Test", "birthDate": "2011-04-02",
                           "postcode": "12345"},
                 "riskLevel": "high", "concernCategories": ["child-sexual-exploitation"],
                 "summary": "Seen getting into cars with adult males near the school."}
                """.formatted(Fixtures.nhsNumber());
        var refused = as(MET).body(body).when().post("/api/v1/referrals").then().extract();
        assertEquals(400, refused.statusCode(), refused.asString());
        assertEquals("application/problem+json", refused.contentType().split(";")[0]);
        assertTrue(refused.jsonPath().getList("errors.field").contains("/child/postcode"), refused.asString());
        assertTrue(refused.jsonPath().getList("errors.rule").contains("POSTCODE_FORMAT"), refused.asString());
    }
}
