package uk.safeguarding.gateway.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import uk.safeguarding.gateway.alert.AlertFixtures;
import uk.safeguarding.gateway.consent.ConsentFixtures;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.Routes;
import uk.safeguarding.gateway.support.Routes.Route;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * The object-level authorisation matrix (OWASP API1), generated from the routes the running gateway
 * publishes: for every route that takes an id and every verb, an agency with a valid token, every
 * practitioner role and a proper purpose, but no relationship with the records of the agencies that
 * created them, is refused (404, or 403 for a role the route requires) and the refusal is audited.
 * A route added without a probe here fails the test, so a new route cannot be missed.
 */
@QuarkusTest
class AuthorisationMatrixTest {

    /** Agency B: a signatory with no relationship with any record the world below creates. */
    private static final String OUTSIDER = "provider:SC654321";

    /** Records created by other agencies, by the path parameter they fill. */
    record World(UUID childId, String referralId, String placementId, String episodeId, String riskId, String alertId,
            String caseEventId) {
    }

    private static World world;

    /** Per route: which record's id goes into the path (and the purpose, when not SAFEGUARDING). */
    private static final Map<String, Function<World, String>> PROBES = Map.ofEntries(
            Map.entry("GET /api/v1/referrals/{id}", World::referralId),
            Map.entry("POST /api/v1/referrals/{id}/acknowledge", World::referralId),
            Map.entry("POST /api/v1/referrals/{id}/accept", World::referralId),
            Map.entry("POST /api/v1/referrals/{id}/decline", World::referralId),
            Map.entry("GET /fhir/ServiceRequest/{id}", World::referralId),
            Map.entry("GET /api/v1/children/{childId}/involvement", w -> w.childId().toString()),
            Map.entry("POST /api/v1/children/{childId}/returns", w -> w.childId().toString()),
            Map.entry("POST /api/v1/children/{childId}/missing-episodes", w -> w.childId().toString()),
            Map.entry("GET /api/v1/children/{childId}/philomena", w -> w.childId().toString()),
            Map.entry("PUT /api/v1/children/{childId}/philomena", w -> w.childId().toString()),
            Map.entry("GET /api/v1/children/{childId}/risk-assessments", w -> w.childId().toString()),
            Map.entry("POST /api/v1/children/{childId}/risk-assessments", w -> w.childId().toString()),
            Map.entry("POST /api/v1/risk-assessments/{id}/approval", World::riskId),
            Map.entry("POST /api/v1/placements/{id}/start", World::placementId),
            Map.entry("POST /api/v1/placements/{id}/end", World::placementId),
            Map.entry("POST /api/v1/placements/{id}/move", World::placementId),
            Map.entry("POST /api/v1/missing-episodes/{id}/found", World::episodeId),
            Map.entry("POST /api/v1/missing-episodes/{id}/return-interview", World::episodeId),
            Map.entry("GET /api/v1/case-events/{id}", World::caseEventId),
            Map.entry("GET /api/v1/alerts/{id}", World::alertId),
            Map.entry("POST /api/v1/alerts/{id}/acknowledge", World::alertId),
            Map.entry("GET /api/v1/audit/children/{childId}/disclosures", w -> w.childId().toString()),
            Map.entry("POST /api/v1/audit/anomalies/{id}/resolve", w -> UUID.randomUUID().toString()),
            // Admin-only routes: the outsider lacks the role, whatever the id.
            Map.entry("POST /api/v1/admin/subscriptions/{id}/secrets", w -> UUID.randomUUID().toString()),
            Map.entry("POST /api/v1/admin/subscriptions/{id}/secrets/retire-previous", w -> UUID.randomUUID().toString()),
            Map.entry("DELETE /api/v1/admin/subscriptions/{id}", w -> UUID.randomUUID().toString()),
            Map.entry("POST /api/v1/admin/dead-letters/{id}/requeue", w -> UUID.randomUUID().toString()),
            // Consent (issue 6): records made by the MASH and police:met about a child the outsider never met.
            Map.entry("GET /api/v1/consents/{id}", w -> ConsentFixtures.world().get("consent")),
            Map.entry("POST /api/v1/consents/{id}/withdrawal", w -> ConsentFixtures.world().get("consent")),
            Map.entry("GET /fhir/Consent/{id}", w -> ConsentFixtures.world().get("consent")),
            // {operation} is filled with the same id, so this probe only shows an unknown operation is refused and
            // audited; POST /api/v1/consents/{id}/withdrawal probes the same service with a real id.
            Map.entry("POST /fhir/Consent/{id}/{operation}", w -> ConsentFixtures.world().get("consent")),
            Map.entry("POST /api/v1/children/{childId}/consent-overrides", w -> ConsentFixtures.world().get("childId")),
            Map.entry("GET /api/v1/consent-overrides/{id}", w -> ConsentFixtures.world().get("override")),
            Map.entry("POST /api/v1/consent-overrides/{id}/approval", w -> ConsentFixtures.world().get("override")),
            Map.entry("POST /api/v1/audit/consent-overrides/{id}/review", w -> ConsentFixtures.world().get("override")),
            Map.entry("GET /api/v1/audit/consents/{id}/disclosures", w -> ConsentFixtures.world().get("consent")),
            Map.entry("GET /api/v1/admin/signatories/{agencyId}", w -> "la:E09000030"),
            Map.entry("POST /api/v1/admin/signatories/{agencyId}/client-secret", w -> "la:E09000030"),
            Map.entry("POST /api/v1/admin/signatories/{agencyId}/webhook-secret", w -> "la:E09000030"),
            Map.entry("POST /api/v1/admin/signatories/{agencyId}/webhook-secret/retire-previous", w -> "la:E09000030"),
            Map.entry("POST /api/v1/admin/signatories/{agencyId}/suspend", w -> "la:E09000030"),
            Map.entry("POST /api/v1/admin/signatories/{agencyId}/revoke", w -> "la:E09000030"),
            Map.entry("POST /api/v1/admin/signatories/{agencyId}/reinstate", w -> "la:E09000030"),
            // $validate on a referral the outsider has real content for: an unknown operation name is 404.
            Map.entry("POST /fhir/ServiceRequest/{operation}", World::referralId),
            Map.entry("POST /fhir/Bundle/{operation}", World::referralId),
            // Public conformance resources (docs/SECURITY.md section 8): an unknown id is 404 for everyone.
            Map.entry("GET /fhir/StructureDefinition/{id}", w -> "no-such-profile"),
            Map.entry("GET /fhir/CodeSystem/{id}", w -> "no-such-code-system"),
            Map.entry("GET /fhir/ValueSet/{id}", w -> "no-such-value-set"),
            Map.entry("GET /fhir/ImplementationGuide/{id}", w -> "no-such-guide"));

