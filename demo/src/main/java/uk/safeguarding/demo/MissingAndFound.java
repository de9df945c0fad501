package uk.safeguarding.demo;

import static uk.safeguarding.demo.Journey.HOME_COUNCIL;
import static uk.safeguarding.demo.Journey.HOME_POLICE;
import static uk.safeguarding.demo.Journey.HOST_COUNCIL;
import static uk.safeguarding.demo.Journey.HOST_POLICE;
import static uk.safeguarding.demo.Journey.SG;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Step 4: she goes missing from the placement. Alerts, the Philomena profile while she is missing,
 * the Met's consent override of her refusal (approved by a Met supervisor) to read the clinic
 * information Homerton shared in step 2, and her return with the 72-hour interview clock.
 */
final class MissingAndFound {

    /** Why the officer overrides her refusal; the DPO reads this in step 7. */
    static final String JUSTIFICATION = "She is missing tonight with an adult linked to her exploitation; the clinic"
            + " dates and the places she gave the clinic may show where he takes her. Asking her is not possible.";

    private final Journey j;
    private final Api api;

    MissingAndFound(Journey journey) {
        this.j = journey;
        this.api = journey.api;
    }

    void play() {
        j.begin(4, "She goes missing from the placement, and is found",
                "The council has stored her Philomena profile (associates, phones, places she may go). The home"
                        + " reports her missing: every agency the protocol names must hear within minutes, and both police"
                        + " forces may now read the profile. The Met asks to see what Homerton knows about her clinic"
                        + " visits, which she refused to share with the police: the officer overrides her refusal with a"
                        + " justification and a lawful basis, and it takes effect only when a Met supervisor approves."
                        + " When she is found the profile is withdrawn (only the force that found her may still read it,"
                        + " briefly, for its debrief) and the 72-hour clock for her return home"
                        + " interview starts.");
        String childId = j.childId();
        String council = api.client("la-tower-hamlets");
        String hostPolice = api.client("police-lancashire");
        Api.Call stored = j.show(api.put("/api/v1/children/" + childId + "/philomena", "la-tower-hamlets", council, SG,
                Map.of("associates", List.of("Adult male, 24, known as 'Jay'"), "phones", List.of("07700 900123"),
                        "places", List.of("Preston bus station"))), "store the Philomena profile");
        j.check("profile stored", stored.status() == 201, stored.status() + "");
        Api.Call early = j.show(api.get("/api/v1/children/" + childId + "/philomena", "police-lancashire (host police)",
                hostPolice, "MISSING-RESPONSE"), "host police ask for it while she is not missing");
        j.check("refused while she is not missing", early.status() == 403 && "PHILOMENA_NOT_MISSING".equals(early.code()),
                early.status() + " " + early.code());

        long started = System.nanoTime();
        // A person at the home (provider role): the home's system client has the practitioner role, which
        // the missing-from-care protocol does not let report (see docs/DEMO.md).
        Api.Call missing = j.show(api.post("/api/v1/children/" + childId + "/missing-episodes", "provider.manager (the home)",
                api.user("provider.manager"), "MISSING-RESPONSE", Map.of("missingSince", Instant.now()
                        .truncatedTo(ChronoUnit.SECONDS).toString(), "circumstances", "Did not return from school",
                        "lastSeenLocation", "Preston bus station")), "report missing");
        String episode = missing.str("id");
        j.check("missing episode opened", missing.status() == 201, missing.status() + "");
        Set<String> everyone = new TreeSet<>();
        Json.list(missing.body(), "event", "notified").forEach(n -> everyone.add(Json.str(n, "agency")));
        j.say("the gateway queued alerts for: " + everyone);
        j.check("both councils and both forces are alerted",
                everyone.containsAll(Set.of(HOME_COUNCIL, HOST_COUNCIL, HOME_POLICE, HOST_POLICE)), null);
        j.told("child-missing", childId, everyone, started);

        Api.Call profile = j.show(api.get("/api/v1/children/" + childId + "/philomena", "police-lancashire (host police)",
                hostPolice, "MISSING-RESPONSE"), "host police read the Philomena profile");
        j.check("host police read the profile while she is missing", profile.status() == 200
                && Json.at(profile.body(), "profile", "phones") != null, profile.status() + "");

        overrideRefusal();

        long foundStarted = System.nanoTime();
        Api.Call found = j.show(api.post("/api/v1/missing-episodes/" + episode + "/found", "police-lancashire", hostPolice,
                "MISSING-RESPONSE", Map.of("locationFound", "A flat in Blackpool")), "found");
        String rhiDue = found.str("rhiDueAt");
        j.check("found; return home interview due within 72 hours", found.status() == 200 && rhiDue != null
                && !Instant.parse(rhiDue).isAfter(Instant.now().plus(72, ChronoUnit.HOURS).plusSeconds(60)), "due " + rhiDue);
        // Lancashire found her in an episode the home had reported: it may read the profile for its debrief
        // for a short time (protocol clause philomena-to-finding-force); every other force is refused.
        Api.Call after = j.show(api.get("/api/v1/children/" + childId + "/philomena", "police-met (home police)",
                api.client("police-met"), "MISSING-RESPONSE"), "the home police ask once she is found");
        j.check("profile withdrawn once she is found", after.status() == 403, after.status() + " " + after.code());
        j.told("child-found", childId, Set.of(HOME_COUNCIL, HOST_COUNCIL, HOME_POLICE), foundStarted);
        j.fact("missing.alerted", everyone);
        j.fact("philomena.whileMissing", profile.status());
        j.fact("philomena.afterFound", after.status());
        j.fact("rhiDueAt", rhiDue);
        j.end();
    }

