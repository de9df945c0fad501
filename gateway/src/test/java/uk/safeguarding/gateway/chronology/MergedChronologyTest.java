package uk.safeguarding.gateway.chronology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.alert.AlertFixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.Db;

/**
 * A merged child's chronology releases each linked row's case events under that row's own "missing"
 * status, as the event's own read does (docs/IDENTITY.md): the Philomena profile recorded on the row
 * that is missing reaches the host police through the other row's chronology exactly when the event's
 * own read gives it to them, though the row they asked for is not missing.
 */
@QuarkusTest
class MergedChronologyTest {

    static final String PLACING = "la:E09000030";
    static final String HOST_POLICE = "police:lancashire";
    static final String PROVIDER = "provider:SC123456";

    static List<String> caseEvents(UUID child) {
        ExtractableResponse<Response> r = Api.as(HOST_POLICE, "pc-l", "MISSING-RESPONSE", "practitioner").when()
                .get("/api/v1/children/" + child + "/chronology?kind=case-event&limit=200").then().extract();
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath().getList("entries.recordId");
    }

    @Test
    void theLinkedRowsCaseEventsAreReleasedUnderThatRowsMissingStatus() throws Exception {
        UUID asked = AlertFixtures.placedChild();
        UUID linked = AlertFixtures.placedChild();
        // The linked row is missing (reported by the provider, so confirmed); the row asked for is not.
        Api.as(PROVIDER, "staff-1", "MISSING-RESPONSE", "provider").body(Map.of("circumstances", "did not return"))
                .when().post("/api/v1/children/" + linked + "/missing-episodes").then().statusCode(201);
        UUID profile = UUID.randomUUID();
        Db.update("""
                INSERT INTO case_event (id, child_id, type, occurred_at, raised_by_agency, raised_by_subject, purpose, details)
                VALUES (?::uuid, ?::uuid, 'philomena-profile-shared', now(), ?, 'staff-1', 'MISSING-RESPONSE', ?::jsonb)""",
                profile.toString(), linked.toString(), PROVIDER, "{\"philomena\": {\"recentPhoto\": \"on file\"}}");
        // The event's own read is the reference: released while its row is missing.
        Api.as(HOST_POLICE, "pc-l", "MISSING-RESPONSE", "practitioner").when().get("/api/v1/case-events/" + profile)
                .then().statusCode(200);
        assertFalse(caseEvents(asked).contains(profile.toString()), "not merged yet");

        // The rows describe one child (a shared matching key, as intake would have stored); the placing
        // council holds both, the provider holds the linked one too: each side is confirmed by its own word.
        Db.update("INSERT INTO child_match_key (child_id, kind, key_hash) VALUES (?::uuid, 'family-dob', ?), (?::uuid, 'family-dob', ?)",
                asked.toString(), profile.toString().getBytes(), linked.toString(), profile.toString().getBytes());
        ExtractableResponse<Response> proposed = Api.as(PLACING, "sw-1", "SAFEGUARDING", "practitioner")
                .body(Map.of("childId", asked, "otherChildId", linked)).when().post("/api/v1/identity-matches").then().extract();
        assertEquals(201, proposed.statusCode(), proposed.asString());
        ExtractableResponse<Response> confirmed = Api.as(PLACING, "sw-1", "SAFEGUARDING", "practitioner").when()
                .post("/api/v1/identity-matches/" + proposed.path("id") + "/confirm").then().extract();
        assertEquals(200, confirmed.statusCode(), confirmed.asString());
        ExtractableResponse<Response> other = Api.as(PROVIDER, "staff-1", "SAFEGUARDING", "provider").when()
                .post("/api/v1/identity-matches/" + proposed.path("id") + "/confirm").then().extract();
        assertEquals(200, other.statusCode(), other.asString());
        assertEquals(1, Db.count("SELECT count(*) FROM child_link WHERE ended_at IS NULL AND (child_a = ? OR child_b = ?)",
                asked, asked));

        assertTrue(caseEvents(linked).contains(profile.toString()), "its own row's chronology lists it");
        assertTrue(caseEvents(asked).contains(profile.toString()),
                "the merged chronology releases it under the status of the row it was written for");
    }
}
