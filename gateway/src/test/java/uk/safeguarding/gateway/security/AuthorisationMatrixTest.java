package uk.safeguarding.gateway.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uk.safeguarding.gateway.support.Api.shape;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import uk.safeguarding.gateway.referral.Fixtures;
import uk.safeguarding.gateway.support.Api;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.Routes;
import uk.safeguarding.gateway.support.Routes.Route;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * The object-level authorisation matrix (OWASP API1), generated from the routes the running gateway
 * publishes, so a route added without a probe fails the build. Access is decided before state: for
 * every route that takes an id, every declared verb and every other verb, a real id of another
 * agency's record answers exactly like a random id (status, content type, problem code, body keys),
 * both to an agency with no relationship and to an agency "related otherwise" (Lancashire, holding
 * only an unconfirmed claim made after every record in {@link MatrixWorld}); refusals are audited.
 * Routes that name a child or an agency in the query string answer a real value as a random one.
 */
@QuarkusTest
class AuthorisationMatrixTest {

    /** A signatory with no relationship with any record of the world. */
    static final String OUTSIDER = "provider:SC654321";
    static final String[] ROLES = {"practitioner", "supervisor", "provider", "dpo"};

    /** Per route: which record's id goes into the path. */
    static final Map<String, Function<MatrixWorld, String>> PROBES = new LinkedHashMap<>();

