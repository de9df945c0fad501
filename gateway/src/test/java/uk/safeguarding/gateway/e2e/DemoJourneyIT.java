package uk.safeguarding.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import uk.safeguarding.demo.Api;
import uk.safeguarding.demo.AuditTamper;
import uk.safeguarding.demo.Journey;
import uk.safeguarding.demo.Narration;
import uk.safeguarding.demo.Receivers;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;
import uk.safeguarding.gateway.support.KeycloakResource;
import uk.safeguarding.gateway.support.TestDatabase;

/**
 * The demo journey of {@code bin/run demo}, played without pauses against the packaged gateway and a
 * real Keycloak, so the demo cannot silently rot: every step's expectations must hold, and the key
 * outcomes are asserted here as well. The altered audit row is put back afterwards (the suite shares
 * one chain).
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = DemoJourneyIT.FullPassesOnDemand.class, restrictToAnnotatedClass = true)
class DemoJourneyIT {

    /**
     * The demo verifies before and after its forgery, seconds apart: two full passes, as the demo profile
     * allows (the packaged gateway runs the prod profile, which allows one per 10 minutes).
     */
    public static class FullPassesOnDemand implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("gateway.audit.verification.full-pass-min-interval", "0s");
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void theWholeJourneyDoesWhatTheDemoSays() throws Exception {
        TestDatabase database = EmbeddedPostgresResource.database();
        AuditTamper tamper = new AuditTamper(database.jdbcUrl(), database.superuser());
        Api api = new Api("http://127.0.0.1:" + RestAssured.port, KeycloakResource.REALM_URL);
        List<Narration.Step> steps;
        AuditTamper.Altered altered = null;
        try (Receivers receivers = new Receivers()) {
            Journey journey = new Journey(api, receivers, tamper, System.out::println, () -> { });
            try {
                steps = journey.play();
            } finally {
                altered = journey.steps().size() == 9
                        ? (AuditTamper.Altered) journey.steps().get(8).facts().get("tampered") : null;
                if (altered != null) {
                    tamper.setOutcome(altered, altered.oldOutcome());
                }
            }
        }

        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), steps.stream().map(Narration.Step::number).toList());
        for (Narration.Step step : steps) {
            String failed = step.checks().stream().filter(c -> !c.passed())
                    .map(c -> c.expectation() + " (" + c.observed() + ")").collect(Collectors.joining("; "));
            assertTrue(step.passed(), "step " + step.number() + " " + step.title() + ": " + failed);
        }
        Map<String, Object> referral = steps.get(0).facts();
        assertEquals(400, referral.get("status.withoutBirthDate"));
        assertEquals(201, referral.get("status.referral"));
        assertEquals(Set.of("la:E09000030", "nhs:RQX"), referral.get("referral-received.receivedBy"));
        Map<String, Object> mash = steps.get(1).facts();
        assertEquals(404, mash.get("status.unrelatedRead"));
        assertEquals(true, mash.get("refusalAudited"));
        assertEquals(201, mash.get("consent.refusal"), "her refusal to share health with the police is recorded");
        assertTrue(((Set<?>) mash.get("referral-received.receivedBy")).containsAll(Set.of("la:E09000030", "police:met")));
        Map<String, Object> placement = steps.get(2).facts();
        assertTrue(((Set<?>) placement.get("placement.notifiedBeforeStart"))
                .containsAll(Set.of("la:E10000017", "police:lancashire", "nhs:QE1", "school:100000", "provider:SC123456")));
        // The protocol's notify-provider duty: the home is told before the start, so step 3 names no gap.
        assertEquals(null, placement.get("gaps"), "no gap reported in step 3");
        Map<String, Object> missing = steps.get(3).facts();
        assertEquals(200, missing.get("philomena.whileMissing"));
        assertEquals(403, missing.get("philomena.afterFound"));
        assertTrue((Long) missing.get("child-missing.slowestMillis") < 15_000);
        assertTrue(!((Set<?>) missing.get("child-missing.receivedBy")).contains("provider:SC654321"),
                "an unrelated provider hears nothing");
        // The consent override: held while pending, active on the supervisor's approval, then health is released.
        assertEquals("PENDING_APPROVAL", missing.get("override.requested"));
        assertEquals("ACTIVE", missing.get("override.approved"));
        assertEquals(true, missing.get("override.healthReleased"));
        Map<String, Object> downgrade = steps.get(4).facts();
        assertEquals(201, downgrade.get("downgrade.proposal"), "the proposal is kept");
        assertEquals(false, downgrade.get("downgrade.proposalInEffect"), "but has no effect");
        assertEquals(403, downgrade.get("downgrade.selfApproval"));
        assertEquals("HIGH", downgrade.get("downgrade.levelWhileHeld"), "her level is unchanged without a second approver");
        assertEquals("supervisor.met", downgrade.get("downgrade.approvedBy"));
        assertEquals("LOW", downgrade.get("downgrade.levelAfter"));
        assertTrue(((Set<?>) downgrade.get("risk-changed.receivedBy")).containsAll(
                Set.of("la:E09000030", "la:E10000017", "police:lancashire", "provider:SC123456")));
        // Her school (its designated safeguarding lead) is told too; Tower Hamlets also as her virtual school head.
        assertEquals(Set.of("la:E09000030", "la:E10000017", "police:met", "police:lancashire", "school:100000"),
                missing.get("missing.alerted"));
        assertNotNull(steps.get(5).facts().get("return.schoolDeadline"));
        Map<String, Object> fromHome = steps.get(6).facts();
        assertNotNull(fromHome.get("missingFromHome.rhiDueAt"), "found from home starts the 72-hour offer");
        assertTrue(String.valueOf(fromHome.get("missingFromHome.strategyDuty")).endsWith("#repeat-missing-strategy"));
        assertTrue(((java.util.Collection<?>) fromHome.get("child-missing.receivedBy")).contains("school:100000"),
                "the school is told of the episode from home");
        // Step 8: the strategy discussion, its late action overdue in the Met's inbox, her chronology three ways.
        Map<String, Object> strategy = steps.get(7).facts();
        assertNotNull(strategy.get("strategy.discussionId"));
        assertEquals(true, strategy.get("strategy.overdueInInbox"), "the Met's inbox lists its late action as overdue");
        Map<?, ?> stories = (Map<?, ?>) strategy.get("chronology.stories");
        assertTrue(((List<?>) stories.get("la-tower-hamlets")).contains("strategy-action-overdue"), stories.toString());
        assertEquals(Map.of("la-tower-hamlets", 200, "police-met", 200, "nhs-homerton", 200), strategy.get("chronology.statuses"));
        assertTrue(((List<?>) stories.get("police-met")).contains("strategy-discussion"), "the invited Met reads it");
        assertTrue(((List<?>) stories.get("nhs-homerton")).stream().noneMatch(k -> String.valueOf(k).startsWith("strategy")),
                "Homerton, with standing but not invited, sees nothing of the discussion");
        Map<String, Object> dpo = steps.get(8).facts();
        assertEquals(true, dpo.get("overrideListed"), "the override is on the DPO's review list");
        assertTrue((Integer) dpo.get("disclosures.override") >= 1, "the disclosure report marks the override");
        assertTrue((Integer) dpo.get("anomalies.override") >= 1, "the anomaly queue flags the override");
        assertNotNull(altered, "step 9 altered a row");
    }
}