    /** Routes that need no token (docs/SECURITY.md sections 2 and 8): they disclose nothing about a child. */
    private static final java.util.Set<String> PUBLIC = java.util.Set.of("/fhir/metadata", "/fhir/package.tgz",
            "/fhir/StructureDefinition", "/fhir/StructureDefinition/{id}", "/fhir/CodeSystem", "/fhir/CodeSystem/{id}",
            "/fhir/ValueSet", "/fhir/ValueSet/{id}", "/fhir/ImplementationGuide/{id}");

    private static synchronized World world() {
        if (world != null) {
            return world;
        }
        UUID childId = AlertFixtures.placedChild();
        given().auth().oauth2(AlertFixtures.provider("provider:SC123456")).header(PurposeOfUse.HEADER, "MISSING-RESPONSE")
                .contentType(ContentType.JSON).body(Map.of("circumstances", "did not return", "lastSeenLocation", "town centre"))
                .when().post("/api/v1/children/" + childId + "/missing-episodes").then().statusCode(201);
        String referralId = given().auth().oauth2(TestTokens.police()).header(PurposeOfUse.HEADER, "SAFEGUARDING")
                .contentType(ContentType.JSON).body(Fixtures.load("police-cse.json", Fixtures.nhsNumber()))
                .when().post("/api/v1/referrals").then().statusCode(201).extract().path("id");
        world = new World(childId, referralId,
                one("SELECT id FROM placement WHERE child_id = ?", childId),
                one("SELECT id FROM missing_episode WHERE child_id = ?", childId),
                Db.query("SELECT id FROM risk_assessment WHERE child_id = ?", childId).stream().findFirst()
                        .map(r -> r.get("id").toString()).orElse(UUID.randomUUID().toString()),
                one("SELECT id FROM alert WHERE child_id = ?", childId),
                one("SELECT id FROM case_event WHERE child_id = ?", childId));
        return world;
    }