    static {
        probe(w -> w.id("referral"), "GET /api/v1/referrals/{id}", "POST /api/v1/referrals/{id}/acknowledge",
                "POST /api/v1/referrals/{id}/accept", "POST /api/v1/referrals/{id}/decline", "GET /fhir/ServiceRequest/{id}");
        probe(w -> w.id("childId"), "GET /api/v1/children/{childId}/involvement",
                "GET /api/v1/children/{childId}/chronology", "POST /api/v1/children/{childId}/returns",
                "POST /api/v1/children/{childId}/missing-episodes", "GET /api/v1/children/{childId}/philomena",
                "PUT /api/v1/children/{childId}/philomena", "GET /api/v1/children/{childId}/risk-assessments",
                "POST /api/v1/children/{childId}/risk-assessments", "POST /api/v1/children/{childId}/consent-overrides",
                "POST /api/v1/children/{childId}/standing-overrides", "GET /api/v1/audit/children/{childId}/disclosures",
                "GET /api/v1/children/{childId}/trigger-plan", "GET /api/v1/children/{childId}/trigger-plan/versions",
                "POST /api/v1/children/{childId}/trigger-plan/versions",
                "POST /api/v1/children/{childId}/domestic-abuse-incidents", "POST /api/v1/children/{childId}/cse-concerns",
                "POST /api/v1/children/{childId}/allocated-worker", "POST /api/v1/children/{childId}/absence-notifications");
        probe(w -> w.id("downgrade"), "POST /api/v1/risk-assessments/{id}/approval",
                "POST /api/v1/risk-assessments/{id}/agreement");
        probe(w -> w.id("challenge"), "GET /api/v1/challenges/{id}", "POST /api/v1/challenges/{id}/response",
                "POST /api/v1/challenges/{id}/escalation", "POST /api/v1/challenges/{id}/resolution");
        probe(w -> w.id("strategyDiscussion"), "GET /api/v1/strategy-discussions/{id}",
                "POST /api/v1/strategy-discussions/{id}/attendance", "POST /api/v1/strategy-discussions/{id}/decision",
                "POST /api/v1/strategy-discussions/{id}/actions",
                "POST /api/v1/strategy-discussions/{id}/actions/{actionId}/status");
        probe(w -> w.id("identityMatch"), "POST /api/v1/identity-matches/{id}/confirm",
                "POST /api/v1/identity-matches/{id}/refuse", "POST /api/v1/identity-matches/{id}/unmerge");
        probe(w -> w.id("placement"), "POST /api/v1/placements/{id}/start", "POST /api/v1/placements/{id}/end",
                "POST /api/v1/placements/{id}/move");
        probe(w -> w.id("episode"), "POST /api/v1/missing-episodes/{id}/found",
                "POST /api/v1/missing-episodes/{id}/return-interview", "GET /api/v1/missing-episodes/{id}/return-interview",
                "POST /api/v1/missing-episodes/{id}/confirmation");
        probe(w -> w.id("caseEvent"), "GET /api/v1/case-events/{id}");
        probe(w -> w.id("alert"), "GET /api/v1/alerts/{id}", "POST /api/v1/alerts/{id}/acknowledge");
        probe(w -> w.id("anomaly"), "POST /api/v1/audit/anomalies/{id}/resolve");
        probe(w -> w.id("deadLetter"), "POST /api/v1/admin/dead-letters/{id}/requeue");
        probe(w -> w.id("consent"), "GET /api/v1/consents/{id}", "POST /api/v1/consents/{id}/withdrawal",
                "POST /api/v1/consents/{id}/approval", "GET /fhir/Consent/{id}", "GET /api/v1/audit/consents/{id}/disclosures",
                // {operation} gets the same id: an unknown operation, refused and audited like any other.
                "POST /fhir/Consent/{id}/{operation}");
        probe(w -> w.id("consentOverride"), "GET /api/v1/consent-overrides/{id}", "POST /api/v1/consent-overrides/{id}/approval",
                "POST /api/v1/audit/consent-overrides/{id}/review");
        probe(w -> w.id("claim"), "GET /api/v1/relationship-claims/{id}", "POST /api/v1/relationship-claims/{id}/confirmation",
                "POST /api/v1/relationship-claims/{id}/refusal");
        probe(w -> w.id("standingOverride"), "GET /api/v1/standing-overrides/{id}", "POST /api/v1/standing-overrides/{id}/approval");
        // $validate takes its operation name as a path parameter: a real referral's id there is an unknown operation.
        probe(w -> w.id("referral"), "POST /fhir/ServiceRequest/{operation}", "POST /fhir/Bundle/{operation}");
        // The published profiles are the same for every caller with a token: no record of any agency behind them.
        probe(w -> "no-such-resource", "GET /fhir/StructureDefinition/{id}", "GET /fhir/CodeSystem/{id}",
                "GET /fhir/ValueSet/{id}", "GET /fhir/ImplementationGuide/{id}");
        // Administrators' routes: the role decides before any id is looked at.
        probe(w -> UUID.randomUUID().toString(), "POST /api/v1/admin/subscriptions/{id}/secrets",
                "POST /api/v1/admin/subscriptions/{id}/secrets/retire-previous", "DELETE /api/v1/admin/subscriptions/{id}");
        probe(w -> MatrixWorld.HOME, "GET /api/v1/admin/signatories/{agencyId}", "POST /api/v1/admin/signatories/{agencyId}/client-secret",
                "POST /api/v1/admin/signatories/{agencyId}/webhook-secret",
                "POST /api/v1/admin/signatories/{agencyId}/webhook-secret/retire-previous",
                "POST /api/v1/admin/signatories/{agencyId}/suspend", "POST /api/v1/admin/signatories/{agencyId}/revoke",
                "POST /api/v1/admin/signatories/{agencyId}/reinstate");
    }

    /**
     * Routes the claimant legitimately answers differently from a stranger: any agency holding a
     * relationship may ask for the emergency path, whether its standing is asserted or confirmed, so
     * asking tells it nothing (StandingOverrideResource).
     */
    static final Set<String> CLAIMANT_MAY_ASK = Set.of("POST /api/v1/children/{childId}/standing-overrides",
            // A DPO's scope follows whose staff acted and whose information went out, not relationships: the
            // claimant's DPO sees its own staff's claim in the child's report, and nothing older (DpoScope tests).
            "GET /api/v1/audit/children/{childId}/disclosures", "GET /api/v1/audit/disclosures");

    /** Query parameters that name a child, an agency or a person, per route: a real value, then a random one. */
    static final Map<String, Function<MatrixWorld, List<Map<String, String>>>> QUERY_PROBES = new LinkedHashMap<>();

