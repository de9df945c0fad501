package uk.safeguarding.gateway.chronology;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.Db;

/**
 * The chronology (issue 24 items 1 and 4) over one child known to many agencies: a placement, a
 * referral and its responses, risk assessed by two agencies, a missing episode and the finding, a
 * downgrade challenged and escalated. Each reader's story is checked entry by entry against the
 * records' own reads (an entry appears exactly when its record's read answers 200 to that reader),
 * so "correctly redacted" does not depend on what this test believes the protocols say.
 */
@QuarkusTest
class ChronologyTest {

    static final String PLACING = "la:E09000030";
    static final String HOST_COUNCIL = "la:E10000017";
    static final String HOST_POLICE = "police:lancashire";
    static final String MET = "police:met";
    static final String SCHOOL = "school:100000";
    static final String PROVIDER = "provider:SC123456";
    static final String OTHER_PROVIDER = "provider:SC654321";
    static final String PURPOSE = "SAFEGUARDING";

    static UUID child;
    static String childValue;

    static io.restassured.specification.RequestSpecification as(String agency, String... roles) {
        return Api.as(agency, "u-" + agency, PURPOSE, roles.length == 0 ? new String[] {"practitioner"} : roles);
    }

    /** Built once, on the first test (a static @BeforeAll runs before the application is listening). */
    @BeforeEach
    void world() {
        if (child != null) {
            return;
        }
        childValue = uk.safeguarding.gateway.referral.Fixtures.nhsNumber();
        Map<String, Object> placement = new LinkedHashMap<>();
        placement.put("child", Map.of("system", Api.NHS, "value", childValue));
        placement.put("provider", PROVIDER);
        placement.put("hostCouncil", HOST_COUNCIL);
        placement.put("hostPolice", HOST_POLICE);
        placement.put("homePolice", MET);
        placement.put("school", SCHOOL);
        placement.put("rhiService", PLACING);
        placement.put("startDate", LocalDate.now().plusDays(7).toString());
        placement.put("identity", Map.of("name", "Child " + childValue, "dateOfBirth", "2011-04-02"));
        placement.put("placement", Map.of("address", "1 Hill Road, Preston PR1 1AA"));
        child = UUID.fromString(Api.as(PLACING, "sw-p", "CARE-PLANNING", "practitioner").body(placement)
                .when().post("/api/v1/placements").then().statusCode(201).extract().path("childId"));

        // A referral by the Met to the council, acknowledged and accepted.
        String referral = as(MET).body(Api.policeReferral(Api.NHS, childValue)).when().post("/api/v1/referrals")
                .then().statusCode(201).extract().path("id");
        as(PLACING).when().post("/api/v1/referrals/" + referral + "/acknowledge").then().statusCode(200);
        as(PLACING).body(Map.of()).when().post("/api/v1/referrals/" + referral + "/accept").then().statusCode(200);

        // Risk by two agencies; the council's downgrade, approved, challenged by the Met and escalated.
        String url = "/api/v1/children/" + child + "/risk-assessments";
        String reviewBy = LocalDate.now().plusMonths(3).toString();
        String metAssessment = as(MET).body(Map.of("level", "MEDIUM", "rationale", "Seen with older males near the station.",
                "reviewBy", reviewBy)).when().post(url).then().statusCode(201).extract().path("id");
        as(PLACING).body(Map.of("level", "HIGH", "rationale", "Found with older adults twice.", "reviewBy", reviewBy))
                .when().post(url).then().statusCode(201);
        String downgrade = as(PLACING).body(Map.of("level", "MEDIUM", "reviewBy", reviewBy,
                        "rationale", "Three months without a missing episode; engaged weekly with the CSE worker."))
                .when().post(url).then().statusCode(201).extract().path("id");
        Api.as(PLACING, "tm-1", PURPOSE, "supervisor").when().post("/api/v1/risk-assessments/" + downgrade + "/approval")
                .then().statusCode(200);
        String challenge = as(MET).body(Map.of("decision", Map.of("type", "risk-assessment", "id", downgrade),
                        "grounds", "The intelligence of last week was not weighed.")).when().post("/api/v1/challenges")
                .then().statusCode(201).extract().path("id");
        as(MET).body(Map.of("text", "No answer at practitioner level.")).when()
                .post("/api/v1/challenges/" + challenge + "/escalation").then().statusCode(200);

        // The host council challenges the Met's assessment: a second disagreement, with other parties.
        as(HOST_COUNCIL).body(Map.of("decision", Map.of("type", "risk-assessment", "id", metAssessment),
                "grounds", "The placement's own observations were not asked for.")).when().post("/api/v1/challenges")
                .then().statusCode(201);

        // A trigger plan agreed by the placing council (kept by the placing council and the provider only).
        as(PLACING).body(Map.of("reviewDate", LocalDate.now().plusMonths(2).toString(),
                        "actions", List.of(Map.of("who", "provider", "what", "Search the home and ring her phone")),
                        "thresholds", List.of(Map.of("afterMinutes", 30, "action", "Report missing to Lancashire police"))))
                .when().post("/api/v1/children/" + child + "/trigger-plan/versions").then().statusCode(201);

        // Missing, reported by the provider, found by the host police.
        String episode = Api.as(PROVIDER, "staff-1", "MISSING-RESPONSE", "provider")
                .body(Map.of("circumstances", "did not return")).when().post("/api/v1/children/" + child + "/missing-episodes")
                .then().statusCode(201).extract().path("id");
        Api.as(HOST_POLICE, "pc-l", "MISSING-RESPONSE", "practitioner").body(Map.of("locationFound", "Blackpool"))
                .when().post("/api/v1/missing-episodes/" + episode + "/found").then().statusCode(200);
    }

