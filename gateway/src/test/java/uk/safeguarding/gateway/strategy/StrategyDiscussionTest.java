package uk.safeguarding.gateway.strategy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.alert.AlertFixtures;
import uk.safeguarding.gateway.alert.AlertRequest;
import uk.safeguarding.gateway.alert.Escalator;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Outbox;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Strategy discussions through the API and their Hibernate Reactive persistence: three agencies (the
 * convener, an invitee, a stranger whose real id answers like a random one), an overdue action that
 * raises a duty and escalates, and the session forms of the audit and outbox writers: the same rows as
 * the Vert.x client's, committed and rolled back with the entity.
 */
@QuarkusTest
class StrategyDiscussionTest {

    static final String COUNCIL = "la:E09000030";
    static final String MET = "police:met";
    static final String STRANGER = "nhs:QE1";
    static final String NO_STANDING = "vcs:1234567";
    static final String URL = "/api/v1/strategy-discussions";

    @Inject
    GatewayClock clock;
    @Inject
    StrategyActionClock actionClock;
    @Inject
    Escalator escalator;
    @Inject
    Strategy strategy;
    @Inject
    AuditTrail audit;
    @Inject
    Outbox outbox;
    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    AuditSealer sealer;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static RequestSpecification as(String agency, String subject, String... roles) {
        return forPurpose("SAFEGUARDING", agency, subject, roles);
    }

    static RequestSpecification forPurpose(String purpose, String agency, String subject, String... roles) {
        return given().auth().oauth2(TestTokens.forAgency(agency).roles(roles).subject(subject).sign())
                .header("Purpose-Of-Use", purpose).contentType(ContentType.JSON);
    }

    static Map<String, Object> shape(ExtractableResponse<Response> r) {
        Map<String, Object> m = new HashMap<>(r.jsonPath().getMap("$"));
        m.remove("instance");
        m.remove("requestId");
        return Map.of("status", r.statusCode(), "body", m);
    }

    static Map<String, Object> discussion(UUID child) {
        return Map.of("childId", child, "heldAt", "2026-03-02T10:00:00Z",
                "summary", "Three missing episodes in a month; seen with older adults.",
                "invitees", List.of(MET), "informationShared", List.of("missing", "police-intelligence"),
                "exploitation", true, "nextReviewOn", LocalDate.now().plusDays(28).toString());
    }

    @Test
    void theConvenerAndTheInviteeSeeTheDiscussionAndAStrangersRealIdAnswersLikeARandomOne() {
        UUID child = AlertFixtures.placedChild();
        // An agency with no standing with the child cannot convene about it: the 404 of a random child.
        var noStanding = as(NO_STANDING, "rhi-1", "practitioner").body(discussion(child)).when().post(URL).then().extract();
        var randomChild = as(NO_STANDING, "rhi-1", "practitioner").body(discussion(UUID.randomUUID())).when().post(URL)
                .then().extract();
        assertEquals(404, noStanding.statusCode());
        assertEquals(shape(randomChild), shape(noStanding));
        // Standing is not enough: children's social care convenes (the police hold standing as host police).
        Map<String, Object> byPolice = new HashMap<>(discussion(child));
        byPolice.put("invitees", List.of("nhs:RQX"));
        as(MET, "pc-1", "practitioner").body(byPolice).when().post(URL).then().statusCode(403)
                .body("code", equalTo("CONVENER_NOT_COUNCIL"));

        String id = as(COUNCIL, "sw-1", "practitioner").body(discussion(child)).when().post(URL).then().statusCode(201)
                .body("convener", equalTo(COUNCIL)).body("invitees.agency", contains(MET))
                .body("informationShared", contains("missing", "police-intelligence")).extract().path("id");
        assertEquals(1, Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND recipient_agency = ? AND event = ?",
                child, MET, Strategy.INVITED));
        assertEquals(1, Db.count("SELECT count(*) FROM audit_event WHERE resource_id = ? AND action = 'strategy.convene'", id));

        as(MET, "pc-1", "practitioner").when().get(URL + "/" + id).then().statusCode(200).body("convener", equalTo(COUNCIL));
        var real = as(STRANGER, "n-1", "practitioner").when().get(URL + "/" + id).then().extract();
        var random = as(STRANGER, "n-1", "practitioner").when().get(URL + "/" + UUID.randomUUID()).then().extract();
        assertEquals(404, real.statusCode());
        assertEquals(shape(random), shape(real));
        // The invitation gave the police the discussion, not a relationship with the child.
        assertEquals(0, Db.count("SELECT count(*) FROM relationship WHERE child_id = ? AND agency_id = ? AND source_type LIKE 'strategy%'",
                child, MET));

