package uk.safeguarding.demo;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Step 7: the DPO verifies the chain, reads the child's disclosure report, sees the override flags
 * (the consent override of step 4 in the override list, the anomaly queue and the report; the
 * downgrade's second approvals in the audit search), then catches one audit row altered in the database.
 */
final class DpoReview {

    /** The anomaly detector scans sealed events every 30 s by default; give it two rounds. */
    private static final Duration ANOMALY_WAIT = Duration.ofSeconds(75);

    private final Journey j;
    private final Api api;
    private final AuditTamper tamper;

    DpoReview(Journey journey, AuditTamper tamper) {
        this.j = journey;
        this.api = journey.api;
        this.tamper = tamper;
    }

    void play() throws Exception {
        j.begin(9, "The DPO checks the record, and catches a forgery",
                "Tower Hamlets' data protection officer, the partnership's lead DPO, verifies the audit chain, reads the disclosure report for"
                        + " the child (who received what, when, why, on which lawful basis), and sees the override flags:"
                        + " the Met's override of her refusal, in the override list, the anomaly queue and the report,"
                        + " and the downgrade's second approvals. Then someone with database superuser rights quietly"
                        + " changes one audit row; verification names the row.");
        String childId = j.childId();
        String overrideId = (String) j.stepFact(4, "override.id");
        // The override released Homerton's health to the Met: Homerton's and the Met's DPOs see it in their own
        // scope; Tower Hamlets' DPO, the partnership's lead, sees it in the partnership view (itself flagged).
        String dpo = api.user("lead-dpo.towerhamlets");
        // POST: a full pass now (GET answers from the scheduled verifier's state, which trails by up to its interval).
        Api.Call verify = j.show(api.post("/api/v1/audit/verify", "lead-dpo.towerhamlets", dpo, "DPO-REVIEW", null), "verify the chain");
        j.check("audit chain intact", verify.status() == 200 && Boolean.TRUE.equals(Json.at(verify.body(), "intact")),
                verify.str("entriesChecked") + " entries checked, " + verify.str("checkpointsChecked") + " signed checkpoints");

        Api.Call report = j.show(api.get("/api/v1/audit/children/" + childId + "/disclosures?requester=child&scope=partnership",
                "lead-dpo.towerhamlets", dpo, "DPO-REVIEW"), "disclosure report for the child");
        List<Object> disclosures = Json.list(report.body(), "disclosures");
        Map<String, Integer> byRecipient = new LinkedHashMap<>();
        for (Object d : disclosures) {
            byRecipient.merge(Objects.toString(Json.str(d, "recipient", "agency")), 1, Integer::sum);
        }
        j.say(disclosures.size() + " disclosures: " + byRecipient);
        j.check("the disclosure report lists what each agency received", report.status() == 200 && !disclosures.isEmpty(),
                byRecipient.size() + " recipients");
        List<Object> overridden = disclosures.stream()
                .filter(d -> Boolean.TRUE.equals(Json.at(d, "override", "used"))).toList();
        for (Object d : overridden) {
            j.say("override used: " + Json.str(d, "when") + " " + Json.str(d, "recipient", "agency") + " received "
                    + Json.list(d, "categories") + " on " + Json.str(d, "lawfulBasis") + " (" + Json.str(d, "action") + ")");
        }
        j.check("the report marks the health the Met received on the override", overridden.stream()
                .anyMatch(d -> Journey.HOME_POLICE.equals(Json.str(d, "recipient", "agency"))
                        && Json.list(d, "categories").contains("health")), overridden.size() + " marked");

        Api.Call list = j.show(api.get("/api/v1/audit/consent-overrides?scope=partnership", "lead-dpo.towerhamlets", dpo,
                "DPO-REVIEW"),
                "consent overrides awaiting the DPO's review");
        Object ours = Json.list(list.body()).stream().filter(o -> Objects.equals(overrideId, Json.str(o, "id")))
                .findFirst().orElse(null);
        if (ours != null) {
            j.say(Json.str(ours, "id") + ": " + Json.list(ours, "categories") + " " + Json.str(ours, "status") + ", requested by "
                    + api.who(Json.str(ours, "requestedBy")) + " (" + Json.str(ours, "requestedByAgency") + "), approved by "
                    + api.who(Json.str(ours, "approvedBy")) + ", basis " + Json.str(ours, "lawfulBasis") + ", consent "
                    + Json.str(ours, "consentStates", "health") + "; \"" + Json.str(ours, "justification") + "\"");
        }
        j.check("the override is on the DPO's review list with its justification and approver", ours != null
                && MissingAndFound.JUSTIFICATION.equals(Json.str(ours, "justification"))
                && "supervisor.met".equals(api.who(Json.str(ours, "approvedBy"))), ours == null ? "not listed" : "listed");

        Api.Call flaggedCall = j.show(api.get("/api/v1/audit/events?childId=" + childId + "&override=true&scope=partnership",
                "lead-dpo.towerhamlets", dpo, "DPO-REVIEW"), "audit events with an override or second approver");
        List<Object> flagged = Json.list(flaggedCall.body(), "items");
        for (Object e : flagged) {
            j.say(Json.str(e, "recordedAt") + " " + Json.str(e, "action") + " by " + api.who(Json.str(e, "actor", "subject"))
                    + " (" + Json.str(e, "actor", "agency") + ")"
                    + (Json.str(e, "override", "approver") == null ? "" : ", second person " + api.who(Json.str(e, "override", "approver")))
                    + (Json.str(e, "override", "justification") == null ? "" : ", justified")
                    + ": " + Json.str(e, "decision") + " " + Json.str(e, "outcome")
                    + (Json.str(e, "denialCode") == null ? "" : " " + Json.str(e, "denialCode")));
        }
        j.check("the read on the override is flagged with its justification and approver", flagged.stream()
                .anyMatch(e -> "referral.read".equals(Json.str(e, "action")) && "PERMIT".equals(Json.str(e, "decision"))
                        && MissingAndFound.JUSTIFICATION.equals(Json.str(e, "override", "justification"))
                        && "supervisor.met".equals(api.who(Json.str(e, "override", "approver")))), flagged.size() + " flagged");
        j.check("the downgrade's approval is flagged, the refused self-approval too", flagged.stream()
                .anyMatch(e -> "risk.approve-downgrade".equals(Json.str(e, "action")) && "PERMIT".equals(Json.str(e, "decision")))
                && flagged.stream().anyMatch(e -> "SELF_APPROVAL".equals(Json.str(e, "denialCode"))), null);

        Map<String, String> actions = new LinkedHashMap<>();
        flagged.forEach(e -> actions.put(Json.str(e, "id"), Json.str(e, "action")));
        List<Object> anomalies = overrideAnomalies(dpo, childId, actions);
        j.check("the anomaly queue flags the read on the override for the DPO", anomalies.stream()
                .anyMatch(a -> "referral.read".equals(actions.get(Json.str(a, "firstEventId")))),
                anomalies.size() + " OVERRIDE flags for the child");

        AuditTamper.Altered target = tamper.find(UUID.fromString(childId), "philomena.read", 200)
                .orElseThrow(() -> new IllegalStateException("no sealed philomena.read event for the child"));
        AuditTamper.Altered altered = tamper.setOutcome(target, 403);
        j.say("a superuser switches the append-only trigger off for one UPDATE and turns the record of the host"
                + " police reading the Philomena profile (event " + altered.eventId() + ", chain position " + altered.seq()
                + ") from outcome " + altered.oldOutcome() + " into " + altered.newOutcome() + ", as if the read had been refused");
        Api.Call again = j.show(api.post("/api/v1/audit/verify", "lead-dpo.towerhamlets", dpo, "DPO-REVIEW", null), "verify again");
        String kind = Json.str(again.body(), "firstProblem", "kind");
        String seq = Json.str(again.body(), "firstProblem", "seq");
        String eventId = Json.str(again.body(), "firstProblem", "eventId");
        j.say("first problem: " + kind + " at position " + seq + ", event " + eventId + " ("
                + Json.str(again.body(), "firstProblem", "detail") + ")");
        j.check("verification names the altered row", Boolean.FALSE.equals(Json.at(again.body(), "intact"))
                && "EDITED".equals(kind) && String.valueOf(altered.seq()).equals(seq)
                && altered.eventId().toString().equals(eventId), kind + " at " + seq);
        j.fact("tampered", altered);
        j.fact("disclosures", disclosures.size());
        j.fact("disclosures.override", overridden.size());
        j.fact("overrideListed", ours != null);
        j.fact("overrideFlags", flagged.size());
        j.fact("anomalies.override", anomalies.size());
        j.end();
    }

    /** The anomaly detector works on sealed events in the background, so its flags may need a moment. */
    private List<Object> overrideAnomalies(String dpo, String childId, Map<String, String> actions)
            throws InterruptedException {
        long deadline = System.nanoTime() + ANOMALY_WAIT.toNanos();
        int polls = 0;
        while (true) {
            Api.Call queue = api.get("/api/v1/audit/anomalies?kind=OVERRIDE&limit=500&scope=partnership", "lead-dpo.towerhamlets",
                    dpo, "DPO-REVIEW");
            polls++;
            List<Object> ours = Json.list(queue.body()).stream().filter(a -> childId.equals(Json.str(a, "childId"))).toList();
            boolean readFlagged = ours.stream().anyMatch(a -> "referral.read".equals(actions.get(Json.str(a, "firstEventId"))));
            if (readFlagged || System.nanoTime() > deadline) {
                j.show(queue, "the anomaly queue, OVERRIDE flags" + (polls > 1 ? " (asked " + polls + " times while the"
                        + " detector caught up)" : ""));
                for (Object a : ours) {
                    // The flag's summary does not name the action; its first event (from the search above) does.
                    j.say(Json.str(a, "detectedAt") + " " + Json.str(a, "kind") + " " + api.who(Json.str(a, "subject")) + " ("
                            + Json.str(a, "agency") + "): " + Json.str(a, "summary") + ", event "
                            + actions.getOrDefault(Json.str(a, "firstEventId"), Json.str(a, "firstEventId")));
                }
                return ours;
            }
            Thread.sleep(3_000);
        }
    }
}