    static ExtractableResponse<Response> read(String agency, String query) {
        return as(agency).when().get("/api/v1/children/" + child + "/chronology" + query).then().extract();
    }

    /** Every entry the agency's chronology holds, following the cursor. */
    static List<Map<String, Object>> story(String agency, String query, int limit) {
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 200; pages++) {
            String q = (query.isEmpty() ? "?" : query + "&") + "limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor);
            ExtractableResponse<Response> r = read(agency, q);
            assertEquals(200, r.statusCode(), agency + ": " + r.asString());
            all.addAll(r.jsonPath().getList("entries"));
            cursor = r.path("next");
            if (cursor == null) {
                return all;
            }
        }
        throw new AssertionError("no end");
    }

    static Set<String> ids(List<Map<String, Object>> entries, String kind) {
        Set<String> ids = new TreeSet<>();
        entries.stream().filter(e -> kind.equals(e.get("kind"))).forEach(e -> ids.add((String) e.get("recordId")));
        return ids;
    }

    static int status(String agency, String path) {
        return as(agency).when().get(path).then().extract().statusCode();
    }

    @Test
    void threeAgenciesReadThreeStoriesEachEntryReleasedExactlyWhenItsRecordsOwnReadIs() {
        Map<String, List<Map<String, Object>>> stories = new HashMap<>();
        for (String agency : List.of(PLACING, HOST_COUNCIL, SCHOOL, MET)) {
            List<Map<String, Object>> story = story(agency, "", 200);
            stories.put(agency, story);
            // In time order; agencies by id and display name; instants.
            for (int i = 1; i < story.size(); i++) {
                assertFalse(Instant.parse((String) story.get(i).get("at")).isBefore(Instant.parse((String) story.get(i - 1).get("at"))));
            }
            story.forEach(e -> {
                Map<?, ?> a = (Map<?, ?>) e.get("agency");
                assertTrue(a.get("id") != null && a.get("name") != null, e.toString());
            });
            // Case events: present exactly when the case-event read answers 200 (a disagreement's steps are
            // listed from the challenge, under its read's rule, below).
            for (Map<String, Object> row : Db.query("SELECT id FROM case_event WHERE child_id = ? AND type NOT LIKE 'disagreement-%'",
                    child)) {
                String id = row.get("id").toString();
                boolean shown = story.stream().anyMatch(e -> id.equals(e.get("recordId")) && "case-event".equals(e.get("recordType")));
                assertEquals(status(agency, "/api/v1/case-events/" + id) == 200, shown, agency + " case event " + id);
            }
            // Risk: exactly the assessments the risk history shows the reader.
            ExtractableResponse<Response> history = as(agency).when().get("/api/v1/children/" + child + "/risk-assessments")
                    .then().extract();
            Set<String> inHistory = history.statusCode() == 200 ? new TreeSet<>(history.jsonPath().getList("id")) : Set.of();
            assertEquals(inHistory, ids(story, "risk-assessment"), agency + " risk");
            // The referral and its responses, the challenge and its steps: as their reads.
            for (Map<String, Object> row : Db.query("SELECT id FROM referral WHERE child_id = ?", child)) {
                String id = row.get("id").toString();
                assertEquals(status(agency, "/api/v1/referrals/" + id) == 200, ids(story, "referral").contains(id), agency + " referral");
                assertEquals(status(agency, "/api/v1/referrals/" + id) == 200, ids(story, "referral-response").contains(id));
            }
            for (Map<String, Object> row : Db.query("SELECT id FROM challenge WHERE child_id = ?", child)) {
                String id = row.get("id").toString();
                assertEquals(status(agency, "/api/v1/challenges/" + id) == 200, ids(story, "disagreement").contains(id),
                        agency + " challenge");
            }
            // Trigger plans: as the plan history read.
            assertEquals(status(agency, "/api/v1/children/" + child + "/trigger-plan/versions") == 200,
                    story.stream().anyMatch(e -> "trigger-plan".equals(e.get("kind"))), agency + " trigger plan");
            // No free text: nothing the records' own text fields hold.
            String body = read(agency, "?limit=200").asString();
            for (String text : List.of("older males", "older adults", "intelligence of last week", "Blackpool", "cars with adult",
                    "ring her phone")) {
                assertFalse(body.contains(text), agency + " shows " + text);
            }
        }
        // Three different stories (four with the Met's), and each one what we expect of these agencies.
        assertNotEquals(stories.get(PLACING), stories.get(HOST_COUNCIL));
        assertNotEquals(stories.get(PLACING), stories.get(SCHOOL));
        assertNotEquals(stories.get(HOST_COUNCIL), stories.get(SCHOOL));
        List<Map<String, Object>> council = stories.get(PLACING);
        assertTrue(council.stream().anyMatch(e -> "referral".equals(e.get("kind"))), "the council received the referral");
        assertTrue(council.stream().anyMatch(e -> "trigger-plan".equals(e.get("kind"))), "the council keeps the trigger plan");
        assertTrue(stories.get(SCHOOL).stream().noneMatch(e -> "trigger-plan".equals(e.get("kind"))), "the school does not");
        assertEquals(List.of("ACKNOWLEDGED", "ACCEPTED"), council.stream().filter(e -> "referral-response".equals(e.get("kind")))
                .map(e -> e.get("code")).toList());
        assertEquals(List.of("raised", "escalated"), council.stream().filter(e -> "disagreement".equals(e.get("kind")))
                .map(e -> e.get("code")).toList(), "the challenged council sees the challenge with its escalation");
        assertEquals(List.of("raised"), stories.get(HOST_COUNCIL).stream().filter(e -> "disagreement".equals(e.get("kind")))
                .map(e -> e.get("code")).toList(), "the host council sees only its own challenge");
        assertEquals(3, stories.get(MET).stream().filter(e -> "disagreement".equals(e.get("kind"))).count(),
                "the Met is party to both");
        assertTrue(stories.get(SCHOOL).stream().noneMatch(e -> "disagreement".equals(e.get("kind"))),
                "an agency party to neither never sees either, nor a trace of them");
        assertTrue(stories.get(SCHOOL).stream().noneMatch(e -> String.valueOf(e.get("code")).startsWith("disagreement")));
    }

    @Test
    void pagesFollowTheCursorWithoutGapsOrRepeatsAndFiltersNarrowIt() {
        List<Map<String, Object>> whole = story(PLACING, "", 200);
        assertTrue(whole.size() >= 8, whole.toString());
        assertEquals(whole, story(PLACING, "", 1));
        assertEquals(whole, story(PLACING, "", 3));
        // An entry written after the first page was read does not shift the rest.
        ExtractableResponse<Response> first = read(PLACING, "?limit=2");
        as(PLACING).body(Map.of("level", "HIGH", "rationale", "Missing again overnight.", "reviewBy",
                LocalDate.now().plusMonths(1).toString())).when().post("/api/v1/children/" + child + "/risk-assessments")
                .then().statusCode(201);
        List<Map<String, Object>> rest = story(PLACING, "?cursor=" + first.path("next"), 200);
        assertEquals(whole.subList(2, whole.size()), rest.subList(0, whole.size() - 2));
        assertEquals(List.of("risk-assessment", "shared-risk-change"), rest.subList(whole.size() - 2, rest.size()).stream()
                .map(e -> e.get("kind")).toList(), "the new assessment (and the shared level it changed) come last, once");
        whole = story(PLACING, "", 200);

        List<Map<String, Object>> risk = story(PLACING, "?kind=risk-assessment&kind=disagreement", 200);
        assertTrue(risk.stream().allMatch(e -> Set.of("risk-assessment", "disagreement").contains(e.get("kind"))));
        assertEquals(whole.stream().filter(e -> Set.of("risk-assessment", "disagreement").contains(e.get("kind"))).count(),
                risk.size());
        String middle = (String) whole.get(whole.size() / 2).get("at");
        List<Map<String, Object>> before = story(PLACING, "?to=" + middle, 200);
        List<Map<String, Object>> after = story(PLACING, "?from=" + middle, 200);
        assertTrue(before.stream().allMatch(e -> Instant.parse((String) e.get("at")).isBefore(Instant.parse(middle))));
        assertTrue(after.stream().noneMatch(e -> Instant.parse((String) e.get("at")).isBefore(Instant.parse(middle))));
        assertEquals(whole.size(), before.size() + after.size());
    }

    @Inject
    ChronologyResource resource;

    /** bench/run's chronology step gives pgbench the gateway's own statement: this keeps the file equal to it. */
    @Test
    void theBenchRunsTheGatewaysStatement() throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Path.of("..", "bench", "chronology", "chronology.sql");
        String expected = "-- Written by ChronologyTest from ChronologyResource#sql(): the statement one page of the chronology\n"
                + "-- runs ($1 the child and its merged child as uuid[], $2 from, $3 to, $4 kinds, $5-$7 cursor,\n"
                + "-- $8 batch size). Do not edit.\n" + resource.sql();
        if (!java.nio.file.Files.exists(file) || !java.nio.file.Files.readString(file).equals(expected)) {
            java.nio.file.Files.writeString(file, expected);
            throw new AssertionError("bench/chronology/chronology.sql was out of date and has been rewritten: commit it");
        }
    }

    /**
     * A strategy discussion is released to its convener and invitees only: the host police hold confirmed
     * standing with the child (the placement named them) but were not invited, so their chronology has
     * none of it, neither the entries nor the categories shared, and the discussion's read answers them
     * like a random id.
     */
    @Test
    void aStrategyDiscussionIsInTheStoryOfTheInvitedOnlyNotOfAnAgencyWithStandingThatWasNotInvited() {
        assertEquals(1, Db.count("SELECT count(*) FROM relationship WHERE child_id = ? AND agency_id = ? AND standing = 'confirmed'",
                child, HOST_POLICE), "the host police hold real, confirmed standing");
        String discussion = as(PLACING).body(Map.of("childId", child, "heldAt", Instant.now().toString(),
                        "summary", "Repeated missing; seen near the station.", "invitees", List.of(MET),
                        "informationShared", List.of("missing", "police-intelligence"), "exploitation", true))
                .when().post("/api/v1/strategy-discussions").then().statusCode(201).extract().path("id");
        as(PLACING).body(Map.of("ownerAgency", MET, "description", "Map her associates.",
                        "dueOn", LocalDate.now().plusDays(7).toString()))
                .when().post("/api/v1/strategy-discussions/" + discussion + "/actions").then().statusCode(201);
        String kinds = "?kind=strategy-discussion&kind=strategy-decision&kind=strategy-action&kind=strategy-action-overdue";
        for (String invited : List.of(PLACING, MET)) {
            assertEquals(List.of("strategy-discussion", "strategy-action"), story(invited, kinds, 200).stream()
                    .filter(e -> discussion.equals(e.get("recordId"))).map(e -> e.get("kind")).toList(), invited);
        }
        List<Map<String, Object>> hostPolice = story(HOST_POLICE, "", 200);
        assertFalse(hostPolice.isEmpty(), "the host police read the rest of the child's story");
        assertTrue(hostPolice.stream().noneMatch(e -> String.valueOf(e.get("kind")).startsWith("strategy")), hostPolice.toString());
        String body = read(HOST_POLICE, "?limit=200").asString();
        assertFalse(body.contains(discussion) || body.contains("police-intelligence"), body);
        ExtractableResponse<Response> real = as(HOST_POLICE).when().get("/api/v1/strategy-discussions/" + discussion).then().extract();
        ExtractableResponse<Response> random = as(HOST_POLICE).when().get("/api/v1/strategy-discussions/" + UUID.randomUUID())
                .then().extract();
        assertEquals(404, real.statusCode());
        assertEquals(Api.shape(random), Api.shape(real));
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() {
        for (String[] bad : List.of(new String[] {"?from=yesterday", "from"}, new String[] {"?to=2026-13-01", "to"},
                new String[] {"?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"}, new String[] {"?kind=gossip", "kind"},
                new String[] {"?limit=0", "limit"}, new String[] {"?limit=201", "limit"}, new String[] {"?limit=ten", "limit"},
                new String[] {"?cursor=not-a-cursor", "cursor"})) {
            read(PLACING, bad[0]).response().then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", contains(bad[1]));
        }
        as(PLACING).header("Purpose-Of-Use", "").when().get("/api/v1/children/" + child + "/chronology").then().statusCode(400);
    }

    @Test
    void aChildTheReaderHasNoStandingWithAnswersLikeAnUnknownChild() {
        ExtractableResponse<Response> hidden = read(OTHER_PROVIDER, "");
        ExtractableResponse<Response> unknown = as(OTHER_PROVIDER).when()
                .get("/api/v1/children/" + UUID.randomUUID() + "/chronology").then().extract();
        assertEquals(404, hidden.statusCode());
        assertEquals(Api.shape(unknown), Api.shape(hidden));
        assertEquals(unknown.path("detail"), (Object) hidden.path("detail"));
    }

    @Test
    void aHiddenChildWithBadParametersAnswersLikeARandomIdNotLikeABadRequest() {
        // The child is authorised first: a 400 here would tell the caller that the real id passed the check.
        for (String bad : List.of("?cursor=!!!", "?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "?kind=gossip",
                "?limit=0")) {
            ExtractableResponse<Response> hidden = read(OTHER_PROVIDER, bad);
            ExtractableResponse<Response> unknown = as(OTHER_PROVIDER).when()
                    .get("/api/v1/children/" + UUID.randomUUID() + "/chronology" + bad).then().extract();
            assertEquals(404, hidden.statusCode(), bad + ": " + hidden.asString());
            assertEquals(404, unknown.statusCode(), bad + ": " + unknown.asString());
            assertEquals(Api.shape(unknown), Api.shape(hidden), bad);
        }
    }

    @Test
    void everyReadIsAuditedWithTheOwnersOfWhatItReleased() {
        long before = Db.count("SELECT count(*) FROM audit_event WHERE action = 'child.chronology' AND child_id = ? AND actor_agency = ?",
                child, PLACING);
        read(PLACING, "?kind=risk-assessment").response().then().statusCode(200);
        List<Map<String, Object>> rows = Db.query("""
                SELECT decision, outcome, purpose, data_owners::text AS owners FROM audit_event
                WHERE action = 'child.chronology' AND child_id = ? AND actor_agency = ? ORDER BY recorded_at DESC LIMIT 1""",
                child, PLACING);
        assertEquals(before + 1, Db.count("SELECT count(*) FROM audit_event WHERE action = 'child.chronology' AND child_id = ? "
                + "AND actor_agency = ?", child, PLACING));
        assertEquals("PERMIT", rows.get(0).get("decision"));
        assertEquals(200, ((Number) rows.get(0).get("outcome")).intValue());
        assertTrue(String.valueOf(rows.get(0).get("owners")).contains(MET), rows.toString());
        // A read that releases only the reader's own records names no other owner.
        read(PLACING, "?kind=consent").response().then().statusCode(200).body("entries", org.hamcrest.Matchers.empty());
        Object owners = Db.query("""
                SELECT data_owners::text AS owners FROM audit_event WHERE action = 'child.chronology' AND child_id = ?
                  AND actor_agency = ? ORDER BY recorded_at DESC LIMIT 1""", child, PLACING).get(0).get("owners");
        assertFalse(String.valueOf(owners).contains(MET), String.valueOf(owners));
    }
}