    static {
        Function<MatrixWorld, List<Map<String, String>>> child = w -> List.of(
                Map.of("child", Api.NHS + "|" + w.nhs), Map.of("child", Api.NHS + "|" + Fixtures.nhsNumber()));
        QUERY_PROBES.put("GET /api/v1/consents", child);
        QUERY_PROBES.put("GET /api/v1/audit/disclosures", child);
        QUERY_PROBES.put("GET /fhir/ServiceRequest", w -> List.of(Map.of("subject.identifier", Api.NHS + "|" + w.nhs),
                Map.of("subject.identifier", Api.NHS + "|" + Fixtures.nhsNumber())));
        QUERY_PROBES.put("GET /fhir/Consent", w -> List.of(Map.of("patient.identifier", Api.NHS + "|" + w.nhs),
                Map.of("patient.identifier", Api.NHS + "|" + Fixtures.nhsNumber())));
        for (String audit : List.of("GET /api/v1/audit/events", "GET /api/v1/audit/export")) {
            QUERY_PROBES.put(audit, w -> List.of(Map.of("child", Api.NHS + "|" + w.nhs, "agency", MatrixWorld.HOME,
                    "childId", "", "user", "sw-matrix"), Map.of("child", Api.NHS + "|" + Fixtures.nhsNumber(),
                    "agency", "la:E00000001", "childId", "", "user", "nobody-" + UUID.randomUUID())));
        }
        QUERY_PROBES.put("GET /api/v1/audit/anomalies", w -> List.of(Map.of("user", "sw-matrix"),
                Map.of("user", "nobody-" + UUID.randomUUID())));
    }

    static final Set<String> IDENTIFYING = Set.of("child", "childId", "agency", "user", "subject.identifier",
            "subject:Patient.identifier", "patient.identifier", "patient", "subject");

    private static void probe(Function<MatrixWorld, String> id, String... routes) {
        for (String r : routes) {
            PROBES.put(r, id);
        }
    }

    /** A trigger plan valid in form (the review date is far enough ahead for any run of the suite). */
    static final String TRIGGER_PLAN = "{\"reviewDate\":\"" + java.time.LocalDate.now().plusMonths(6)
            + "\",\"actions\":[{\"who\":\"provider\",\"what\":\"Search the home and garden\"}]}";

    /** A body valid in form, so the refusal comes from authorisation, not from validation. */
    static final Map<String, String> BODIES = Map.ofEntries(
            Map.entry("POST /api/v1/children/{childId}/trigger-plan/versions", TRIGGER_PLAN),
            Map.entry("POST /api/v1/referrals/{id}/decline", "{\"reason\":\"Not for this service: the child lives elsewhere\"}"),
            Map.entry("POST /api/v1/audit/anomalies/{id}/resolve", "{\"note\":\"Reviewed: expected access\"}"),
            Map.entry("PUT /api/v1/children/{childId}/philomena", "{\"profile\":{\"phones\":[\"07700 900000\"]}}"),
            Map.entry("POST /api/v1/children/{childId}/returns", "{\"arrival\":\"2030-01-01T09:00:00Z\",\"homeSchool\":\"school:100000\",\"homePolice\":\"police:met\"}"),
            Map.entry("POST /api/v1/children/{childId}/risk-assessments", "{\"level\":\"HIGH\",\"rationale\":\"New intelligence about an adult associate\",\"reviewBy\":\""
                    + java.time.LocalDate.now().plusMonths(6) + "\"}"),
            Map.entry("POST /api/v1/children/{childId}/consent-overrides", "{\"categories\":[\"health\"],\"justification\":\"Asking her mother would alert the adult exploiting her today.\",\"lawfulBasis\":\"dpa-sch8-p4\"}"),
            Map.entry("POST /api/v1/audit/consent-overrides/{id}/review", "{\"note\":\"Reviewed: justified\"}"),
            Map.entry("POST /api/v1/relationship-claims/{id}/refusal", "{\"reason\":\"Not the placing authority of this child\"}"),
            Map.entry("POST /api/v1/children/{childId}/standing-overrides", "{\"scope\":\"relationship\",\"justification\":\"The child is missing tonight and we need the record to find her\"}"),
            Map.entry("POST /api/v1/consents/{id}/withdrawal", "{\"onWordOf\":\"child\"}"),
            Map.entry("POST /api/v1/risk-assessments/{id}/agreement", "{\"agree\":true,\"rationale\":\"Strategy meeting agreed the plan works\"}"),
            Map.entry("POST /api/v1/strategy-discussions/{id}/attendance", "{\"attended\":[\"police:met\"]}"),
            Map.entry("POST /api/v1/strategy-discussions/{id}/decision", "{\"decision\":\"S47\"}"),
            Map.entry("POST /api/v1/strategy-discussions/{id}/actions", "{\"ownerAgency\":\"police:met\",\"description\":\"Visit the school\",\"dueOn\":\"2030-01-08\"}"),
            Map.entry("POST /api/v1/strategy-discussions/{id}/actions/{actionId}/status", "{\"status\":\"DONE\"}"),
            Map.entry("POST /api/v1/challenges/{id}/response", "{\"text\":\"The strategy meeting weighed it\"}"),
            Map.entry("POST /api/v1/challenges/{id}/escalation", "{\"text\":\"No answer by the deadline\"}"),
            Map.entry("POST /api/v1/challenges/{id}/resolution", "{\"result\":\"WITHDRAWN\",\"outcome\":\"Agreed at the meeting\"}"),
            Map.entry("POST /api/v1/children/{childId}/domestic-abuse-incidents", "{\"childPresent\":true,\"school\":\"school:100000\"}"),
            Map.entry("POST /api/v1/children/{childId}/absence-notifications", "{\"council\":\"la:E09000030\",\"continuousSchoolDays\":12}"),
            Map.entry("POST /api/v1/children/{childId}/allocated-worker", "{\"worker\":\"sw-matrix\"}"),
            Map.entry("POST /api/v1/children/{childId}/cse-concerns", "{\"summary\":\"Seen getting into a car with an adult man at night\"}"));