    /** Her refusal (recorded in step 2) overridden by the Met, with a supervisor's approval, for health only. */
    private void overrideRefusal() {
        String officer = api.user("officer.met");
        String path = "/api/v1/referrals/" + j.healthReferralId();
        Api.Call before = j.show(api.get(path, "officer.met (police:met)", officer, SG), "the Met reads Homerton's referral");
        j.check("health withheld from the police: she refused", before.status() == 200
                && Json.list(before.body(), "redactedCategories").contains("health")
                && Json.at(before.body(), "referral", "health") == null, "withheld " + Json.list(before.body(), "redactedCategories"));

        Api.Call asked = j.show(api.post("/api/v1/children/" + j.childId() + "/consent-overrides", "officer.met", officer, SG,
                Map.of("categories", List.of("health"), "lawfulBasis", "dpa-sch8-p4", "justification", JUSTIFICATION)),
                "override her refusal (justification and lawful basis DPA 2018 Sch 8 para 4)");
        String id = asked.str("id");
        j.say("override " + id + ": " + asked.str("status") + ", consent for health " + asked.str("consentStates", "health")
                + ", approval required " + asked.str("approvalRequired"));
        j.check("override of a refusal held until a supervisor approves", asked.status() == 201
                && "PENDING_APPROVAL".equals(asked.str("status")) && "refused".equals(asked.str("consentStates", "health")),
                asked.status() + " " + asked.str("status"));
        Api.Call still = j.show(api.get(path, "officer.met", officer, SG), "the officer reads again before approval");
        j.check("still withheld while the override awaits approval",
                Json.list(still.body(), "redactedCategories").contains("health"), still.status() + "");

        Api.Call approved = j.show(api.post("/api/v1/consent-overrides/" + id + "/approval", "supervisor.met",
                api.user("supervisor.met"), SG, null), "a Met supervisor approves the override");
        j.check("approved by a supervisor of the same force: active", approved.status() == 200
                && "ACTIVE".equals(approved.str("status")), approved.status() + " " + approved.str("status")
                + " until " + approved.str("expiresAt"));
        Api.Call read = j.show(api.get(path, "officer.met", officer, SG), "the officer reads Homerton's referral");
        boolean released = read.status() == 200 && Json.list(read.body(), "permittedCategories").contains("health")
                && Json.at(read.body(), "referral", "health") != null;
        j.say("released to the Met now: " + Json.list(read.body(), "permittedCategories")
                + "; the read is audited with the justification and the approver");
        j.check("health released to the officer on the approved override", released, read.status() + "");
        j.fact("override.id", id);
        j.fact("override.requested", asked.str("status"));
        j.fact("override.approved", approved.str("status"));
        j.fact("override.healthReleased", released);
    }
}
