package uk.safeguarding.demo;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One fictional child's journey through the gateway's public API, with real Keycloak tokens and the
 * agencies' systems stood in by {@link Receivers}. Each step narrates what was sent, who was told and
 * how long it took, and records its expectations as checks; nothing here decides an outcome itself.
 * One file on purpose: the seven steps read top to bottom as the story they tell.
 */
public final class Journey extends Narration {

    static final String HOME_COUNCIL = "la:E09000030";
    static final String HOST_COUNCIL = "la:E10000017";
    static final String HOME_POLICE = "police:met";
    static final String HOST_POLICE = "police:lancashire";
    static final String HOME_HEALTH = "nhs:RQX";
    static final String HOST_HEALTH = "nhs:QE1";
    static final String SCHOOL = "school:100000";
    static final String PROVIDER = "provider:SC123456";
    static final String OTHER_PROVIDER = "provider:SC654321";
    static final List<String> AGENCIES = List.of(HOME_COUNCIL, HOST_COUNCIL, HOME_POLICE, HOST_POLICE, HOME_HEALTH,
            HOST_HEALTH, SCHOOL, PROVIDER, OTHER_PROVIDER);
    private static final Map<String, String> NAMES = Map.of(
            HOME_COUNCIL, "Tower Hamlets children's services (home council)",
            HOST_COUNCIL, "Lancashire children's services (host council)",
            HOME_POLICE, "the Metropolitan Police (home police)",
            HOST_POLICE, "Lancashire Constabulary (host police)",
            HOME_HEALTH, "Homerton NHS trust (home health)",
            HOST_HEALTH, "Lancashire and South Cumbria ICB (host health)",
            SCHOOL, "her school (URN 100000)",
            PROVIDER, "the children's home (Ofsted SC123456)",
            OTHER_PROVIDER, "an unrelated children's home (SC654321)");
    static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    private static final String SG = "SAFEGUARDING";

    private final AuditTamper tamper;
    private final String nhsNumber;
    private final LocalDate birthDate;
    private String referralId;
    private String childId;
    private String placementId;

    /**
     * @param tamper superuser access to the gateway's database, for the one deliberate alteration in step 7
     * @param out    where the narration goes, line by line
     * @param pause  run between steps (the demo waits for Enter or a few seconds; the test does nothing)
     */
    public Journey(Api api, Receivers receivers, AuditTamper tamper, Consumer<String> out, Runnable pause) {
        super(api, receivers, out, pause);
        this.tamper = tamper;
        this.nhsNumber = newNhsNumber(new Random());
        this.birthDate = LocalDate.now().minusYears(13).minusDays(100);
    }

    static String name(String agency) {
        return NAMES.getOrDefault(agency, agency) + " [" + agency + "]";
    }

    public String childId() {
        return childId;
    }

    /** Plays the whole journey; returns every step's result (also when one goes wrong). */
    public List<Step> play() throws Exception {
        subscribe();
        refer();
        mashDecides();
        placeOutOfArea();
        missingAndFound();
        downgradeRisk();
        returnHome();
        dpoReview();
        return steps();
    }

    /** The agencies' systems register their webhook endpoints through the admin subscription API. */
    void subscribe() {
        String admin = api.client("gateway-admin");
        Api.Call existing = api.get("/api/v1/admin/subscriptions", "gateway-admin", admin, null);
        for (Object s : Json.list(existing.body())) {
            if (AGENCIES.contains(Json.str(s, "agency"))) {
                api.delete("/api/v1/admin/subscriptions/" + Json.str(s, "id"), "gateway-admin", admin);
            }
        }
        for (String agency : AGENCIES) {
            Api.Call made = api.post("/api/v1/admin/subscriptions", "gateway-admin", admin, null,
                    Map.of("agency", agency, "url", receivers.url(agency)));
            if (made.status() != 201) {
                throw new IllegalStateException("Subscribing " + agency + " failed: " + made.status() + " " + made.raw());
            }
            receivers.secret(agency, made.str("secret"));
        }
    }