    static String purposeFor(String path) {
        return path.startsWith("/api/v1/audit") ? "DPO-REVIEW"
                : path.contains("missing") || path.contains("philomena") ? "MISSING-RESPONSE" : "SAFEGUARDING";
    }

    static RequestSpecification caller(String agency, String method, String key, String requestId) {
        var request = given().auth().oauth2(TestTokens.forAgency(agency).roles(ROLES).subject("matrix-" + agency).sign())
                .header("Purpose-Of-Use", purposeFor(key.substring(key.indexOf(' ') + 1)))
                .header("X-Request-Id", requestId);
        if (!method.equals("GET") && !method.equals("DELETE")) {
            request = request.contentType(ContentType.JSON).body(BODIES.getOrDefault(key, "{}"));
        }
        return request;
    }

    static ExtractableResponse<Response> call(String agency, String method, String key, String path, String requestId) {
        return caller(agency, method, key, requestId).when().request(method, path).then().extract();
    }

    @TestFactory
    Stream<DynamicTest> aRealIdOfAnotherAgencysRecordAnswersLikeARandomIdOnEveryIdRoute() {
        List<Route> idRoutes = Routes.all().stream().filter(Route::takesId).toList();
        assertFalse(idRoutes.isEmpty(), "the OpenAPI document lists no id-taking routes");
        return idRoutes.stream().map(route -> DynamicTest.dynamicTest(route.key(), () -> {
            Function<MatrixWorld, String> probe = PROBES.get(route.key());
            assertNotNull(probe, route.key() + " takes an id but has no probe in AuthorisationMatrixTest.PROBES");
            MatrixWorld world = MatrixWorld.get();
            String requestId = "bola-" + UUID.randomUUID();
            var real = call(OUTSIDER, route.method(), route.key(), route.withIds(probe.apply(world)), requestId);
            var random = call(OUTSIDER, route.method(), route.key(), route.withIds(UUID.randomUUID().toString()),
                    "bola-" + UUID.randomUUID());
            assertTrue(real.statusCode() == 404 || real.statusCode() == 403, route.key() + " answered " + real.statusCode());
            assertEquals(shape(random), shape(real), route.key() + ": a real id answers unlike a random one");
            if (!CLAIMANT_MAY_ASK.contains(route.key())) {
                var claimant = call(MatrixWorld.CLAIMANT, route.method(), route.key(), route.withIds(probe.apply(world)),
                        "bola-" + UUID.randomUUID());
                assertEquals(shape(real), shape(claimant), route.key() + ": an unconfirmed claim gets more than a stranger");
            }
            Awaitility.await().untilAsserted(() -> assertEquals(1,
                    Db.count("SELECT count(*) FROM audit_event WHERE request_id = ? AND outcome = ? AND decision <> 'PERMIT'",
                            requestId, real.statusCode()), route.key() + ": the refusal is not in the audit trail"));
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyOtherVerbOnAnIdPathAnswersAlikeForRealAndRandomIds() {
        Set<String> verbs = Set.of("GET", "POST", "PUT", "DELETE", "PATCH");
        return Routes.methodsByPath().entrySet().stream().filter(e -> e.getKey().contains("{"))
                .flatMap(e -> verbs.stream().filter(v -> !e.getValue().contains(v)).map(v -> Map.entry(e.getKey(), v)))
                .map(pv -> DynamicTest.dynamicTest(pv.getValue() + " " + pv.getKey(), () -> {
                    String key = pv.getValue() + " " + pv.getKey();
                    String declared = Routes.methodsByPath().get(pv.getKey()).iterator().next() + " " + pv.getKey();
                    String real = new Route(pv.getValue(), pv.getKey()).withIds(PROBES.get(declared).apply(MatrixWorld.get()));
                    String random = new Route(pv.getValue(), pv.getKey()).withIds(UUID.randomUUID().toString());
                    var a = call(OUTSIDER, pv.getValue(), key, real, "verb-" + UUID.randomUUID());
                    var b = call(OUTSIDER, pv.getValue(), key, random, "verb-" + UUID.randomUUID());
                    assertTrue(a.statusCode() >= 400, key + " answered " + a.statusCode());
                    assertEquals(shape(b), shape(a), key);
                }));
    }

    @TestFactory
    Stream<DynamicTest> aQueryNamingAnotherAgencysChildAnswersLikeOneNamingNobody() {
        Map<String, Set<String>> params = Routes.queryParameters();
        return params.entrySet().stream().filter(e -> e.getValue().stream().anyMatch(IDENTIFYING::contains))
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
                    Function<MatrixWorld, List<Map<String, String>>> probe = QUERY_PROBES.get(e.getKey());
                    assertNotNull(probe, e.getKey() + " takes " + e.getValue() + " but has no probe in QUERY_PROBES");
                    List<Map<String, String>> values = probe.apply(MatrixWorld.get());
                    String method = e.getKey().substring(0, e.getKey().indexOf(' '));
                    String path = e.getKey().substring(e.getKey().indexOf(' ') + 1);
                    for (String agency : CLAIMANT_MAY_ASK.contains(e.getKey()) ? List.of(OUTSIDER)
                            : List.of(OUTSIDER, MatrixWorld.CLAIMANT)) {
                        var real = caller(agency, method, e.getKey(), "q-" + UUID.randomUUID())
                                .queryParams(nonBlank(values.get(0))).when().request(method, path).then().extract();
                        var random = caller(agency, method, e.getKey(), "q-" + UUID.randomUUID())
                                .queryParams(nonBlank(values.get(1))).when().request(method, path).then().extract();
                        assertEquals(shape(random), shape(real), e.getKey() + " as " + agency);
                    }
                }));
    }

    private static Map<String, String> nonBlank(Map<String, String> params) {
        Map<String, String> out = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Test
    void everyProbeStillHasItsRoute() {
        List<String> keys = Routes.all().stream().map(Route::key).toList();
        assertEquals(List.of(), PROBES.keySet().stream().filter(k -> !keys.contains(k)).sorted().toList(),
                "probes for routes that no longer exist");
        assertEquals(List.of(), QUERY_PROBES.keySet().stream().filter(k -> !keys.contains(k)).sorted().toList(),
                "query probes for routes that no longer exist");
    }

    @TestFactory
    Stream<DynamicTest> everyRouteRefusesACallerWithoutAToken() {
        return Routes.all().stream()
                .map(route -> DynamicTest.dynamicTest(route.key(), () -> {
                    var request = given().header("Purpose-Of-Use", "SAFEGUARDING");
                    if (!route.method().equals("GET") && !route.method().equals("DELETE")) {
                        request = request.contentType(ContentType.JSON).body("{}");
                    }
                    int status = request.when().request(route.method(), route.withIds(UUID.randomUUID().toString()))
                            .then().extract().statusCode();
                    assertEquals(401, status, route.key());
                }));
    }
}
