package uk.safeguarding.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.safeguarding.protocol.load.ProtocolLoader;

/** Deadlines of the shipped duties, including bank-holiday weekends and British Summer Time. */
class DutiesTest {

    static PolicyEngine engine;

    /** An out-of-area placement: Tower Hamlets child placed in Lancashire. */
    static CaseContext.Builder oap() {
        return CaseContext.builder()
                .role("home-council", "la:E09000030")
                .role("host-council", "la:E10000017")
                .role("home-police", "police:met")
                .role("host-police", "police:lancashire")
                .role("home-health", "nhs:RQX")
                .role("host-health", "nhs:QE1")
                .role("school", "school:100000")
                .role("home-school", "school:100000")
                .role("provider", "provider:SC123456");
    }

    @BeforeAll
    static void load() {
        engine = new PolicyEngine(ProtocolLoader.loadShipped(LocalDate.of(2026, 3, 10)));
    }

    private static Map<String, DutyNotice> byRole(List<DutyNotice> notices) {
        return notices.stream().collect(Collectors.toMap(n -> n.clause().substring(n.clause().indexOf('#') + 1) + "/" + n.recipientRole(), n -> n));
    }

    @Test
    void referralOnTheThursdayBeforeEasterIsDueOnTheTuesdayAfter() {
        // Thu 17 April 2025, 15:00 BST. Good Friday and Easter Monday are bank holidays: the first
        // working day after is Tuesday 22 April, which ends at 23:59:59 BST (22:59:59 UTC)
        List<DutyNotice> n = engine.duties("referral-received", oap().build(), Instant.parse("2025-04-17T14:00:00Z"));
        Map<String, DutyNotice> m = byRole(n);
        assertEquals(3, n.size());
        DutyNotice ack = m.get("mash-acknowledge/home-council");
        assertEquals(Instant.parse("2025-04-22T22:59:59Z"), ack.deadline());
        assertEquals(List.of("la:E09000030"), ack.agencies());
        assertEquals("mash-referral@1.0.0#mash-acknowledge", ack.clause());
        assertEquals(new DutyNotice.Escalation("home-council", "supervisor", List.of("la:E09000030")), ack.escalation());
        assertEquals(List.of("police:met"), m.get("mash-partners-informed/home-police").agencies());
        assertEquals(List.of("nhs:RQX"), m.get("mash-partners-informed/home-health").agencies());
        assertTrue(ack.citation().contains("Working Together"));
    }

    @Test
    void theReferrerIsToldTheOutcomeAndMustAcknowledgeItWithinAWorkingDay() {
        CaseContext c = CaseContext.builder().role("home-council", "la:E09000030").role("referrer", "school:100000").build();
        // Fri 6 March 2026 16:00 GMT: the next working day is Monday 9 March.
        List<DutyNotice> n = engine.duties("referral-decided", c, Instant.parse("2026-03-06T16:00:00Z"), "la:E09000030");
        assertEquals(1, n.size());
        DutyNotice told = n.get(0);
        assertEquals("mash-referral@1.0.0#referrer-told-outcome", told.clause());
        assertEquals(List.of("school:100000"), told.agencies());
        assertEquals(Instant.parse("2026-03-09T23:59:59Z"), told.deadline());
        assertEquals(new DutyNotice.Escalation("home-council", "supervisor", List.of("la:E09000030")), told.escalation());
    }

    @ParameterizedTest(name = "emergency placement starting {0} -> notices due by {1}")
    @CsvSource(textBlock = """
            # placement start (UTC),   deadline (UTC): end of the 5th working day after, London time
            2025-12-19T18:00:00Z,      2025-12-30T23:59:59Z
            2026-04-02T09:00:00Z,      2026-04-13T22:59:59Z
            2026-03-27T10:00:00Z,      2026-04-07T22:59:59Z
            2026-05-20T10:00:00Z,      2026-05-28T22:59:59Z
            """)
    void emergencyPlacementsAreNotifiedWithinFiveWorkingDays(String start, String deadline) {
        // 2025-12-19: Christmas Day and Boxing Day skipped; 2026-04-02: Good Friday and Easter Monday;
        // 2026-03-27: a Friday with the clocks going forward on the Sunday, then Easter; 2026-05-20: spring bank holiday
        CaseContext c = oap().date("placement-start", Instant.parse(start)).emergencyPlacement(true).build();
        List<DutyNotice> n = engine.duties("placement-planned", c, Instant.parse(start));
        assertEquals(7, n.size());
        for (DutyNotice notice : n) {
            assertEquals(Instant.parse(deadline), notice.deadline(), notice.toString());
            assertTrue(notice.deadlineRule().startsWith("emergency placement: 5 working days"), notice.deadlineRule());
        }
    }