        // Only the convener records attendance and the decision; the invitee is refused, the stranger not told.
        as(MET, "pc-1", "practitioner").body(Map.of("decision", "S47")).when().post(URL + "/" + id + "/decision")
                .then().statusCode(403).body("code", equalTo("NOT_CONVENER"));
        var strangerDecides = as(STRANGER, "n-1", "practitioner").body(Map.of("decision", "S47"))
                .when().post(URL + "/" + id + "/decision").then().extract();
        assertEquals(404, strangerDecides.statusCode());
        as(COUNCIL, "sw-1", "practitioner").body(Map.of("attended", List.of(MET))).when().post(URL + "/" + id + "/attendance")
                .then().statusCode(200).body("invitees.attended", contains(true));
        as(COUNCIL, "sw-1", "practitioner").body(Map.of("decision", "S47")).when().post(URL + "/" + id + "/decision")
                .then().statusCode(200).body("decision", equalTo("S47"));
    }

    @Test
    void anActionIsListedOnlyToACallerWhoseReadOfItsDiscussionWouldBeAllowed() {
        UUID child = AlertFixtures.placedChild();
        String id = as(COUNCIL, "sw-1", "practitioner").body(discussion(child)).when().post(URL).then().statusCode(201)
                .extract().path("id");
        String action = as(COUNCIL, "sw-1", "practitioner").body(Map.of("ownerAgency", MET, "description",
                        "Map the friendship group.", "dueOn", LocalDate.now(StrategyActionClock.LONDON).plusDays(7).toString()))
                .when().post(URL + "/" + id + "/actions").then().statusCode(201).extract().path("id");
        // The owner, for care planning: the discussion's read clause is for safeguarding, so the read is a 404 ...
        var read = forPurpose("CARE-PLANNING", MET, "pc-1", "practitioner").when().get(URL + "/" + id).then().extract();
        var random = forPurpose("CARE-PLANNING", MET, "pc-1", "practitioner").when().get(URL + "/" + UUID.randomUUID())
                .then().extract();
        assertEquals(404, read.statusCode());
        assertEquals(shape(random), shape(read));
        // ... and neither the inbox nor the owner's action list names the action, the discussion or the child.
        for (String list : List.of("/api/v1/inbox", "/api/v1/strategy-actions")) {
            String body = forPurpose("CARE-PLANNING", MET, "pc-1", "practitioner").when().get(list)
                    .then().statusCode(200).extract().asString();
            assertTrue(!body.contains(action) && !body.contains(id) && !body.contains(child.toString()), list + ": " + body);
            // For safeguarding, the same owner sees it.
            assertTrue(as(MET, "pc-1", "practitioner").when().get(list).then().statusCode(200).extract().asString()
                    .contains(action), list);
        }
    }

    @Test
    void anOverdueActionRaisesADutyToItsOwnerThatEscalatesToTheConvener() {
        UUID child = AlertFixtures.placedChild();
        String id = as(COUNCIL, "sw-1", "practitioner").body(discussion(child)).when().post(URL).then().statusCode(201)
                .extract().path("id");
        as(COUNCIL, "sw-1", "practitioner").body(Map.of("ownerAgency", STRANGER, "description", "x", "dueOn", "2026-03-09"))
                .when().post(URL + "/" + id + "/actions").then().statusCode(400).body("errors.field", contains("ownerAgency"));
        LocalDate due = LocalDate.now(StrategyActionClock.LONDON);
        String action = as(COUNCIL, "sw-1", "practitioner")
                .body(Map.of("ownerAgency", MET, "description", "Map the friendship group.", "dueOn", due.toString()))
                .when().post(URL + "/" + id + "/actions").then().statusCode(201).body("status", equalTo("OPEN"))
                .extract().path("id");
        assertEquals(1, Db.count("SELECT count(*) FROM alert WHERE resource_id = ? AND recipient_agency = ? AND event = ?",
                action, MET, Strategy.ACTION_ASSIGNED));

        // Not overdue on its due day.
        actionClock.raiseOverdue();
        assertEquals(0, Db.count("SELECT count(*) FROM alert WHERE resource_id = ? AND event = ?", action, StrategyActionClock.OVERDUE));
        clock.advance(Duration.ofDays(2));
        actionClock.raiseOverdue();
        actionClock.raiseOverdue();
        assertEquals(1, Db.count("SELECT count(*) FROM alert WHERE resource_id = ? AND recipient_agency = ? AND event = ? "
                + "AND escalation_target = ?", action, MET, StrategyActionClock.OVERDUE, COUNCIL));
        // Unacknowledged by its deadline, the duty escalates to the convener, as every duty does.
        clock.advance(Duration.ofDays(3));
        // The escalator takes 100 due alerts a pass, oldest first; other tests' alerts in the shared
        // database may come first, so run passes until none is left.
        for (int pass = 0; pass < 1_000 && escalator.escalateDue() > 0; pass++) {
        }
        assertTrue(Db.count("SELECT count(*) FROM alert WHERE child_id = ? AND recipient_agency = ? AND event = ? "
                + "AND payload->>'originalEvent' = ?", child, COUNCIL, Escalator.EVENT, StrategyActionClock.OVERDUE) >= 1);

        // The stranger cannot touch the action; the owner closes it.
        var strangers = as(STRANGER, "n-1", "practitioner").body(Map.of("status", "DONE"))
                .when().post(URL + "/" + id + "/actions/" + action + "/status").then().extract();
        assertEquals(404, strangers.statusCode());
        // An invitee that does not own an action sees it but may not change it.
        String councils = as(COUNCIL, "sw-1", "practitioner")
                .body(Map.of("ownerAgency", COUNCIL, "description", "Visit the school.", "dueOn", due.toString()))
                .when().post(URL + "/" + id + "/actions").then().statusCode(201).extract().path("id");
        as(MET, "pc-1", "practitioner").body(Map.of("status", "CANCELLED"))
                .when().post(URL + "/" + id + "/actions/" + councils + "/status").then().statusCode(403)
                .body("code", equalTo("NOT_ACTION_OWNER"));
        // The referral inbox lists each agency's own actions, overdue first, and no other agency's.
        var metInbox = as(MET, "pc-1", "practitioner").when().get("/api/v1/inbox").then().statusCode(200)
                .extract().jsonPath();
        Map<String, Object> listed = metInbox.getMap("find { it.actionId == '" + action + "' }");
        assertEquals(Map.of("kind", "strategy-action", "actionId", action, "discussionId", id, "childId", child.toString(),
                "ownerAgency", MET, "dueOn", due.toString(), "status", "OPEN", "overdue", true,
                "link", "/api/v1/strategy-discussions/" + id), listed);
        assertTrue(!metInbox.getList("actionId").contains(councils), "the council's action is not in the Met's inbox");
        assertEquals(List.of(action), as(MET, "pc-1", "practitioner").queryParam("status", "OPEN")
                .queryParam("kind", "strategy-action").when().get("/api/v1/inbox").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.discussionId == '" + id + "' }.actionId"));
        assertTrue(as(MET, "pc-1", "practitioner").queryParam("kind", "referral").when().get("/api/v1/inbox").then()
                .statusCode(200).extract().jsonPath().getList("kind").stream().allMatch("referral"::equals));
        var councilInbox = as(COUNCIL, "sw-1", "practitioner").when().get("/api/v1/inbox").then().statusCode(200)
                .extract().jsonPath();
        assertTrue(councilInbox.getList("actionId").contains(councils));
        assertTrue(!councilInbox.getList("actionId").contains(action), "the Met's action is not in the council's inbox");
        List<String> kinds = councilInbox.getList("kind");
        assertEquals(kinds.indexOf("strategy-action"), kinds.size() - councilInbox.getList("findAll { it.kind == 'strategy-action' }").size(),
                "referrals first, then actions");
        assertTrue(!as(STRANGER, "n-1", "practitioner").when().get("/api/v1/inbox").then().statusCode(200).extract()
                .jsonPath().prettify().contains(id), "an uninvited agency's inbox names neither action nor discussion");
        as(MET, "pc-1", "practitioner").queryParam("status", "LATE").when().get("/api/v1/inbox").then().statusCode(400)
                .body("errors.field", contains("status"));
        as(MET, "pc-1", "practitioner").queryParam("kind", "alert").when().get("/api/v1/inbox").then().statusCode(400)
                .body("errors.field", contains("kind"));

        as(MET, "pc-1", "practitioner").body(Map.of("status", "DONE"))
                .when().post(URL + "/" + id + "/actions/" + action + "/status").then().statusCode(200)
                .body("status", equalTo("DONE")).body("overdue", equalTo(true));

        // The owner sees its actions in its inbox; nobody else sees them there.
        List<String> owned = as(MET, "pc-1", "practitioner").when().get("/api/v1/strategy-actions").then()
                .statusCode(200).extract().jsonPath().getList("id");
        assertTrue(owned.contains(action));
        List<String> others = as(STRANGER, "n-1", "practitioner").when().get("/api/v1/strategy-actions").then()
                .statusCode(200).extract().jsonPath().getList("id");
        assertTrue(!others.contains(action));
    }

    @Test
    void theDiscussionItsDecisionAndItsActionsAreInTheChildsChronologyOfTheConvenerAndTheInvitees() {
        UUID child = AlertFixtures.placedChild();
        String id = as(COUNCIL, "sw-1", "practitioner").body(discussion(child)).when().post(URL).then().statusCode(201)
                .extract().path("id");
        as(COUNCIL, "sw-1", "practitioner").body(Map.of("decision", "S47")).when().post(URL + "/" + id + "/decision")
                .then().statusCode(200);
        String action = as(COUNCIL, "sw-1", "practitioner")
                .body(Map.of("ownerAgency", MET, "description", "Map the friendship group.",
                        "dueOn", LocalDate.now(StrategyActionClock.LONDON).toString()))
                .when().post(URL + "/" + id + "/actions").then().statusCode(201).extract().path("id");
        String strategyKinds = "strategy-discussion,strategy-decision,strategy-action";
        for (String reader : List.of(COUNCIL, MET)) {
            var entries = as(reader, "r-1", "practitioner").queryParam("kind", (Object[]) strategyKinds.split(","))
                    .when().get("/api/v1/children/" + child + "/chronology").then().statusCode(200).extract().jsonPath();
            assertEquals(List.of("strategy-discussion", "strategy-decision", "strategy-action"), entries.getList("entries.kind"),
                    reader + " reads the discussion's story");
            assertTrue(entries.getList("entries.recordId").stream().allMatch(id::equals), reader);
            assertEquals("S47", entries.getString("entries[1].code"));
            assertTrue(!entries.prettify().contains("friendship") && !entries.prettify().contains("older adults"),
                    "no free text in the chronology");
        }
        assertTrue(action != null);
    }

    @Test
    void theMaceViewListsTheChildrenThePartnershipTracksForExploitationToThePartnershipOnly() {
        UUID tracked = AlertFixtures.placedChild();
        UUID notExploitation = AlertFixtures.placedChild();
        as(COUNCIL, "sw-1", "practitioner").body(discussion(tracked)).when().post(URL).then().statusCode(201);
        Map<String, Object> other = new HashMap<>(discussion(notExploitation));
        other.put("exploitation", false);
        as(COUNCIL, "sw-1", "practitioner").body(other).when().post(URL).then().statusCode(201);

        var mace = as(MET, "pc-1", "practitioner").when().get("/api/v1/mace").then().statusCode(200).extract().jsonPath();
        List<String> children = mace.getList("childId");
        assertTrue(children.contains(tracked.toString()));
        assertTrue(!children.contains(notExploitation.toString()));
        assertEquals(LocalDate.now().plusDays(28).toString(),
                mace.getString("find { it.childId == '" + tracked + "' }.nextReviewOn"));
        // An agency outside the partnership (not a signatory of its protocol) is refused.
        as(NO_STANDING, "rhi-1", "practitioner").when().get("/api/v1/mace").then().statusCode(403)
                .body("code", equalTo("NOT_PARTNER"));
    }

    /** Runs {@code work} on a safe duplicated Vert.x context with a request context, as a route would. */
    <T> T onVertx(Supplier<Uni<T>> work) throws Exception {
        Context ctx = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(ctx, true);
        CompletableFuture<T> done = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            ManagedContext request = Arc.container().requestContext();
            request.activate();
            work.get().subscribe().with(done::complete, done::completeExceptionally);
        });
        return done.get(30, TimeUnit.SECONDS);
    }

    static AuditEntry entry(UUID id, UUID child) {
        return new AuditEntry(id, Instant.parse("2026-03-02T10:00:00.123456Z"), "req-" + UUID.randomUUID(), "sw-1", null,
                "USER", COUNCIL, List.of("practitioner", "supervisor"), "SAFEGUARDING", "strategy.read",
                "strategy-discussion", "d-1", child, List.of("missing"), "PERMIT", List.of("rule-a", "rule-b"), null,
                "ukgdpr-6-1-e", null, null, 200, "10.0.0.1", List.of(MET));
    }

    @Test
    void theSessionFormsWriteTheSameAuditAndOutboxRowsAsTheVertxClient() throws Exception {
        UUID child = AlertFixtures.placedChild();
        UUID viaClient = UUID.randomUUID();
        UUID viaSession = UUID.randomUUID();
        AlertRequest alert = new AlertRequest(MET, Strategy.INVITED, child, "strategy-discussion", "d-1",
                Map.of("a", "b", "n", 1), List.of("missing"), "p@1#c", Instant.parse("2026-03-03T00:00:00Z"), COUNCIL);
        UUID clientAlert = pool.withTransaction(tx -> audit.record(tx, entry(viaClient, child))
                .chain(() -> outbox.enqueue(tx, alert))).await().indefinitely();
        UUID sessionAlert = onVertx(() -> Panache.withTransaction(() -> Panache.getSession()
                .chain(s -> audit.record(s, entry(viaSession, child)).chain(() -> outbox.enqueue(s, alert)))));

        String auditRow = "SELECT recorded_at, actor_subject, actor_client, actor_kind, actor_agency, actor_roles, purpose, action, "
                + "resource_type, resource_id, child_id, categories, decision, reasons, denial_code, lawful_basis, "
                + "override_justification, override_approver, outcome, source_address, data_owners FROM audit_event WHERE id = ?";
        assertEquals(Db.query(auditRow, viaClient), Db.query(auditRow, viaSession));
        String alertRow = "SELECT recipient_agency, event, child_id, resource_type, resource_id, payload::text, categories::text, "
                + "duty_ref, ack_due_at, escalation_target, trace_parent FROM alert WHERE id = ?";
        assertEquals(Db.query(alertRow, clientAlert), Db.query(alertRow, sessionAlert));
        assertEquals(1, Db.query(alertRow, sessionAlert).size());

        // Both events are sealed into the chain like any other, and the chain still verifies.
        AuditTestSupport.sealEverything(sealer);
        assertEquals(2, Db.count("SELECT count(*) FROM audit_chain WHERE event_id IN (?, ?)", viaClient, viaSession));
        assertTrue(AuditTestSupport.verify().getBoolean("intact"));
    }

    @Test
    void theDiscussionItsAuditAndItsAlertsRollBackTogether() throws Exception {
        UUID child = AlertFixtures.placedChild();
        StrategyDiscussion d = new StrategyDiscussion();
        d.id = UUID.randomUUID();
        d.childId = child;
        d.convenerAgency = COUNCIL;
        d.convenedBySubject = "sw-1";
        d.heldAt = Instant.now();
        d.summary = "s";
        d.createdAt = Instant.now();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> onVertx(() -> Panache.withTransaction(
                () -> strategy.convene(d, List.of(MET), () -> {
                    // The entity and its invitation are flushed; then the request fails.
                    assertEquals(0, 0);
                    throw new IllegalStateException("forced after the entity insert");
                }, 201))));
        assertTrue(failed.getCause() instanceof IllegalStateException);
        assertEquals(0, Db.count("SELECT count(*) FROM strategy_discussion WHERE id = ?", d.id));
        assertEquals(0, Db.count("SELECT count(*) FROM strategy_invitee WHERE discussion_id = ?", d.id));
        assertEquals(0, Db.count("SELECT count(*) FROM alert WHERE resource_id = ?", d.id.toString()));

        // The same call without the failure commits all three.
        StrategyDiscussion ok = d;
        ok.id = UUID.randomUUID();
        try {
            onVertx(() -> Panache.withTransaction(() -> strategy.convene(ok, List.of(MET), () -> { }, 201)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(1, Db.count("SELECT count(*) FROM strategy_discussion WHERE id = ?", ok.id));
        assertEquals(1, Db.count("SELECT count(*) FROM alert WHERE resource_id = ?", ok.id.toString()));

        // The chronology's query: the child's discussions and actions in time order.
        List<Strategy.Entry> story = onVertx(() -> Panache.withSession(() -> strategy.chronology(child)));
        assertEquals(List.of("strategy-discussion"), story.stream().map(Strategy.Entry::kind).toList());
        assertEquals(ok.id, story.get(0).id());
    }
}
