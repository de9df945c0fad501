package uk.safeguarding.demo;

import static uk.safeguarding.demo.Journey.HOME_COUNCIL;
import static uk.safeguarding.demo.Journey.NHS;
import static uk.safeguarding.demo.Journey.SCHOOL;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Step 7: back home and no longer in care, she goes missing from home twice more. The Met reports each
 * episode with nothing but her identifier and the home council and school: the home council and her
 * school's DSL are told, the return home interview is offered within 72 hours through the service that
 * stands for her (her placement named Tower Hamlets' own; a child never in care gets the council's
 * commissioned charity), and the third episode in 90 days (the first was from the placement, step 4)
 * raises a strategy-discussion duty to the home council.
 */
final class MissingFromHome {

    private final Journey j;
    private final Api api;

    MissingFromHome(Journey journey) {
        this.j = journey;
        this.api = journey.api;
    }

    void play() {
        j.begin(7, "Home again, she goes missing from home, twice",
                "She is no longer in care, so no placement says who must hear. In the weeks after her return (minutes"
                        + " apart here) she goes missing from home twice. The Met reports each episode naming only her"
                        + " NHS number, her home council and her school: the council and the school's designated"
                        + " safeguarding lead must hear, the return home interview must be offered within 72 hours"
                        + " through her return interview service, and her third episode in 90 days"
                        + " must put a strategy discussion in front of the home council within a working day.");
        String met = api.client("police-met");
        String childId = j.childId();

        long started = System.nanoTime();
        Api.Call first = report(met, "Did not come home after school; her mother called 101");
        j.check("reported with her identifier, the home council and the school: 201",
                first.status() == 201 && childId.equals(first.str("childId")), first.status() + "");
        j.say("recipients named in the answer: " + Json.list(first.body(), "recipients")
                + " (agencies already involved are told too, but the answer does not list them)");
        j.told("child-missing", childId, Set.of(HOME_COUNCIL, SCHOOL), started);
        String rhiDue = found(met, first.str("id"), "Found at a friend's flat in Stratford");

        long third = System.nanoTime();
        Api.Call again = report(met, "Left the house at 22:00; phone switched off");
        j.check("the second episode from home is reported", again.status() == 201, again.status() + "");
        Map<String, Receivers.Delivery> repeat = j.told("repeat-missing", childId, Set.of(HOME_COUNCIL), third);
        Receivers.Delivery duty = repeat.get(HOME_COUNCIL);
        if (duty != null) {
            j.say("Tower Hamlets is asked to consider a strategy discussion: duty " + duty.data().get("dutyRef")
                    + ", due " + duty.data().get("deadline") + " (" + duty.data().get("deadlineRule") + ")");
        }
        j.check("the third episode in 90 days raises the strategy-discussion duty",
                duty != null && String.valueOf(duty.data().get("dutyRef")).endsWith("#repeat-missing-strategy"),
                duty == null ? "not received" : String.valueOf(duty.data().get("dutyRef")));
        found(met, again.str("id"), "Came home by herself the next morning");
        j.fact("missingFromHome.rhiDueAt", rhiDue);
        j.fact("missingFromHome.strategyDuty", duty == null ? null : duty.data().get("dutyRef"));
        j.end();
    }

    private Api.Call report(String met, String circumstances) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("child", Map.of("system", NHS, "value", j.nhsNumber()));
        body.put("homeCouncil", HOME_COUNCIL);
        body.put("school", SCHOOL.substring("school:".length()));
        body.put("missingSince", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("circumstances", circumstances);
        return j.show(api.post("/api/v1/missing-episodes", "police-met (home police)", met, "MISSING-RESPONSE", body),
                "report her missing from home");
    }

    /** Found: the return home interview is offered through the home council's commissioned charity within 72 hours. */
    private String found(String met, String episode, String where) {
        long started = System.nanoTime();
        Api.Call found = j.show(api.post("/api/v1/missing-episodes/" + episode + "/found", "police-met", met,
                "MISSING-RESPONSE", Map.of("locationFound", where)), "found");
        String due = found.str("rhiDueAt");
        j.check("found; the return home interview is due within 72 hours", found.status() == 200 && due != null
                && !Instant.parse(due).isAfter(Instant.now().plus(72, ChronoUnit.HOURS).plusSeconds(60)), "due " + due);
        List<Object> notified = Json.list(found.body(), "event", "notified");
        j.say("told of her return: " + notified.stream().map(n -> Json.str(n, "agency")).toList());
        // Her placement named Tower Hamlets' own return interview service, so the offer is Tower Hamlets' (one
        // alert carries both duties); a child never in care gets the council's commissioned charity.
        j.told("child-found", j.childId(), Set.of(HOME_COUNCIL), started);
        return due;
    }
}