    @Test
    void plannedPlacementIsNotifiedBeforeItStartsAndUnknownRolesAreFlagged() {
        Instant start = Instant.parse("2026-03-16T12:00:00Z");
        CaseContext c = oap().date("placement-start", start).build();
        Map<String, DutyNotice> m = byRole(engine.duties("placement-planned", c, Instant.parse("2026-03-10T09:00:00Z")));
        assertEquals(start, m.get("notify-placement-planned/host-council").deadline());
        assertEquals(start, m.get("notify-host-police/host-police").deadline());
        assertEquals(List.of("police:lancashire"), m.get("notify-host-police/host-police").agencies());
        assertEquals(start, m.get("notify-provider/provider").deadline());
        assertEquals(List.of("provider:SC123456"), m.get("notify-provider/provider").agencies());
        // the case records no GP or IRO: the notice exists but nobody can receive it
        assertTrue(m.get("notify-placement-planned/gp").unresolved());
        assertTrue(m.get("notify-placement-planned/iro").unresolved());
    }

    @Test
    void anUnknownPlacementDateMakesTheNoticeDueImmediately() {
        Instant now = Instant.parse("2026-03-10T09:00:00Z");
        List<DutyNotice> n = engine.duties("placement-planned", oap().build(), now);
        assertTrue(n.stream().allMatch(x -> x.deadline().equals(now) && x.deadlineRule().contains("due immediately")));
    }

    @Test
    void missingChildIsReportedWithinMinutesToEveryoneButTheReporter() {
        Instant at = Instant.parse("2026-07-04T01:10:00Z");
        List<DutyNotice> n = engine.duties("child-missing", oap().role("virtual-school-head", "la:E09000030").build(), at,
                "police:lancashire");
        List<DutyNotice> core = n.stream().filter(x -> x.clause().endsWith("#missing-notify")).toList();
        assertEquals(4, core.size());
        assertTrue(core.stream().allMatch(x -> x.deadline().equals(at.plusSeconds(15 * 60))));
        Map<String, DutyNotice> m = byRole(n);
        assertTrue(m.get("missing-notify/host-police").agencies().isEmpty(), "the reporting force is not told of its own report");
        assertEquals(List.of("police:met"), m.get("missing-notify/home-police").agencies());
        // The school's designated safeguarding lead and the virtual school head within the hour.
        assertEquals(List.of("school:100000"), m.get("missing-school-notify/school").agencies());
        assertEquals(List.of("la:E09000030"), m.get("missing-school-notify/virtual-school-head").agencies());
        assertEquals(at.plusSeconds(3600), m.get("missing-school-notify/school").deadline());
        assertTrue(m.get("missing-involved-notify/involved-agency").unresolved(), "nobody else named in this case");
        assertEquals(8, n.size());
    }

    @Test
    void repeatMissingIsAThresholdHeldAsDataAndDueWithinOneWorkingDay() {
        List<PolicyEngine.EventThreshold> t = engine.thresholds("repeat-missing", Instant.parse("2026-03-10T10:00:00Z"));
        assertEquals(1, t.size());
        assertEquals("missing-from-care@1.0.0#repeat-missing-strategy", t.get(0).clause());
        assertEquals(3, t.get(0).threshold().episodes());
        assertEquals(90, t.get(0).threshold().withinDays());
        assertTrue(engine.thresholds("child-missing", Instant.parse("2026-03-10T10:00:00Z")).isEmpty());
        // Friday 22 May 2026 20:00 BST; the spring bank holiday is Monday 25 May: due end of Tuesday 26 May.
        Map<String, DutyNotice> m = byRole(engine.duties("repeat-missing",
                CaseContext.builder().role("home-council", "la:E09000030").build(), Instant.parse("2026-05-22T19:00:00Z")));
        assertEquals(1, m.size());
        DutyNotice d = m.get("repeat-missing-strategy/home-council");
        assertEquals(Instant.parse("2026-05-26T22:59:59Z"), d.deadline());
        assertEquals(List.of("la:E09000030"), d.escalation().agencies());
    }

