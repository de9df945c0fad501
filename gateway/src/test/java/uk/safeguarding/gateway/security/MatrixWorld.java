package uk.safeguarding.gateway.security;

import static uk.safeguarding.gateway.support.Api.as;
import static uk.safeguarding.gateway.support.Api.practitioner;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.Db;

/**
 * Real records of other agencies for the authorisation matrix: one child, placed by Tower Hamlets
 * (which is also its host council here, so Lancashire County Council starts with no relationship),
 * referred by the Met, reported missing by its provider, assessed and consented about by the MASH; then
 * Lancashire claims to be its placing authority, an unconfirmed claim made after every record above.
 */
final class MatrixWorld {

    static final String HOME = "la:E09000030";
    static final String CLAIMANT = "la:E10000017";
    static final String MET = "police:met";
    static final String PROVIDER = "provider:SC123456";

    final String nhs = Fixtures.nhsNumber();
    final Map<String, String> ids = new LinkedHashMap<>();

    private static MatrixWorld world;

    static synchronized MatrixWorld get() {
        if (world == null) {
            MatrixWorld built = new MatrixWorld();
            built.build();
            world = built;
        }
        return world;
    }

    String id(String name) {
        String id = ids.get(name);
        if (id == null) {
            throw new IllegalStateException("The matrix world has no " + name);
        }
        return id;
    }

    private void build() {
        Map<String, Object> placement = new LinkedHashMap<>(Api.placement(Api.NHS, nhs));
        placement.put("provider", PROVIDER);
        placement.put("hostCouncil", HOME);
        placement.put("homePolice", MET);
        placement.put("homeHealth", "nhs:RQX");
        placement.put("school", "school:100000");
        placement.put("rhiService", HOME);
        var planned = practitioner(HOME, "CARE-PLANNING").body(placement).when().post("/api/v1/placements").then()
                .statusCode(201).extract();
        String child = planned.path("childId");
        ids.put("childId", child);
        ids.put("placement", planned.path("resourceId"));
        ids.put("caseEvent", planned.path("eventId"));
        ids.put("referral", practitioner(MET, "SAFEGUARDING").body(Api.policeReferral(Api.NHS, nhs))
                .when().post("/api/v1/referrals").then().statusCode(201).extract().path("id"));
        practitioner(HOME, "CARE-PLANNING").body(Map.of("phones", List.of("07700 900456")))
                .when().put("/api/v1/children/" + child + "/philomena").then().statusCode(201);
        practitioner(HOME, "CARE-PLANNING").body(AuthorisationMatrixTest.TRIGGER_PLAN)
                .when().post("/api/v1/children/" + child + "/trigger-plan/versions").then().statusCode(201);
        ids.put("episode", as(PROVIDER, "staff-matrix", "MISSING-RESPONSE", "provider")
                .body(Map.of("circumstances", "Did not come back from school"))
                .when().post("/api/v1/children/" + child + "/missing-episodes").then().statusCode(201).extract().path("id"));
        String high = practitioner(HOME, "SAFEGUARDING").body(Map.of("level", "HIGH", "rationale", "Two adults named by the police.", "reviewBy", java.time.LocalDate.now().plusMonths(6).toString()))
                .when().post("/api/v1/children/" + child + "/risk-assessments").then().statusCode(201).extract().path("id");
        // The Met, involved as the home police, formally challenges the MASH's assessment.
        ids.put("challenge", practitioner(MET, "SAFEGUARDING").body(Map.of("decision", Map.of("type", "risk-assessment",
                        "id", high), "grounds", "Our intelligence was not considered."))
                .when().post("/api/v1/challenges").then().statusCode(201).extract().path("id"));
        // The council convenes a strategy discussion with the Met invited, and gives the Met an action.
        String discussion = practitioner(HOME, "SAFEGUARDING").body(Map.of("childId", child, "heldAt", "2030-01-01T10:00:00Z",
                        "summary", "Missing three times this month.", "invitees", java.util.List.of(MET),
                        "informationShared", java.util.List.of("missing"), "exploitation", true))
                .when().post("/api/v1/strategy-discussions").then().statusCode(201).extract().path("id");
        ids.put("strategyDiscussion", discussion);
        // The council proposes that another child referred to it is the same child: an identity match.
        String twin = Fixtures.nhsNumber();
        practitioner(MET, "SAFEGUARDING").body(Api.policeReferral(Api.NHS, twin)).when().post("/api/v1/referrals").then()
                .statusCode(201);
        // Described alike (a shared matching key), as an agency's proposal requires.
        byte[] key = UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (String c : List.of(child, Db.query("SELECT child_id FROM child_identifier WHERE system = ? AND value = ?", Api.NHS, twin)
                .get(0).get("child_id").toString())) {
            update("INSERT INTO child_match_key (child_id, kind, key_hash) VALUES (?::uuid, 'family-dob', ?)", c, key);
        }
        ids.put("identityMatch", practitioner(HOME, "SAFEGUARDING").body(Map.of("childId", child, "otherIdentifier",
                        Map.of("system", Api.NHS, "value", twin))).when().post("/api/v1/identity-matches").then()
                .statusCode(201).extract().path("id"));
        practitioner(HOME, "SAFEGUARDING").body(Map.of("ownerAgency", MET, "description", "Map the friendship group.",
                        "dueOn", "2030-01-08"))
                .when().post("/api/v1/strategy-discussions/" + discussion + "/actions").then().statusCode(201);
        ids.put("downgrade", as(HOME, "sw-matrix", "SAFEGUARDING", "practitioner")
                .body(Map.of("level", "LOW", "rationale", "Engaged with the CSE worker every week for three months, no missing episodes.", "reviewBy", java.time.LocalDate.now().plusMonths(6).toString()))
                .when().post("/api/v1/children/" + child + "/risk-assessments").then().statusCode(201).extract().path("id"));
        ids.put("consent", practitioner(HOME, "SAFEGUARDING").body("""
                {"child": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "%s"},
                 "consentedBy": {"type": "child", "basis": "gillick-competent"},
                 "provisions": [{"type": "deny", "categories": ["health"], "recipientAgencyTypes": ["police"], "purposes": ["SAFEGUARDING"]}],
                 "period": {"start": "2020-01-01T00:00:00Z"}}""".formatted(nhs))
                .when().post("/api/v1/consents").then().statusCode(201).extract().path("id"));
        ids.put("consentOverride", practitioner(MET, "SAFEGUARDING").body("{\"categories\":[\"health\"],\"justification\":"
                        + "\"Asking her mother would alert the adult exploiting her; the clinic dates are needed today.\","
                        + "\"lawfulBasis\":\"dpa-sch8-p4\"}")
                .when().post("/api/v1/children/" + child + "/consent-overrides").then().statusCode(201).extract().path("id"));
        ids.put("standingOverride", practitioner(HOME, "SAFEGUARDING").body(Map.of("scope", "relationship",
                        "justification", "Checking the emergency path is the same for every agency that asks."))
                .when().post("/api/v1/children/" + child + "/standing-overrides").then().statusCode(201).extract().path("id"));
        ids.put("alert", one("SELECT id FROM alert WHERE child_id = ? AND recipient_agency = 'police:lancashire'", child));
        ids.put("anomaly", anomalyOfHome(child));
        ids.put("deadLetter", deadLetterOfHome(child));
        // Lancashire, unrelated until now, claims to be the placing authority: everything above is older.
        Map<String, Object> claim = new LinkedHashMap<>(Api.placement(Api.NHS, nhs));
        claim.put("provider", PROVIDER);
        practitioner(CLAIMANT, "CARE-PLANNING").body(claim).when().post("/api/v1/placements").then().statusCode(201);
        ids.put("claim", one("SELECT id FROM relationship_claim WHERE child_id = ?", child));
    }