    private static String one(String sql, Object param) {
        return Db.query(sql + " LIMIT 1", param).get(0).get("id").toString();
    }

    /** A body valid in form, so the refusal comes from authorisation, not from validation. */
    private static final Map<String, String> BODIES = Map.of(
            "POST /api/v1/referrals/{id}/decline", "{\"reason\":\"Not for this service: the child lives elsewhere\"}",
            "POST /api/v1/audit/anomalies/{id}/resolve", "{\"note\":\"Reviewed: expected access\"}",
            "PUT /api/v1/children/{childId}/philomena", "{\"profile\":{\"phones\":[\"07700 900000\"]}}",
            "POST /api/v1/children/{childId}/returns", "{\"arrival\":\"2030-01-01T09:00:00Z\",\"homeSchool\":\"school:100000\",\"homePolice\":\"police:met\",\"homeHealth\":\"nhs:RQX\"}",
            "POST /api/v1/children/{childId}/risk-assessments", "{\"level\":\"HIGH\",\"rationale\":\"New intelligence about an adult associate\"}",
            "POST /api/v1/children/{childId}/consent-overrides", ConsentFixtures.overrideBody(),
            "POST /api/v1/audit/consent-overrides/{id}/review", "{\"note\":\"Reviewed: justified\"}");

    private static String purposeFor(Route route) {
        return route.path().startsWith("/api/v1/audit") ? "DPO-REVIEW"
                : route.path().contains("missing") || route.path().contains("philomena") ? "MISSING-RESPONSE" : "SAFEGUARDING";
    }

    @TestFactory
    Stream<DynamicTest> anAgencyWithoutARelationshipIsRefusedOnEveryIdRoute() {
        List<Route> idRoutes = Routes.all().stream().filter(Route::takesId).toList();
        assertFalse(idRoutes.isEmpty(), "the OpenAPI document lists no id-taking routes");
        String token = TestTokens.forAgency(OUTSIDER).roles("practitioner", "supervisor", "provider", "dpo").sign();
        return idRoutes.stream().map(route -> DynamicTest.dynamicTest(route.key(), () -> {
            Function<World, String> probe = PROBES.get(route.key());
            assertNotNull(probe, route.key() + " takes an id but has no authorisation probe in AuthorisationMatrixTest.PROBES");
            String id = probe.apply(world());
            String path = route.withIds(id);
            String requestId = "bola-" + UUID.randomUUID();
            var request = given().auth().oauth2(token).header(PurposeOfUse.HEADER, purposeFor(route))
                    .header(RequestContext.REQUEST_ID_HEADER, requestId);
            if (!route.method().equals("GET") && !route.method().equals("DELETE")) {
                request = request.contentType(ContentType.JSON).body(BODIES.getOrDefault(route.key(), "{}"));
            }
            int status = request.when().request(route.method(), path).then().extract().statusCode();
            assertTrue(status == 404 || status == 403, route.key() + " answered " + status + " to an unrelated agency");
            Awaitility.await().untilAsserted(() -> assertEquals(1,
                    Db.count("SELECT count(*) FROM audit_event WHERE request_id = ? AND outcome = ? AND decision <> 'PERMIT'",
                            requestId, status), route.key() + ": the refusal is not in the audit trail"));
        }));
    }

    @Test
    void everyProbeStillHasItsRoute() {
        List<String> keys = Routes.all().stream().map(Route::key).toList();
        assertEquals(List.of(), PROBES.keySet().stream().filter(k -> !keys.contains(k)).sorted().toList(),
                "probes for routes that no longer exist");
    }

    @TestFactory
    Stream<DynamicTest> everyRouteRefusesACallerWithoutAToken() {
        return Routes.all().stream().filter(r -> !PUBLIC.contains(r.path()))
                .map(route -> DynamicTest.dynamicTest(route.key(), () -> {
                    var request = given().header(PurposeOfUse.HEADER, "SAFEGUARDING");
                    if (!route.method().equals("GET") && !route.method().equals("DELETE")) {
                        request = request.contentType(ContentType.JSON).body("{}");
                    }
                    int status = request.when().request(route.method(), route.withIds(UUID.randomUUID().toString()))
                            .then().extract().statusCode();
                    assertEquals(401, status, route.key());
                }));
    }
}