    @Test
    void anAgreedTriggerPlanReachesBothForcesTheProviderAndTheCouncilButNotItsAuthorAndItsReviewTheKeepers() {
        Instant at = Instant.parse("2026-03-10T11:00:00Z");
        Map<String, DutyNotice> agreed = byRole(engine.duties("trigger-plan-agreed", oap().build(), at, "provider:SC123456"));
        assertEquals(List.of("police:met"), agreed.get("trigger-plan-agreed-notify/home-police").agencies());
        assertEquals(List.of("police:lancashire"), agreed.get("trigger-plan-agreed-notify/host-police").agencies());
        assertEquals(List.of("la:E09000030"), agreed.get("trigger-plan-agreed-notify/home-council").agencies());
        assertTrue(agreed.get("trigger-plan-agreed-notify/provider").agencies().isEmpty(), "its author is not told");
        Map<String, DutyNotice> review = byRole(engine.duties("trigger-plan-review-due", oap().build(), at));
        assertEquals(java.util.Set.of("trigger-plan-review/home-council", "trigger-plan-review/provider"), review.keySet());
        assertTrue(review.values().stream().allMatch(d -> d.deadline().isAfter(at)), "a working day to agree a new version");
    }

    @Test
    void foundChildGetsAReturnInterviewOfferWithin72Hours() {
        Instant at = Instant.parse("2026-12-24T20:00:00Z");
        CaseContext c = oap().role("rhi-service", "la:E09000030").build();
        Map<String, DutyNotice> m = byRole(engine.duties("child-found", c, at));
        assertEquals(Instant.parse("2026-12-27T20:00:00Z"), m.get("rhi-offer/rhi-service").deadline());
        assertEquals(at.plusSeconds(900), m.get("found-notify/home-council").deadline());
        assertEquals(List.of("school:100000"), m.get("found-school-notify/school").agencies());
        assertEquals(8, m.size());
    }

