package uk.safeguarding.demo;

import static uk.safeguarding.demo.Journey.HOME_COUNCIL;
import static uk.safeguarding.demo.Journey.HOST_COUNCIL;
import static uk.safeguarding.demo.Journey.HOST_POLICE;
import static uk.safeguarding.demo.Journey.PROVIDER;
import static uk.safeguarding.demo.Journey.SG;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Step 5: a downgrade needs a second approver, and the agreement of every agency whose level it goes
 * below. The API answers the officer's proposal with 201 (kept, not in effect) and asks Tower Hamlets,
 * whose HIGH it would go below, at once; the officer's own approval is 403, and her level as every
 * agency reads it stays HIGH until a Met supervisor approves and a Tower Hamlets supervisor agrees.
 */
final class RiskDowngrade {

    private final Journey j;
    private final Api api;

    RiskDowngrade(Journey journey) {
        this.j = journey;
        this.api = journey.api;
    }

    void play() {
        j.begin(5, "Police try to downgrade her risk",
                "A Met officer wants her risk lowered from high to low. The protocol says a downgrade needs a rationale"
                        + " and a second approver, and Tower Hamlets assessed her HIGH: it must agree. The gateway keeps the"
                        + " officer's proposal (201) with no effect and asks Tower Hamlets now, before anything changes; the"
                        + " officer approving it themselves is refused. A Met supervisor approves it, a Tower Hamlets"
                        + " supervisor agrees: only then does it take effect and go to every agency involved.");
        String childId = j.childId();
        String officer = api.user("officer.met");
        long proposed = System.nanoTime();
        Api.Call proposal = j.show(api.post("/api/v1/children/" + childId + "/risk-assessments", "officer.met", officer, SG,
                Map.of("level", "LOW", "rationale", "Engaging with the CSE worker; no missing episodes since she was found", "reviewBy", java.time.LocalDate.now().plusMonths(6).toString())),
                "propose LOW without a second approver");
        String id = proposal.str("id");
        j.say("the gateway's answer: proposal " + id + " recorded, inEffect=" + Json.at(proposal.body(), "inEffect")
                + "; asked to agree first: " + Json.list(proposal.body(), "agreements").stream()
                        .map(a -> Json.str(a, "agency")).toList());
        j.check("the downgrade is not in effect; only Tower Hamlets, whose HIGH it goes below, is asked", proposal.status() == 201
                && Boolean.FALSE.equals(Json.at(proposal.body(), "inEffect"))
                && Json.list(proposal.body(), "notified", "sent").stream().allMatch(n -> HOME_COUNCIL.equals(Json.str(n, "agency"))),
                proposal.status() + " inEffect=" + Json.at(proposal.body(), "inEffect"));
        Api.Call self = j.show(api.post("/api/v1/risk-assessments/" + id + "/approval", "officer.met", officer, SG, null),
                "the officer tries to make it effective by approving it themselves");
        j.check("refused: the officer cannot be their own second approver", self.status() == 403
                && "SELF_APPROVAL".equals(self.code()), self.status() + " " + self.code());
        String held = currentLevel("while the downgrade awaits approval");
        j.check("her risk level is unchanged: still HIGH", "HIGH".equals(held), held);
        j.check("no agency was sent the held downgrade", j.receivers.received("risk-changed", childId, proposed).isEmpty(),
                j.receivers.received("risk-changed", childId, proposed).keySet().toString());

        long started = System.nanoTime();
        Api.Call approval = j.show(api.post("/api/v1/risk-assessments/" + id + "/approval", "supervisor.met",
                api.user("supervisor.met"), SG, null), "a Met supervisor approves");
        j.check("approved, still waiting for Tower Hamlets", approval.status() == 200
                && Boolean.FALSE.equals(Json.at(approval.body(), "inEffect")), approval.status() + " inEffect="
                + Json.at(approval.body(), "inEffect"));
        Api.Call approved = j.show(api.post("/api/v1/risk-assessments/" + id + "/agreement", "supervisor.towerhamlets",
                api.user("supervisor.towerhamlets"), SG, Map.of("agree", true,
                        "rationale", "Strategy meeting agreed: engaged with the CSE worker, no missing episodes")),
                "a Tower Hamlets supervisor agrees");
        Set<String> sent = new TreeSet<>();
        Json.list(approved.body(), "notified", "sent").forEach(n -> sent.add(Json.str(n, "agency")));
        j.check("in effect with the approval and the agreement, and sent to everyone involved", approved.status() == 200
                && Boolean.TRUE.equals(Json.at(approved.body(), "inEffect"))
                && sent.containsAll(Set.of(HOME_COUNCIL, HOST_COUNCIL, HOST_POLICE, PROVIDER)), "sent to " + sent);
        j.say("in effect from " + approved.str("approvedAt") + ", approved by " + api.who(approved.str("approvedBy")));
        String now = currentLevel("after the approval");
        j.check("her risk level is now LOW", "LOW".equals(now), now);
        j.told("risk-changed", childId, sent, started);
        j.fact("downgrade.proposal", proposal.status());
        j.fact("downgrade.proposalInEffect", Json.at(proposal.body(), "inEffect"));
        j.fact("downgrade.selfApproval", self.status());
        j.fact("downgrade.levelWhileHeld", held);
        j.fact("downgrade.approved", approved.status());
        j.fact("downgrade.approvedBy", api.who(approved.str("approvedBy")));
        j.fact("downgrade.levelAfter", now);
        j.end();
    }

    /** Her level as the home council reads it: the latest assessment in effect. */
    private String currentLevel(String when) {
        Api.Call history = j.show(api.get("/api/v1/children/" + j.childId() + "/risk-assessments",
                "la-tower-hamlets", api.client("la-tower-hamlets"), SG), "her risk history, " + when);
        String level = null;
        List<Object> assessments = Json.list(history.body());
        for (Object a : assessments) {
            if (Boolean.TRUE.equals(Json.at(a, "inEffect"))) {
                level = Json.str(a, "level");
            }
        }
        j.say(assessments.size() + " assessments on record; the one in effect says " + level);
        return level;
    }
}
