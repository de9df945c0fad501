package uk.safeguarding.gateway.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.KeycloakTokens;

/**
 * Identity matching with real tokens from the running realm against the packaged gateway: the Met
 * refers a child to Lancashire, then "another" child with her name, date of birth and postcode to Tower
 * Hamlets. The copy is proposed to Lancashire, not to the Met, and the Met gets nothing; only when
 * Lancashire confirms its side does the merge happen, and its unmerge puts each side back.
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
        String body = """
                {"requesterAgency": "police:met", "requesterContact": "mash-police@met.police.example",
                 "homeCouncil": "%s",
                 "child": {"nhsNumber": "%s", "givenName": "Cara", "familyName": "%s", "birthDate": "2010-02-03",
                           "postcode": "PR1 2AB"},
                 "riskLevel": "high", "concernCategories": ["child-sexual-exploitation"],
                 "summary": "Seen getting into cars with adult males near the school."}
                """.formatted(council, nhs, family);
        return as("police-met").body(body).when().post("/api/v1/referrals").then().statusCode(201).extract().path("childId");
    }

    static int chronology(String client, String child) {
        return as(client).when().get("/api/v1/children/" + child + "/chronology").then().extract().statusCode();
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
}