    @ParameterizedTest(name = "incident at {0} -> school told by {1}")
    @CsvSource(textBlock = """
            # incident (UTC),          deadline (UTC)
            2026-03-10T05:00:00Z,      2026-03-10T08:30:00Z
            2026-03-10T09:00:00Z,      2026-03-11T08:30:00Z
            2026-05-22T20:00:00Z,      2026-05-26T07:30:00Z
            2026-12-24T18:00:00Z,      2026-12-29T08:30:00Z
            2026-03-27T21:00:00Z,      2026-03-30T07:30:00Z
            """)
    void operationEncompassReachesTheSchoolBeforeTheNextSchoolDay(String incident, String deadline) {
        // 05:00 GMT on a Tuesday: before school, so the same morning; 09:00: the next morning;
        // Friday night before the spring bank holiday: Tuesday 08:30 BST; Christmas Eve: after the
        // Christmas and substitute Boxing Day holidays; Friday before the clocks change: Monday 08:30 BST
        List<DutyNotice> n = engine.duties("domestic-abuse-incident", oap().build(), Instant.parse(incident));
        assertEquals(1, n.size());
        assertEquals(Instant.parse(deadline), n.get(0).deadline());
        assertEquals(List.of("school:100000"), n.get(0).agencies());
        assertEquals(new DutyNotice.Escalation("home-police", "supervisor", List.of("police:met")), n.get(0).escalation());
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            # incident (UTC),          deadline (UTC)
            2027-04-30T17:00:00Z,      2027-05-04T07:30:00Z
            2027-05-03T06:00:00Z,      2027-05-04T07:30:00Z
            2026-10-23T15:00:00Z,      2026-11-02T08:30:00Z
            2026-12-18T17:00:00Z,      2027-01-05T08:30:00Z
            2027-03-25T12:00:00Z,      2027-04-12T07:30:00Z
            2027-04-12T06:00:00Z,      2027-04-12T07:30:00Z
            """)
    void withTheCouncilsTermDatesTheNextSchoolDaySkipsWeekendsBankHolidaysHolidaysAndInsetDays(String incident,
            String deadline) {
        // Friday evening before the early May bank holiday: Tuesday 08:30 BST; on the bank holiday itself: the
        // same; the last day before October half term: Monday after it (GMT); end of the autumn term: past
        // Christmas and the INSET day of 4 January; Easter holidays: the first day of the summer term; that
        // first day before 08:30: the same morning
        CaseContext c = oap().termCalendar("la:E09000030").build();
        List<DutyNotice> n = engine.duties("domestic-abuse-incident", c, Instant.parse(incident));
        assertEquals(Instant.parse(deadline), n.get(0).deadline());
        assertTrue(n.get(0).deadlineRule().endsWith("term dates of la:E09000030"), n.get(0).deadlineRule());
    }

    @Test
    void whereTheCouncilsTermDatesAreNotHeldWorkingDaysCountAndTheRuleSaysSo() {
        CaseContext c = oap().termCalendar("la:E09000030").build();
        // September 2027 is past the dates held: Friday evening, then Monday 6 September (a working day)
        DutyNotice n = engine.duties("domestic-abuse-incident", c, Instant.parse("2027-09-03T17:00:00Z")).get(0);
        assertEquals(Instant.parse("2027-09-06T07:30:00Z"), n.deadline());
        assertTrue(n.deadlineRule().contains("not held"), n.deadlineRule());
        CaseContext unknown = oap().termCalendar("la:E99999999").build();
        DutyNotice u = engine.duties("domestic-abuse-incident", unknown, Instant.parse("2027-02-12T17:00:00Z")).get(0);
        assertEquals(Instant.parse("2027-02-15T08:30:00Z"), u.deadline(), "half term is not known for that council");
    }

    @Test
    void theHomeSchoolIsToldBeforeTheChildArrives() {
        Instant arrival = Instant.parse("2026-09-06T16:00:00Z");
        CaseContext c = oap().date("arrival", arrival).build();
        Map<String, DutyNotice> m = byRole(engine.duties("child-returning-home", c, Instant.parse("2026-09-01T10:00:00Z")));
        assertEquals(arrival, m.get("return-notify-school/home-school").deadline());
        assertEquals(List.of("school:100000"), m.get("return-notify-school/home-school").agencies());
        assertEquals(arrival, m.get("return-notify-home-agencies/home-police").deadline());
        assertEquals(3, m.size());
    }

    @Test
    void riskChangeReachesEveryInvolvedAgencyTheSameDay() {
        // 22:30 UTC on 30 June is 23:30 BST: the end of the London day is 22:59:59 UTC
        List<DutyNotice> n = engine.duties("risk-changed", oap().build(), Instant.parse("2026-06-30T21:30:00Z"), "la:E09000030");
        assertEquals(1, n.size());
        assertEquals(Instant.parse("2026-06-30T22:59:59Z"), n.get(0).deadline());
        assertEquals(List.of("la:E10000017", "police:met", "police:lancashire", "nhs:RQX", "nhs:QE1", "school:100000",
                "provider:SC123456"), n.get(0).agencies());
    }

    @Test
    void dutiesAreSortedBySoonestDeadline() {
        CaseContext c = oap().role("rhi-service", "la:E09000030").build();
        List<DutyNotice> n = engine.duties("child-found", c, Instant.parse("2026-03-10T10:00:00Z"));
        for (int i = 1; i < n.size(); i++) {
            assertTrue(!n.get(i).deadline().isBefore(n.get(i - 1).deadline()));
        }
        assertEquals("missing-from-care@1.0.0#rhi-offer", n.get(n.size() - 1).clause());
    }

    @Test
    void noProtocolInForceMeansNoDuties() {
        assertEquals(List.of(), engine.duties("child-missing", oap().build(), Instant.parse("2024-06-01T10:00:00Z")));
        assertEquals(List.of(), engine.duties("no-such-event", oap().build(), Instant.parse("2026-06-01T10:00:00Z")));
    }
}