    // ------------------------------------------------------------------ step 1

    void refer() {
        begin(1, "A police officer refers a 13-year-old girl",
                "A Met officer is worried about a 13-year-old Tower Hamlets girl seen getting into cars with adult men."
                        + " The force's system sends a referral to the gateway. The first attempt leaves out her date of"
                        + " birth; the second describes a 24-year-old man as her \"boyfriend\".");
        String officer = api.user("officer.met");
        Map<String, Object> referral = referral(false);
        Api.Call first = show(api.post("/api/v1/referrals", "officer.met (police:met)", officer, SG, referral),
                "a referral with no date of birth");
        check("refused without her date of birth, naming the field and the rule", first.status() == 400
                && hasError(first, "/child/birthDate", "DATE_OF_BIRTH_REQUIRED"), first.status() + " " + first.code());
        say("Nothing was stored: the inquiries found risk cannot be judged without the child's age.");

        long started = System.nanoTime();
        Api.Call second = show(api.post("/api/v1/referrals", "officer.met (police:met)", officer, SG, referral(true)),
                "the corrected referral");
        referralId = second.str("id");
        childId = second.str("childId");
        List<Object> warnings = Json.list(second.body(), "warnings");
        for (Object w : warnings) {
            say("warning on " + Json.str(w, "field") + ": " + Json.str(w, "message"));
        }
        check("accepted (201) with a receipt", second.status() == 201 && referralId != null, "referral " + referralId);
        check("warned about victim-blaming language (\"boyfriend\" for an adult)", warnings.stream()
                .anyMatch(w -> "VICTIM_BLAMING_LANGUAGE".equals(Json.str(w, "rule"))
                        && Objects.toString(Json.str(w, "message"), "").toLowerCase().contains("boyfriend")), warnings.size() + " warning(s)");
        for (Object r : Json.list(second.body(), "recipients")) {
            say("routed to " + name(Json.str(r, "agency")) + ": " + Json.list(r, "categories") + ", to acknowledge by "
                    + Json.str(r, "ackDueAt"));
        }
        fact("status.withoutBirthDate", first.status());
        fact("status.referral", second.status());
        fact("warnings", warnings.size());
        told("referral-received", referralId, Set.of(HOME_COUNCIL, HOME_HEALTH), started);
        end();
    }

