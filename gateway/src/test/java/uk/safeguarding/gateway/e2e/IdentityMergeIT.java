package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * Identity matching with real tokens from the running realm against the packaged gateway: the Met
 * refers a child to Lancashire, then "another" child with her name, date of birth and postcode to Tower
 * Hamlets. The copy is proposed to Lancashire, not to the Met, and the Met gets nothing; only when
 * Lancashire confirms its side does the merge happen, and its unmerge puts each side back. Then the
 * same merge as two agencies' records of one child, compared through the API before and after: each
 * side's chronology, involvement, disclosure report and its DPO's audit.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class IdentityMergeIT {

    static final String URL = "/api/v1/identity-matches";

    static RequestSpecification as(String client) {
        return given().auth().oauth2(KeycloakTokens.clientToken(client)).header("Purpose-Of-Use", "SAFEGUARDING")
                .contentType(ContentType.JSON);
    }

    /** The referral's child id, from the Met's receipt. */
    static String refer(String council, String nhs, String family) {
        return referral(council, nhs, family).path("childId");
    }

    /** The Met's receipt for a referral of Cara to {@code council}. */
    static ExtractableResponse<Response> referral(String council, String nhs, String family) {
        String body = """
                {"requesterAgency": "police:met", "requesterContact": "mash-police@met.police.example",
                 "homeCouncil": "%s",
                 "child": {"nhsNumber": "%s", "givenName": "Cara", "familyName": "%s", "birthDate": "2010-02-03",
                           "postcode": "PR1 2AB"},
                 "riskLevel": "high", "concernCategories": ["child-sexual-exploitation"],
                 "summary": "Seen getting into cars with adult males near the school."}
                """.formatted(council, nhs, family);
        return as("police-met").body(body).when().post("/api/v1/referrals").then().statusCode(201).extract();
    }

    static int chronology(String client, String child) {
        return as(client).when().get("/api/v1/children/" + child + "/chronology").then().extract().statusCode();
    }

    /** The id of the intake proposal pairing {@code child} with an earlier child, as listed to {@code client}. */
    static String proposalFor(String client, String child) {
        List<Map<String, Object>> asked = as(client).when().get(URL + "?status=PROPOSED").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return asked.stream().filter(m -> child.equals(((Map<?, ?>) m.get("newChild")).get("childId")))
                .map(m -> (String) m.get("id")).findFirst()
                .orElseThrow(() -> new AssertionError("no proposal for " + child + ": " + asked));
    }

    static List<Map<String, Object>> entries(String client, String child) {
        ExtractableResponse<Response> r = as(client).when().get("/api/v1/children/" + child + "/chronology?limit=200")
                .then().extract();
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.path("next") == null, "one page holds the story");
        return r.jsonPath().getList("entries");
    }

    static Set<Object> recordIds(List<Map<String, Object>> entries) {
        return entries.stream().map(e -> e.get("recordId")).collect(Collectors.toSet());
    }

    static List<Map<String, Object>> involvement(String client, String child) {
        return as(client).when().get("/api/v1/children/" + child + "/involvement").then().statusCode(200)
                .extract().jsonPath().getList("$");
    }

    static RequestSpecification dpo(String user, String purpose) {
        return given().auth().oauth2(KeycloakTokens.userToken(user)).header("Purpose-Of-Use", purpose);
    }

    /** The disclosure report's entries up to {@code to}, as the DPO sees them. */
    static List<Object> disclosures(String user, String child, Instant to) {
        return dpo(user, "SAR").when().get("/api/v1/audit/children/" + child + "/disclosures?to=" + to).then()
                .statusCode(200).extract().jsonPath().getList("disclosures");
    }

    /** The DPO's own-scope audit records of the match under the child's id. */
    static List<Map<String, Object>> matchEvents(String user, String child, String match) {
        List<Map<String, Object>> items = dpo(user, "DPO-REVIEW").when().get("/api/v1/audit/events?limit=500&childId=" + child)
                .then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream().filter(e -> match.equals(e.get("resourceId"))).toList();
    }

    static Instant pause() throws InterruptedException {
        // Audit records carry the gateway's clock: leave room either side of the cut.
        Thread.sleep(500);
        Instant t = Instant.now();
        Thread.sleep(500);
        return t;
    }

    @Test
    void aCopiedIdentityIsProposedToTheRecordsHolderAndMergesOnlyOnItsWord() {
        String family = "Q" + UUID.randomUUID().toString().replaceAll("[^a-f]", "");
        String victimNhs = Fixtures.nhsNumber();
        String copyNhs = Fixtures.nhsNumber();
        String victim = refer("la:E10000017", victimNhs, family);
        String copy = refer("la:E09000030", copyNhs, family);

        // Lancashire, which holds the victim's record, is asked; the Met, which sent the copy, is not.
        List<Map<String, Object>> asked = as("la-lancashire").when().get(URL + "?status=PROPOSED").then().statusCode(200)
                .extract().jsonPath().getList("$");
        Map<String, Object> match = asked.stream().filter(m -> copy.equals(((Map<?, ?>) m.get("newChild")).get("childId")))
                .findFirst().orElseThrow(() -> new AssertionError("no proposal for the copy: " + asked));
        String id = (String) match.get("id");
        assertFalse(match.toString().contains(family) || match.toString().contains("PR1"), match.toString());
        assertFalse(as("police-met").when().get(URL).then().statusCode(200).extract().asString().contains(id));
        String random = UUID.randomUUID().toString();
        assertEquals(Api.shape(as("police-met").when().post(URL + "/" + random + "/confirm").then().extract()),
                Api.shape(as("police-met").when().post(URL + "/" + id + "/confirm").then().extract()));
        assertEquals(404, chronology("police-met", victim));

        // Tower Hamlets, routed the copy, confirms its side: still nothing of the victim's.
        as("la-tower-hamlets").when().post(URL + "/" + id + "/confirm").then().statusCode(200);
        assertEquals(404, chronology("la-tower-hamlets", victim));
        // Lancashire confirms: merged, read through from either id.
        as("la-lancashire").when().post(URL + "/" + id + "/confirm").then().statusCode(200);
        assertEquals(200, chronology("la-lancashire", copy));
        assertEquals(200, chronology("la-tower-hamlets", victim));
        assertEquals(404, chronology("police-met", victim));
        // Unmerged by Lancashire: each side is its own again.
        String status = as("la-lancashire").when().post(URL + "/" + id + "/unmerge").then().statusCode(200).extract().path("status");
        assertEquals("UNMERGED", status);
        assertEquals(404, chronology("la-lancashire", copy));
        assertEquals(404, chronology("la-tower-hamlets", victim));
        assertTrue(chronology("la-lancashire", victim) == 200 && chronology("la-tower-hamlets", copy) == 200);
    }

    @Test
    void aMergeOfTwoAgenciesRecordsAndItsUnmergeLeaveEachSideAndTheAuditExact() throws Exception {
        String lancs = "la-lancashire";
        String th = "la-tower-hamlets";
        String family = "M" + UUID.randomUUID().toString().replaceAll("[^a-f]", "");
        String aNhs = Fixtures.nhsNumber();
        String bNhs = Fixtures.nhsNumber();
        // One child, known to Lancashire by one NHS number and to Tower Hamlets by another.
        String a = refer("la:E10000017", aNhs, family);
        String b = refer("la:E09000030", bNhs, family);
        String match = proposalFor(lancs, b);
        String random = UUID.randomUUID().toString();
        ExtractableResponse<Response> hiddenBefore = as(lancs).when().get("/api/v1/children/" + b + "/chronology").then().extract();
        assertEquals(404, hiddenBefore.statusCode());
        assertEquals(404, chronology(th, a));

        List<Map<String, Object>> aStory = entries(lancs, a);
        List<Map<String, Object>> bStory = entries(th, b);
        List<Map<String, Object>> aInvolved = involvement(lancs, a);
        List<Map<String, Object>> bInvolved = involvement(th, b);
        assertFalse(bStory.isEmpty() || recordIds(aStory).stream().anyMatch(recordIds(bStory)::contains), "two stories: " + aStory);
        Instant t0 = pause();
        List<Object> aDisclosed = disclosures("dpo.lancashire", a, t0);
        List<Object> bDisclosed = disclosures("dpo.towerhamlets", b, t0);
        assertFalse(aDisclosed.isEmpty() || bDisclosed.isEmpty(), "each referral was disclosed to its council");

        // Each council confirms its own side: merged on two agencies' word.
        assertEquals("PROPOSED", as(th).when().post(URL + "/" + match + "/confirm").then().statusCode(200).extract().path("status"));
        assertEquals("MERGED", as(lancs).when().post(URL + "/" + match + "/confirm").then().statusCode(200).extract().path("status"));

        // Read through: Lancashire reads Tower Hamlets' entries in its own child's chronology, and both councils are involved.
        List<Map<String, Object>> aMerged = entries(lancs, a);
        assertTrue(aMerged.containsAll(aStory), "Lancashire's own story stays: " + aMerged);
        assertTrue(recordIds(aMerged).containsAll(recordIds(bStory)), "Tower Hamlets' side is read through: " + aMerged);
        assertEquals(200, chronology(lancs, b));
        assertTrue(involvement(lancs, a).stream().anyMatch(i -> "la:E09000030".equals(i.get("agencyId"))));
        assertEquals(404, chronology("police-met", a));

        // Written during the merge: another referral about Tower Hamlets' child by its own NHS number stays with it.
        ExtractableResponse<Response> during = referral("la:E09000030", bNhs, family);
        assertEquals(b, during.path("childId"));
        String duringId = during.path("id");

        assertEquals("UNMERGED", as(th).when().post(URL + "/" + match + "/unmerge").then().statusCode(200).extract().path("status"));

        // Each side is back: Lancashire's exactly, Tower Hamlets' plus the referral written for it.
        assertEquals(aStory, entries(lancs, a));
        List<Map<String, Object>> bAfter = new ArrayList<>(entries(th, b));
        assertTrue(recordIds(bAfter).contains(duringId), "written during the merge, kept: " + bAfter);
        bAfter.removeIf(e -> duringId.equals(e.get("recordId")));
        assertEquals(bStory, bAfter);
        assertEquals(aInvolved, involvement(lancs, a));
        List<Map<String, Object>> bInvolvedAfter = involvement(th, b);
        assertTrue(bInvolvedAfter.containsAll(bInvolved), bInvolvedAfter.toString());
        assertTrue(bInvolvedAfter.stream().allMatch(i -> bInvolved.contains(i)
                || Set.of("police:met", "la:E09000030").contains(i.get("agencyId"))), "only the referral's agencies: " + bInvolvedAfter);
        assertEquals(aDisclosed, disclosures("dpo.lancashire", a, t0));
        assertEquals(bDisclosed, disclosures("dpo.towerhamlets", b, t0));
        // Lancashire, with no standing of its own on Tower Hamlets' child, gets the random id's answer again.
        ExtractableResponse<Response> hiddenAfter = as(lancs).when().get("/api/v1/children/" + b + "/chronology").then().extract();
        assertEquals(404, hiddenAfter.statusCode());
        assertEquals(Api.shape(as(lancs).when().get("/api/v1/children/" + random + "/chronology").then().extract()),
                Api.shape(hiddenAfter));
        assertEquals(Api.shape(hiddenBefore), Api.shape(hiddenAfter));
        assertEquals(404, chronology(th, a));

        // Each council's DPO sees the merge and the unmerge under its own child, naming both councils.
        for (String[] side : List.of(new String[] {"dpo.lancashire", a}, new String[] {"dpo.towerhamlets", b})) {
            List<Map<String, Object>> events = matchEvents(side[0], side[1], match);
            for (String action : List.of("identity.merge", "identity.unmerge")) {
                List<Map<String, Object>> found = events.stream().filter(e -> action.equals(e.get("action"))).toList();
                assertEquals(1, found.size(), side[0] + " " + action + ": " + events);
                assertTrue(((List<?>) found.get(0).get("dataOwners")).containsAll(List.of("la:E10000017", "la:E09000030")),
                        side[0] + " " + action + ": " + found);
            }
        }
    }
}