    private static String one(String sql, String childId) {
        return Db.query(sql + " LIMIT 1", UUID.fromString(childId)).get(0).get("id").toString();
    }

    /** A flag only Tower Hamlets' DPO may see. */
    private static String anomalyOfHome(String child) {
        UUID id = UUID.randomUUID();
        update("""
                INSERT INTO audit_anomaly (id, kind, dedupe_key, actor_agency, actor_subject, child_id, window_start, window_end,
                    event_count, first_event_id, last_event_at, summary, agencies)
                VALUES (?, 'OUT_OF_HOURS', ?, 'la:E09000030', 'sw-matrix', ?::uuid, now(), now(), 1, ?, now(), 'matrix', ARRAY['la:E09000030'])
                """, id, "matrix|" + id, child, UUID.randomUUID());
        return id.toString();
    }

    /** A dead letter addressed to Tower Hamlets. */
    private static String deadLetterOfHome(String child) {
        UUID id = UUID.randomUUID();
        update("""
                INSERT INTO alert (id, recipient_agency, event, child_id, payload, status, dead_at, last_error)
                VALUES (?, 'la:E09000030', 'placement-planned', ?::uuid, '{}', 'DEAD', now(), 'HTTP 500')
                """, id, child);
        return id.toString();
    }

    private static void update(String sql, Object... params) {
        try {
            Db.update(sql, params);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static LocalDate soon() {
        return LocalDate.now().plusDays(3);
    }
}