    private Map<String, Object> referral(boolean complete) {
        Map<String, Object> child = new LinkedHashMap<>();
        child.put("nhsNumber", nhsNumber);
        child.put("givenName", "Amira");
        child.put("familyName", "Demo");
        if (complete) {
            child.put("birthDate", birthDate.toString());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requesterAgency", HOME_POLICE);
        body.put("requesterContact", "mash-police@met.police.example");
        body.put("homeCouncil", HOME_COUNCIL);
        body.put("child", child);
        body.put("riskLevel", "high");
        body.put("concernCategories", List.of("child-sexual-exploitation", "missing"));
        body.put("summary", complete
                ? "Seen getting into cars with adult males near the school; her boyfriend, a 24-year-old man, collects her."
                : "Seen getting into cars with adult males near the school.");
        body.put("policeIntelligence", Map.of("text", "Two adult males linked to the vehicle are subject to a CAWN.",
                "grading", "2B", "handlingCode", "C"));
        body.put("missing", "Missing three times in the last month; returned each time by taxi.");
        return body;
    }

    // ------------------------------------------------------------------ step 2

    void mashDecides() {
        begin(2, "The home council's MASH receives, acknowledges and accepts",
                "Tower Hamlets' MASH finds the referral in its inbox, acknowledges it and accepts it, and records"
                        + " her risk as high. Lancashire and South Cumbria ICB has no relationship with her yet:"
                        + " when it asks for the referral it is told it does not exist, and the refusal is audited.");
        String mash = api.client("la-tower-hamlets");
        Api.Call inbox = show(api.get("/api/v1/inbox", "la-tower-hamlets (la:E09000030)", mash, SG), "its inbox");
        check("the referral is in the MASH inbox", Json.list(inbox.body()).stream()
                .anyMatch(e -> referralId.equals(Json.str(e, "referralId"))), null);
        Api.Call ack = show(api.post("/api/v1/referrals/" + referralId + "/acknowledge", "la-tower-hamlets", mash, SG, null),
                "acknowledge");
        check("acknowledged", ack.status() == 200, String.valueOf(ack.status()));
        Api.Call accept = show(api.post("/api/v1/referrals/" + referralId + "/accept", "la-tower-hamlets", mash, SG,
                Map.of("reason", "Meets the threshold for a strategy discussion")), "accept");
        check("accepted", accept.status() == 200, String.valueOf(accept.status()));
        long started = System.nanoTime();
        Api.Call risk = show(api.post("/api/v1/children/" + childId + "/risk-assessments", "la-tower-hamlets", mash, SG,
                Map.of("level", "HIGH", "rationale", "CSE indicators, repeated missing episodes")), "risk: HIGH");
        check("risk recorded as HIGH and in effect", risk.status() == 201 && Boolean.TRUE.equals(Json.at(risk.body(), "inEffect")),
                String.valueOf(risk.status()));
        told("risk-changed", childId, Set.of(HOME_POLICE, HOME_HEALTH), started);

        Api.Call refused = show(api.get("/api/v1/referrals/" + referralId, "nhs-lsc-icb (nhs:QE1)", api.client("nhs-lsc-icb"), SG),
                "an NHS body with no relationship asks for the referral");
        check("refused with 404, as if it did not exist", refused.status() == 404 && "NOT_FOUND".equals(refused.code()),
                refused.status() + " " + refused.code());
        Api.Call audit = api.get("/api/v1/audit/events?agency=" + HOST_HEALTH + "&limit=20", "dpo.towerhamlets",
                api.user("dpo.towerhamlets"), "DPO-REVIEW");
        Object denial = Json.list(audit.body(), "items").stream()
                .filter(e -> referralId.equals(Json.str(e, "resourceId"))).findFirst().orElse(null);
        say("the DPO's audit search for nhs:QE1 shows: " + (denial == null ? "nothing"
                : Json.str(denial, "action") + ", decision " + Json.str(denial, "decision") + ", outcome "
                        + Json.str(denial, "outcome") + ", at " + Json.str(denial, "recordedAt")));
        check("the refusal is in the audit trail", denial != null && "404".equals(Json.str(denial, "outcome")),
                audit.status() + "");
        fact("status.unrelatedRead", refused.status());
        fact("refusalAudited", denial != null);
        end();
    }

    // ------------------------------------------------------------------ step 3

    void placeOutOfArea() {
        LocalDate start = LocalDate.now().plusDays(7);
        begin(3, "The council places her out of area",
                "Tower Hamlets places her in a children's home in Lancashire from " + start + ". Everyone in the host"
                        + " area must know before she arrives: the host council, host police, host health body, her"
                        + " school and the home. Each sees only what the protocol gives it (the school gets no address).");
        String council = api.client("la-tower-hamlets");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("child", Map.of("system", NHS, "value", nhsNumber));
        body.put("provider", PROVIDER);
        body.put("hostCouncil", HOST_COUNCIL);
        body.put("hostPolice", HOST_POLICE);
        body.put("hostHealth", HOST_HEALTH);
        body.put("homePolice", HOME_POLICE);
        body.put("homeHealth", HOME_HEALTH);
        body.put("school", SCHOOL);
        body.put("rhiService", HOME_COUNCIL);
        body.put("startDate", start.toString());
        body.put("emergency", false);
        body.put("identity", Map.of("name", "Amira Demo", "dateOfBirth", birthDate.toString()));
        body.put("placement", Map.of("address", "1 Hill Road, Preston PR1 1AA"));
        long started = System.nanoTime();
        Api.Call plan = show(api.post("/api/v1/placements", "la-tower-hamlets (placing council)", council, "CARE-PLANNING", body),
                "placement planned");
        placementId = plan.str("resourceId");
        check("placement recorded for the same child", plan.status() == 201 && childId.equals(plan.str("childId")),
                plan.status() + "");
        Instant startAt = start.atStartOfDay().toInstant(java.time.ZoneOffset.UTC);
        Set<String> host = Set.of(HOST_COUNCIL, HOST_POLICE, HOST_HEALTH, SCHOOL, PROVIDER);
        Set<String> beforeStart = new TreeSet<>();
        for (Object n : Json.list(plan.body(), "notified")) {
            String agency = Json.str(n, "agency");
            Instant deadline = Json.str(n, "deadline") == null ? null : Instant.parse(Json.str(n, "deadline"));
            say(name(agency) + ": gets " + Json.list(n, "released") + (Json.list(n, "withheld").isEmpty() ? ""
                    : ", not " + Json.list(n, "withheld")) + "; must acknowledge by " + deadline);
            if (deadline != null && !deadline.isAfter(startAt)) {
                beforeStart.add(agency);
            }
        }
        check("host council, host police, host health, school and the children's home told with a deadline before the start date",
                beforeStart.containsAll(host), "before start: " + beforeStart);
        fact("placement.notifiedBeforeStart", beforeStart);
        told("placement-planned", childId, host, started);
        if (!beforeStart.contains(PROVIDER)) {
            gap("the provider is not sent the placement notice: the out-of-area-placement protocol's"
                    + " placement-planned duties name the host council, host health, GP, school, IRO and host police,"
                    + " not the provider. It does hold a relationship from the plan, so it can look:");
            Api.Call look = show(api.get("/api/v1/case-events/" + plan.str("eventId"), "provider.manager (the home)",
                    api.user("provider.manager"), "CARE-PLANNING"), "the home reads the placement notice through the API");
            Object data = Json.at(look.body(), "data");
            say("the home " + (look.status() == 200 ? "can read it: given " + (data instanceof Map<?, ?> m
                    ? new TreeSet<>(m.keySet()) : "nothing") + ", withheld " + Json.list(look.body(), "withheld")
                    : "cannot read it (" + look.status() + " " + look.code() + ")"));
            fact("placement.providerRead", look.status());
        }
        end();
    }

    // ------------------------------------------------------------------ step 4

    void missingAndFound() {
        begin(4, "She goes missing from the placement, and is found",
                "The council has stored her Philomena profile (associates, phones, places she may go). The home"
                        + " reports her missing: every agency must hear within minutes, and the host police may now"
                        + " read the profile. When she is found the profile is withdrawn and the 72-hour clock for her"
                        + " return home interview starts.");
        String council = api.client("la-tower-hamlets");
        String hostPolice = api.client("police-lancashire");
        Api.Call stored = show(api.put("/api/v1/children/" + childId + "/philomena", "la-tower-hamlets", council, SG,
                Map.of("associates", List.of("Adult male, 24, known as 'Jay'"), "phones", List.of("07700 900123"),
                        "places", List.of("Preston bus station"))), "store the Philomena profile");
        check("profile stored", stored.status() == 201, stored.status() + "");
        Api.Call early = show(api.get("/api/v1/children/" + childId + "/philomena", "police-lancashire (host police)",
                hostPolice, "MISSING-RESPONSE"), "host police ask for it while she is not missing");
        check("refused while she is not missing", early.status() == 403 && "PHILOMENA_NOT_MISSING".equals(early.code()),
                early.status() + " " + early.code());

        long started = System.nanoTime();
        // A person at the home (provider role): the home's system client has the practitioner role, which
        // the missing-from-care protocol does not let report (see docs/DEMO.md, gaps).
        Api.Call missing = show(api.post("/api/v1/children/" + childId + "/missing-episodes", "provider.manager (the home)",
                api.user("provider.manager"), "MISSING-RESPONSE", Map.of("missingSince", Instant.now()
                        .truncatedTo(ChronoUnit.SECONDS).toString(), "circumstances", "Did not return from school",
                        "lastSeenLocation", "Preston bus station")), "report missing");
        String episode = missing.str("id");
        check("missing episode opened", missing.status() == 201, missing.status() + "");
        Set<String> everyone = new TreeSet<>();
        Json.list(missing.body(), "event", "notified").forEach(n -> everyone.add(Json.str(n, "agency")));
        say("the gateway queued alerts for: " + everyone);
        check("both councils and both forces are alerted",
                everyone.containsAll(Set.of(HOME_COUNCIL, HOST_COUNCIL, HOME_POLICE, HOST_POLICE)), null);
        told("child-missing", childId, everyone, started);

        Api.Call profile = show(api.get("/api/v1/children/" + childId + "/philomena", "police-lancashire (host police)",
                hostPolice, "MISSING-RESPONSE"), "host police read the Philomena profile");
        check("host police read the profile while she is missing", profile.status() == 200
                && Json.at(profile.body(), "profile", "phones") != null, profile.status() + "");

        long foundStarted = System.nanoTime();
        Api.Call found = show(api.post("/api/v1/missing-episodes/" + episode + "/found", "police-lancashire", hostPolice,
                "MISSING-RESPONSE", Map.of("locationFound", "A flat in Blackpool")), "found");
        String rhiDue = found.str("rhiDueAt");
        check("found; return home interview due within 72 hours", found.status() == 200 && rhiDue != null
                && !Instant.parse(rhiDue).isAfter(Instant.now().plus(72, ChronoUnit.HOURS).plusSeconds(60)), "due " + rhiDue);
        Api.Call after = show(api.get("/api/v1/children/" + childId + "/philomena", "police-lancashire", hostPolice,
                "MISSING-RESPONSE"), "host police ask again");
        check("profile withdrawn once she is found", after.status() == 403, after.status() + " " + after.code());
        told("child-found", childId, Set.of(HOME_COUNCIL, HOST_COUNCIL, HOME_POLICE), foundStarted);
        fact("missing.alerted", everyone);
        fact("philomena.whileMissing", profile.status());
        fact("philomena.afterFound", after.status());
        fact("rhiDueAt", rhiDue);
        end();
    }

    // ------------------------------------------------------------------ step 5

    void downgradeRisk() {
        begin(5, "Police try to downgrade her risk",
                "A Met officer proposes lowering her risk from high to low. The protocol says a downgrade needs a"
                        + " rationale and a second approver: the proposal is kept but has no effect and nobody is told;"
                        + " the officer cannot approve it themselves. A Met supervisor approves it: now it takes effect"
                        + " and goes to every agency involved.");
        String officer = api.user("officer.met");
        Api.Call proposal = show(api.post("/api/v1/children/" + childId + "/risk-assessments", "officer.met", officer, SG,
                Map.of("level", "LOW", "rationale", "Engaging with the CSE worker; no missing episodes since placement")),
                "propose LOW");
        String id = proposal.str("id");
        check("downgrade held: not in effect, nobody told", proposal.status() == 201
                && Boolean.FALSE.equals(Json.at(proposal.body(), "inEffect"))
                && Json.list(proposal.body(), "notified", "sent").isEmpty(), proposal.status() + "");
        Api.Call self = show(api.post("/api/v1/risk-assessments/" + id + "/approval", "officer.met", officer, SG, null),
                "the officer approves their own downgrade");
        check("refused without a second approver", self.status() == 403, self.status() + " " + self.code());
        long started = System.nanoTime();
        Api.Call approved = show(api.post("/api/v1/risk-assessments/" + id + "/approval", "supervisor.met",
                api.user("supervisor.met"), SG, null), "a supervisor approves");
        Set<String> sent = new TreeSet<>();
        Json.list(approved.body(), "notified", "sent").forEach(n -> sent.add(Json.str(n, "agency")));
        check("accepted with the supervisor's approval and sent to everyone involved", approved.status() == 200
                && Boolean.TRUE.equals(Json.at(approved.body(), "inEffect"))
                && sent.containsAll(Set.of(HOME_COUNCIL, HOST_COUNCIL, HOST_POLICE, PROVIDER)), "sent to " + sent);
        say("in effect from " + approved.str("approvedAt") + ", approved by " + api.who(approved.str("approvedBy")));
        told("risk-changed", childId, sent, started);
        fact("downgrade.selfApproval", self.status());
        fact("downgrade.approved", approved.status());
        fact("downgrade.approvedBy", api.who(approved.str("approvedBy")));
        end();
    }

    // ------------------------------------------------------------------ step 6

    void returnHome() {
        Instant arrival = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        begin(6, "She returns home",
                "The placement ends and she goes back to Tower Hamlets, arriving " + arrival + ". Her school's designated"
                        + " safeguarding lead must be told before she walks in, and so must the home police and health.");
        String council = api.client("la-tower-hamlets");
        Api.Call ended = show(api.post("/api/v1/placements/" + placementId + "/end", "la-tower-hamlets", council, SG, null),
                "placement ends");
        check("placement ended", ended.status() == 200, ended.status() + "");
        long started = System.nanoTime();
        Api.Call back = show(api.post("/api/v1/children/" + childId + "/returns", "la-tower-hamlets", council, SG,
                Map.of("arrival", arrival.toString(), "homeSchool", SCHOOL, "homePolice", HOME_POLICE,
                        "homeHealth", HOME_HEALTH)), "return home");
        Instant schoolDeadline = null;
        for (Object n : Json.list(back.body(), "notified")) {
            say(name(Json.str(n, "agency")) + ": must acknowledge by " + Json.str(n, "deadline"));
            if (SCHOOL.equals(Json.str(n, "agency")) && Json.str(n, "deadline") != null) {
                schoolDeadline = Instant.parse(Json.str(n, "deadline"));
            }
        }
        check("the school's DSL is told with a deadline before she arrives", back.status() == 201
                && schoolDeadline != null && !schoolDeadline.isAfter(arrival), "deadline " + schoolDeadline);
        told("child-returning-home", childId, Set.of(SCHOOL, HOME_POLICE, HOME_HEALTH), started);
        fact("return.schoolDeadline", schoolDeadline == null ? null : schoolDeadline.toString());
        end();
    }

    // ------------------------------------------------------------------ step 7

    void dpoReview() throws Exception {
        begin(7, "The DPO checks the record, and catches a forgery",
                "Tower Hamlets' data protection officer verifies the audit chain, reads the disclosure report for"
                        + " the child (who received what, when, why, on which lawful basis) and looks at the decisions"
                        + " taken with a second approver or override. Then someone with database superuser rights"
                        + " quietly changes one audit row; verification names the row.");
        String dpo = api.user("dpo.towerhamlets");
        Api.Call verify = show(api.get("/api/v1/audit/verify", "dpo.towerhamlets", dpo, "DPO-REVIEW"), "verify the chain");
        check("audit chain intact", verify.status() == 200 && Boolean.TRUE.equals(Json.at(verify.body(), "intact")),
                verify.str("entriesChecked") + " entries checked, " + verify.str("checkpointsChecked") + " signed checkpoints");

        Api.Call report = show(api.get("/api/v1/audit/children/" + childId + "/disclosures?requester=child", "dpo.towerhamlets",
                dpo, "DPO-REVIEW"), "disclosure report for the child");
        List<Object> disclosures = Json.list(report.body(), "disclosures");
        Map<String, Integer> byRecipient = new LinkedHashMap<>();
        for (Object d : disclosures) {
            byRecipient.merge(Objects.toString(Json.str(d, "recipient", "agency")), 1, Integer::sum);
        }
        say(disclosures.size() + " disclosures: " + byRecipient);
        check("the disclosure report lists what each agency received", report.status() == 200 && !disclosures.isEmpty(),
                byRecipient.size() + " recipients");

        Api.Call overrides = show(api.get("/api/v1/audit/events?childId=" + childId + "&override=true", "dpo.towerhamlets",
                dpo, "DPO-REVIEW"), "decisions with an override or second approver");
        List<Object> flagged = Json.list(overrides.body(), "items");
        for (Object e : flagged) {
            say(Json.str(e, "recordedAt") + " " + Json.str(e, "action") + " by " + api.who(Json.str(e, "actor", "subject"))
                    + " (" + Json.str(e, "actor", "agency") + "), second approver " + api.who(Json.str(e, "override", "approver"))
                    + ": " + Json.str(e, "decision") + " " + Json.str(e, "outcome")
                    + (Json.str(e, "denialCode") == null ? "" : " " + Json.str(e, "denialCode")));
        }
        check("the downgrade's approvals are flagged for the DPO, the refused self-approval too", flagged.stream()
                .anyMatch(e -> "risk.approve-downgrade".equals(Json.str(e, "action")) && "PERMIT".equals(Json.str(e, "decision"))
                        && Json.str(e, "override", "approver") != null)
                && flagged.stream().anyMatch(e -> "SELF_APPROVAL".equals(Json.str(e, "denialCode"))), flagged.size() + " flagged");
        // CONSENT OVERRIDE STEP: consent overrides (a practitioner sharing without consent, with a
        // justification) are being built on another branch. When that API lands, make one here and
        // check that it appears in `flagged` with its justification.

        AuditTamper.Altered target = tamper.find(UUID.fromString(childId), "philomena.read", 200)
                .orElseThrow(() -> new IllegalStateException("no sealed philomena.read event for the child"));
        AuditTamper.Altered altered = tamper.setOutcome(target, 403);
        say("a superuser switches the append-only trigger off for one UPDATE and turns the record of the host"
                + " police reading the Philomena profile (event " + altered.eventId() + ", chain position " + altered.seq()
                + ") from outcome " + altered.oldOutcome() + " into " + altered.newOutcome() + ", as if the read had been refused");
        Api.Call again = show(api.get("/api/v1/audit/verify", "dpo.towerhamlets", dpo, "DPO-REVIEW"), "verify again");
        String kind = Json.str(again.body(), "firstProblem", "kind");
        String seq = Json.str(again.body(), "firstProblem", "seq");
        String eventId = Json.str(again.body(), "firstProblem", "eventId");
        say("first problem: " + kind + " at position " + seq + ", event " + eventId + " ("
                + Json.str(again.body(), "firstProblem", "detail") + ")");
        check("verification names the altered row", Boolean.FALSE.equals(Json.at(again.body(), "intact"))
                && "EDITED".equals(kind) && String.valueOf(altered.seq()).equals(seq)
                && altered.eventId().toString().equals(eventId), kind + " at " + seq);
        fact("tampered", altered);
        fact("disclosures", disclosures.size());
        fact("overrideFlags", flagged.size());
        end();
    }

    private static boolean hasError(Api.Call call, String field, String rule) {
        return Json.list(call.body(), "errors").stream()
                .anyMatch(e -> field.equals(Json.str(e, "field")) && rule.equals(Json.str(e, "rule")));
    }

    /** A random NHS number with a valid modulus-11 check digit (the gateway checks it). */
    static String newNhsNumber(Random random) {
        while (true) {
            List<Integer> digits = new ArrayList<>();
            digits.add(9);
            for (int i = 1; i < 9; i++) {
                digits.add(random.nextInt(10));
            }
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                sum += digits.get(i) * (10 - i);
            }
            int check = 11 - sum % 11;
            if (check == 11) {
                check = 0;
            }
            if (check != 10) {
                StringBuilder out = new StringBuilder();
                digits.forEach(out::append);
                return out.append(check).toString();
            }
        }
    }
}
