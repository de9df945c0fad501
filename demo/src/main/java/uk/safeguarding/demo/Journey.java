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
import java.util.function.Consumer;

/**
 * One fictional child's journey through the gateway's public API, with real Keycloak tokens and the
 * agencies' systems stood in by {@link Receivers}. Each step narrates what was sent, who was told and
 * how long it took, and records its expectations as checks; nothing here decides an outcome itself.
 * Steps 1-3 and 6 are here; the longer ones have their own classes ({@link MissingAndFound},
 * {@link RiskDowngrade}, {@link MissingFromHome}, {@link StrategyAndChronology}, {@link DpoReview}), called in story order by {@link #play()}.
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
    /** Tower Hamlets' commissioned return home interview service, a charity (partnership data). */
    static final String RHI_SERVICE = "vcs:1234567";
    static final List<String> AGENCIES = List.of(HOME_COUNCIL, HOST_COUNCIL, HOME_POLICE, HOST_POLICE, HOME_HEALTH,
            HOST_HEALTH, SCHOOL, PROVIDER, OTHER_PROVIDER, RHI_SERVICE);
    private static final Map<String, String> NAMES = Map.of(
            HOME_COUNCIL, "Tower Hamlets children's services (home council)",
            HOST_COUNCIL, "Lancashire children's services (host council)",
            HOME_POLICE, "the Metropolitan Police (home police)",
            HOST_POLICE, "Lancashire Constabulary (host police)",
            HOME_HEALTH, "Homerton NHS trust (home health)",
            HOST_HEALTH, "Lancashire and South Cumbria ICB (host health)",
            SCHOOL, "her school (URN 100000)",
            PROVIDER, "the children's home (Ofsted SC123456)",
            OTHER_PROVIDER, "an unrelated children's home (SC654321)",
            RHI_SERVICE, "the return home interview charity");
    static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    static final String SG = "SAFEGUARDING";

    private final AuditTamper tamper;
    private final String nhsNumber;
    private final LocalDate birthDate;
    private String referralId;
    private String childId;
    private String placementId;
    private String healthReferralId;

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

    String nhsNumber() {
        return nhsNumber;
    }

    /** Homerton's referral with the health section her refusal covers (step 2), overridden in step 4. */
    String healthReferralId() {
        return healthReferralId;
    }

    /** Plays the whole journey; returns every step's result (also when one goes wrong). */
    public List<Step> play() throws Exception {
        subscribe();
        refer();
        mashDecides();
        placeOutOfArea();
        new MissingAndFound(this).play();
        new RiskDowngrade(this).play();
        returnHome();
        new MissingFromHome(this).play();
        new StrategyAndChronology(this).play();
        new DpoReview(this, tamper).play();
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
                        + " when it asks for the referral it is told it does not exist, and the refusal is audited."
                        + " Homerton's safeguarding team shares what health knows (clinic visits); Amira, judged"
                        + " competent to decide, tells her social worker the police must not see her health information,"
                        + " and the MASH records her refusal.");
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
                Map.of("level", "HIGH", "rationale", "CSE indicators, repeated missing episodes", "reviewBy", java.time.LocalDate.now().plusMonths(6).toString())), "risk: HIGH");
        check("risk recorded as HIGH and in effect", risk.status() == 201 && Boolean.TRUE.equals(Json.at(risk.body(), "inEffect")),
                String.valueOf(risk.status()));
        told("risk-changed", childId, Set.of(HOME_HEALTH), started);
        // The Met referred her, and follows its referral; it is not involved with her record as a whole
        // (it was the MASH's police partner for the referral it made itself, so it was not routed as one).
        check("the Met, which only referred her, is not sent her risk (a referrer follows its own referral)",
                !receivers.received("risk-changed", childId, started).containsKey(HOME_POLICE),
                receivers.received("risk-changed", childId, started).keySet().toString());

        Api.Call refused = show(api.get("/api/v1/referrals/" + referralId, "nhs-lsc-icb (nhs:QE1)", api.client("nhs-lsc-icb"), SG),
                "an NHS body with no relationship asks for the referral");
        check("refused with 404, as if it did not exist", refused.status() == 404 && "NOT_FOUND".equals(refused.code()),
                refused.status() + " " + refused.code());
        // Another agency's refused attempt is not Tower Hamlets' to see in its own scope (it disclosed nothing):
        // the partnership's lead DPO sees it in the partnership view.
        Api.Call audit = api.get("/api/v1/audit/events?agency=" + HOST_HEALTH + "&limit=20&scope=partnership",
                "lead-dpo.towerhamlets", api.user("lead-dpo.towerhamlets"), "DPO-REVIEW");
        Object denial = Json.list(audit.body(), "items").stream()
                .filter(e -> referralId.equals(Json.str(e, "resourceId"))).findFirst().orElse(null);
        say("the lead DPO's partnership search for nhs:QE1 shows: " + (denial == null ? "nothing"
                : Json.str(denial, "action") + ", decision " + Json.str(denial, "decision") + ", outcome "
                        + Json.str(denial, "outcome") + ", at " + Json.str(denial, "recordedAt")));
        check("the refusal is in the audit trail", denial != null && "404".equals(Json.str(denial, "outcome")),
                audit.status() + "");
        fact("status.unrelatedRead", refused.status());
        fact("refusalAudited", denial != null);
        healthSharedAndRefused(mash);
        end();
    }

    /** Health information reaches the MASH; her refusal keeps it from the police (overridden in step 4). */
    private void healthSharedAndRefused(String mash) {
        Map<String, Object> body = new LinkedHashMap<>(referral(true));
        body.put("requesterAgency", HOME_HEALTH);
        body.put("requesterContact", "safeguarding@homerton.nhs.example");
        body.put("summary", "Seen at the sexual health clinic with an adult male who waited outside.");
        body.put("health", "Attended the sexual health clinic twice this month; gave a Preston address.");
        body.remove("policeIntelligence");
        body.remove("missing");
        long started = System.nanoTime();
        Api.Call shared = show(api.post("/api/v1/referrals", "nhs-homerton (nhs:RQX)", api.client("nhs-homerton"), SG, body),
                "Homerton shares what health knows");
        healthReferralId = shared.str("id");
        check("Homerton's referral is about the same child", shared.status() == 201 && childId.equals(shared.str("childId")),
                shared.status() + "");
        List<Object> metRouted = List.of();
        for (Object r : Json.list(shared.body(), "recipients")) {
            say("routed to " + name(Json.str(r, "agency")) + ": " + Json.list(r, "categories"));
            metRouted = HOME_POLICE.equals(Json.str(r, "agency")) ? Json.list(r, "categories") : metRouted;
        }
        check("the Met, the MASH's police partner, is routed it without the health section (consent not sought)",
                !metRouted.isEmpty() && !metRouted.contains("health"), "Met gets " + metRouted);
        told("referral-received", healthReferralId, Set.of(HOME_COUNCIL, HOME_POLICE), started);

        Api.Call consent = show(api.post("/api/v1/consents", "la-tower-hamlets", mash, SG, Map.of(
                "child", Map.of("system", NHS, "value", nhsNumber),
                "consentedBy", Map.of("type", "child", "basis", "gillick-competent"),
                "provisions", List.of(Map.of("type", "deny", "categories", List.of("health"),
                        "recipientAgencyTypes", List.of("police"), "purposes", List.of(SG))),
                "period", Map.of("start", Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS).toString()))),
                "record her refusal: no health information to the police");
        check("her refusal is recorded", consent.status() == 201 && consent.str("id") != null, consent.status() + "");
        fact("consent.refusal", consent.status());
    }

    // ------------------------------------------------------------------ step 3

    void placeOutOfArea() {
        LocalDate start = LocalDate.now().plusDays(7);
        begin(3, "The council places her out of area",
                "Tower Hamlets places her in a children's home in Lancashire from " + start + ". Everyone in the host"
                        + " area must know before she arrives: the host council, host police, host health body, her"
                        + " school and the home. Each sees only what the protocol gives it (the school gets no address)."
                        + " A council that says it is a child's placing authority is believed only as far as the agencies"
                        + " already involved confirm it.");
        new ClaimRefused(this).play(referralId);
        say("Tower Hamlets received the referral about her, so its own claim to be her placing authority stands at once.");
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
