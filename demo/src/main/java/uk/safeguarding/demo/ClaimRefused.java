package uk.safeguarding.demo;

import static uk.safeguarding.demo.Journey.HOST_COUNCIL;
import static uk.safeguarding.demo.Journey.HOST_POLICE;
import static uk.safeguarding.demo.Journey.NHS;
import static uk.safeguarding.demo.Journey.OTHER_PROVIDER;
import static uk.safeguarding.demo.Journey.SG;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The start of step 3: before her home council places her, a council that has never been involved
 * with her records a placement naming itself her placing authority (a case system's mistake, or worse).
 * The gateway accepts the record and answers as it would for any child, but gives that council nothing
 * that existed before its claim; her home council, already involved, is asked to confirm the claim
 * and refuses it; both councils' DPOs see the attempt.
 */
final class ClaimRefused {

    private final Journey j;
    private final Api api;

    ClaimRefused(Journey journey) {
        this.j = journey;
        this.api = journey.api;
    }

    void play(String referralId) {
        j.say("First, a council with no part in her care claims her. Lancashire's case system records a placement"
                + " naming Lancashire as her placing authority.");
        String lancashire = api.client("la-lancashire");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("child", Map.of("system", NHS, "value", j.nhsNumber()));
        body.put("provider", OTHER_PROVIDER);
        body.put("hostCouncil", HOST_COUNCIL);
        body.put("hostPolice", HOST_POLICE);
        body.put("startDate", LocalDate.now().plusDays(5).toString());
        Api.Call claim = j.show(api.post("/api/v1/placements", "la-lancashire (a council not involved)", lancashire,
                "CARE-PLANNING", body), "a placement naming itself her placing authority");
        j.check("recorded (201), answered as for any child: the answer does not say whether she was known",
                claim.status() == 201 && j.childId().equals(claim.str("childId")), claim.status() + "");
        Api.Call peek = j.show(api.get("/api/v1/referrals/" + referralId, "la-lancashire", lancashire, SG),
                "the police referral made before its claim");
        j.check("nothing that existed before its claim: 404, as for a record that does not exist",
                peek.status() == 404 && "NOT_FOUND".equals(peek.code()), peek.status() + " " + peek.code());

        String council = api.client("la-tower-hamlets");
        Api.Call asked = j.show(api.get("/api/v1/relationship-claims", "la-tower-hamlets (her home council)", council, SG),
                "claims it is asked to confirm");
        Object found = Json.list(asked.body()).stream().filter(c -> j.childId().equals(Json.str(c, "childId")))
                .findFirst().orElse(null);
        String claimId = found == null ? null : Json.str(found, "id");
        j.check("her home council is asked to confirm it, with a deadline (a working day, then its supervisor)",
                claimId != null && Json.str(found, "dueAt") != null, found == null ? "no claim" : "due " + Json.str(found, "dueAt"));
        if (claimId == null) {
            return;
        }
        j.say("The claim is also in both councils' DPO review queues (ASSERTED_STANDING).");
        Api.Call refused = j.show(api.post("/api/v1/relationship-claims/" + claimId + "/refusal", "la-tower-hamlets", council, SG,
                Map.of("reason", "She is our looked-after child; Lancashire has no order or placement for her.")),
                "refuse the claim");
        j.check("refused: every relationship the claim created ends, and Lancashire is told",
                refused.status() == 200 && "REFUSED".equals(refused.str("status")), refused.status() + " " + refused.str("status"));
        j.fact("placement.claimRefused", claimId);
    }
}
