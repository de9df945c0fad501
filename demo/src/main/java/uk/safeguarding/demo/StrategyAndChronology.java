package uk.safeguarding.demo;

import static uk.safeguarding.demo.Journey.HOME_POLICE;
import static uk.safeguarding.demo.Journey.SG;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Step 8: the repeat-missing duty is answered. Tower Hamlets convenes a strategy discussion with the Met
 * invited, decides on a section 47 enquiry and gives the Met an action that is already late
 * (its due date was yesterday, so the demo does not wait a day): the gateway raises the protocol's overdue
 * duty to the Met, whose inbox lists the action as overdue. Then her chronology: each agency reads her
 * story as its own decisions release it, and Homerton, which holds standing with her (the MASH's health
 * partner) but was not invited, does not see the discussion at all.
 */
final class StrategyAndChronology {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    private final Journey j;
    private final Api api;

    StrategyAndChronology(Journey journey) {
        this.j = journey;
        this.api = journey.api;
    }

    void play() throws InterruptedException {
        j.begin(8, "A strategy discussion, an action nobody may forget, and her story in one place",
                "Three episodes in 90 days: children's social care convenes a strategy discussion with the police and"
                        + " health. It agrees a section 47 enquiry and an action for the Met, with a due date. An action"
                        + " nobody followed up is what the reviews found; here a late action is a duty in its owner's inbox"
                        + " that escalates to the convener. Then her chronology, read by three agencies, each as its own"
                        + " decisions release it.");
        String council = api.client("la-tower-hamlets");
        String met = api.client("police-met");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("childId", j.childId());
        body.put("heldAt", Instant.now().toString());
        body.put("summary", "Third missing episode in 90 days; found with older adults.");
        body.put("invitees", List.of(HOME_POLICE));
        body.put("informationShared", List.of("missing", "police-intelligence", "health"));
        body.put("exploitation", true);
        body.put("nextReviewOn", LocalDate.now(LONDON).plusDays(28).toString());
        Api.Call convened = j.show(api.post("/api/v1/strategy-discussions", "la-tower-hamlets (children's social care)", council,
                SG, body), "convene a strategy discussion, the Met invited");
        String discussion = convened.str("id");
        j.check("convened (201): the protocol's clause lets the council convene", convened.status() == 201,
                convened.status() + "");
        Api.Call decided = j.show(api.post("/api/v1/strategy-discussions/" + discussion + "/decision", "la-tower-hamlets", council,
                SG, Map.of("decision", "S47")), "decision: a section 47 enquiry");
        j.check("decided S47", decided.status() == 200 && "S47".equals(decided.str("decision")), decided.status() + "");
        Api.Call action = j.show(api.post("/api/v1/strategy-discussions/" + discussion + "/actions", "la-tower-hamlets", council,
                SG, Map.of("ownerAgency", HOME_POLICE, "description", "Map her associates and the addresses she was found at.",
                        "dueOn", LocalDate.now(LONDON).minusDays(1).toString())), "an action for the Met, due yesterday");
        String actionId = action.str("id");
        j.check("the action is the Met's, with a due date", action.status() == 201, action.status() + "");

        j.say("The gateway's action clock finds it late and raises the protocol's duty to the Met (every few seconds here).");
        Object listed = null;
        for (int i = 0; i < 60 && (listed == null || !Boolean.TRUE.equals(Json.at(listed, "overdue"))); i++) {
            Thread.sleep(500);
            Api.Call inbox = api.get("/api/v1/inbox?kind=strategy-action", "police-met", met, SG);
            listed = Json.list(inbox.body()).stream().filter(e -> actionId != null && actionId.equals(Json.str(e, "actionId")))
                    .findFirst().orElse(null);
        }
        j.show(api.get("/api/v1/inbox?kind=strategy-action", "police-met", met, SG), "the Met's inbox");
        boolean overdue = listed != null && Boolean.TRUE.equals(Json.at(listed, "overdue"));
        j.check("the Met's inbox lists its action as overdue (a duty that escalates to Tower Hamlets if not acknowledged today)",
                overdue, String.valueOf(listed));

        Map<String, List<String>> stories = new LinkedHashMap<>();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (String[] reader : List.of(new String[] {"la-tower-hamlets", "Tower Hamlets (convened it)"},
                new String[] {"police-met", "the Met (invited)"},
                new String[] {"nhs-homerton", "Homerton (her MASH health partner, not invited)"})) {
            Api.Call read = j.show(api.get("/api/v1/children/" + j.childId() + "/chronology?limit=200", reader[1],
                    api.client(reader[0]), SG), "her chronology");
            List<String> kinds = read.status() == 200
                    ? Json.list(read.body(), "entries").stream().map(e -> Json.str(e, "kind")).toList() : List.of();
            stories.put(reader[0], kinds);
            statuses.put(reader[0], read.status());
            j.say(reader[1] + ": " + read.status() + ", " + kinds.size() + " entries " + kinds);
        }
        j.check("the convener's story has the discussion, its decision, the action and its overdue duty",
                stories.get("la-tower-hamlets").containsAll(List.of("strategy-discussion", "strategy-decision", "strategy-action",
                        "strategy-action-overdue")), stories.get("la-tower-hamlets").toString());
        j.check("the Met, invited, reads the discussion in her story",
                statuses.get("police-met") == 200 && stories.get("police-met").contains("strategy-discussion"), statuses + " " + stories);
        j.check("Homerton reads her story but, not invited, sees none of the discussion", statuses.get("nhs-homerton") == 200
                && stories.get("nhs-homerton").stream().noneMatch(k -> k.startsWith("strategy")), statuses + " " + stories);
        j.fact("strategy.discussionId", discussion);
        j.fact("strategy.actionId", actionId);
        j.fact("strategy.overdueInInbox", overdue);
        j.fact("chronology.stories", stories);
        j.fact("chronology.statuses", statuses);
    }
}
