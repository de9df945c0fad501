package uk.safeguarding.protocol.engine;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import uk.safeguarding.protocol.engine.CompiledRule.Outcome;
import uk.safeguarding.protocol.load.ProtocolSet;
import uk.safeguarding.protocol.model.DenialCode;
import uk.safeguarding.protocol.model.Effect;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.SharingRule;
import uk.safeguarding.protocol.model.StandingClause;
import uk.safeguarding.protocol.model.Vocabulary;

/**
 * Decides requests against a lint-clean {@link ProtocolSet}, and plans the notification duties events
 * create. Immutable and thread-safe: every index is built in the constructor and never changed, and
 * {@link #decide} reads only its argument and those indexes, so one instance serves all threads.
 *
 * <h2>How rules combine</h2>
 * Each requested category is decided on its own:
 * <ol>
 *   <li>The candidates are the rules for the request's action that list the category.</li>
 *   <li>A rule <em>matches</em> when its protocol is in force that day, the actor's agency is a
 *       signatory of it, the actor fits the rule's actor side (agency type and a role), the purpose is
 *       listed, the relationship requirement holds and any condition on the child holds. A matching
 *       permit also needs its consent requirement (and second approver, if any) satisfied.</li>
 *   <li>If any deny rule matches, the category is withheld with that rule's code: an explicit deny
 *       beats every permit.</li>
 *   <li>Otherwise, if any permit is satisfied, the category is released. Permits that need no
 *       override are preferred: an override is used (and flagged for DPO review) only when nothing
 *       else permits. The lawful basis is that of the first such permit in protocol order.</li>
 *   <li>Otherwise the category is withheld (deny by default) with the code of the candidate that got
 *       furthest through the checks above, so the caller learns the nearest reason.</li>
 * </ol>
 * The decision is PERMIT when at least one category is released. Its reasons are every clause that
 * released a category and every deny that withheld one; obligations are the union over releasing
 * clauses, with the highest audit level.
 */
public final class PolicyEngine {

    public static final int DEFAULT_MIN_JUSTIFICATION_LENGTH = 40;

    /** Engine-wide knobs that are policy but not per-protocol. */
    record Settings(int minJustificationLength) {
    }

    private static final CompiledRule[] NONE = new CompiledRule[0];

    private final ProtocolSet set;
    private final Vocabulary vocab;
    private final EngineCodes codes;
    private final Settings settings;
    private final Map<String, Map<String, CompiledRule[]>> index;
    private final Map<String, List<Protocol>> protocolsBySignatory;
    private final DutyPlanner planner;

    public PolicyEngine(ProtocolSet set) {
        this(set, DEFAULT_MIN_JUSTIFICATION_LENGTH, WorkingCalendar.englandAndWales());
    }

    /** @param minJustificationLength the fewest characters an override justification or rationale may have */
    public PolicyEngine(ProtocolSet set, int minJustificationLength) {
        this(set, minJustificationLength, WorkingCalendar.englandAndWales());
    }

    public PolicyEngine(ProtocolSet set, int minJustificationLength, WorkingCalendar calendar) {
        if (minJustificationLength < 1) {
            throw new IllegalArgumentException("minJustificationLength must be at least 1");
        }
        this.set = set;
        this.vocab = set.vocabulary();
        this.codes = new EngineCodes(vocab);
        this.settings = new Settings(minJustificationLength);
        Map<String, Map<String, List<CompiledRule>>> building = new HashMap<>();
        for (String action : vocab.actions().keySet()) {
            building.put(action, new HashMap<>());
        }
        Map<String, List<Protocol>> bySignatory = new HashMap<>();
        for (Protocol p : set.protocols()) {
            p.signatories().forEach(s -> bySignatory.computeIfAbsent(s.agencyId(), k -> new ArrayList<>()).add(p));
            for (SharingRule r : p.rules()) {
                for (String action : r.actions()) {
                    CompiledRule c = new CompiledRule(p, r, action, vocab, codes);
                    for (String category : r.categories()) {
                        building.get(action).computeIfAbsent(category, k -> new ArrayList<>()).add(c);
                    }
                }
            }
        }
        Map<String, Map<String, CompiledRule[]>> idx = new HashMap<>();
        building.forEach((action, byCat) -> {
            Map<String, CompiledRule[]> frozen = new HashMap<>();
            byCat.forEach((cat, list) -> frozen.put(cat, list.toArray(NONE)));
            idx.put(action, Map.copyOf(frozen));
        });
        this.index = Map.copyOf(idx);
        Map<String, List<Protocol>> frozenSig = new HashMap<>();
        bySignatory.forEach((k, v) -> frozenSig.put(k, List.copyOf(v)));
        this.protocolsBySignatory = Map.copyOf(frozenSig);
        this.planner = new DutyPlanner(set.protocols(), calendar, TermCalendar.shipped());
    }

    /** Decides one request. Pure: the same request always gets the same decision. */
    public Decision decide(DecisionRequest r) {
        Map<String, CompiledRule[]> byCategory = index.get(r.action());
        if (byCategory == null) {
            return requestDenial(DenialCode.UNKNOWN_ACTION, r);
        }
        if (!vocab.purposes().containsKey(r.purpose())) {
            return requestDenial(DenialCode.UNKNOWN_PURPOSE, r);
        }
        if (!r.actor().agencyType().equals(Vocabulary.agencyTypeOf(r.actor().agencyId()))) {
            return requestDenial(DenialCode.AGENCY_TYPE_MISMATCH, r);
        }
        if (!isSignatory(r.actor().agencyId(), r.at())) {
            return Decision.deny(DenialCode.NOT_SIGNATORY, Decision.SIGNATORY_CHECK, List.of(), allWithheld(r, DenialCode.NOT_SIGNATORY));
        }
        RequestView v = new RequestView(r, codes);
        List<String> permitted = new ArrayList<>();
        Map<String, DenialCode> withheld = new LinkedHashMap<>();
        Map<String, String> bases = new LinkedHashMap<>();
        Set<String> reasons = new LinkedHashSet<>();
        ObligationCollector obligations = new ObligationCollector();
        String firstGrant = null;
        CompiledRule firstDeny = null;
        CompiledRule nearest = null;
        Outcome nearestOutcome = null;
        List<CompiledRule> denies = new ArrayList<>(2);
        List<CompiledRule> grants = new ArrayList<>(4);
        List<Outcome> grantOutcomes = new ArrayList<>(4);
        for (String category : r.categories()) {
            if (!vocab.categories().containsKey(category)) {
                withheld.put(category, DenialCode.UNKNOWN_CATEGORY);
                continue;
            }
            denies.clear();
            grants.clear();
            grantOutcomes.clear();
            CompiledRule closest = null;
            Outcome closestOutcome = null;
            for (CompiledRule rule : byCategory.getOrDefault(category, NONE)) {
                Outcome o = rule.evaluate(v, category, settings);
                if (o.matchedDeny()) {
                    denies.add(rule);
                } else if (o.granted()) {
                    grants.add(rule);
                    grantOutcomes.add(o);
                } else if (!rule.deny && (closestOutcome == null || o.stage() > closestOutcome.stage())) {
                    // only a permit can "come close": a deny that does not apply explains nothing
                    closest = rule;
                    closestOutcome = o;
                }
            }
            if (!denies.isEmpty()) {
                withheld.put(category, denies.get(0).rule.denyCode());
                denies.forEach(d -> reasons.add(d.ref));
                if (firstDeny == null) {
                    firstDeny = denies.get(0);
                }
            } else if (!grants.isEmpty()) {
                String ref = release(category, grants, grantOutcomes, r, permitted, bases, reasons, obligations);
                firstGrant = firstGrant == null ? ref : firstGrant;
            } else {
                withheld.put(category, closestOutcome == null ? DenialCode.NO_MATCHING_RULE : closestOutcome.code());
                if (closestOutcome != null && (nearestOutcome == null || closestOutcome.stage() > nearestOutcome.stage())) {
                    nearest = closest;
                    nearestOutcome = closestOutcome;
                }
            }
        }
        if (!permitted.isEmpty()) {
            Map<String, String> article6 = new java.util.LinkedHashMap<>();
            Map<String, String> article9 = new java.util.LinkedHashMap<>();
            articles(bases, article6, article9);
            return new Decision(Effect.PERMIT, permitted, withheld, obligations.list(), List.copyOf(reasons), bases, null,
                    firstGrant, article6, article9);
        }
        if (firstDeny != null) {
            return Decision.deny(firstDeny.rule.denyCode(), firstDeny.ref, List.copyOf(reasons), withheld);
        }
        if (nearest != null) {
            return Decision.deny(nearestOutcome.code(), nearest.ref, List.of(nearest.ref), withheld);
        }
        boolean allUnknown = withheld.values().stream().allMatch(c -> c == DenialCode.UNKNOWN_CATEGORY);
        return allUnknown
                ? Decision.deny(DenialCode.UNKNOWN_CATEGORY, Decision.REQUEST_CHECK, List.of(), withheld)
                : Decision.deny(DenialCode.NO_MATCHING_RULE, Decision.DEFAULT_DENY, List.of(), withheld);
    }

    /**
     * Splits each category's basis into its Art 6 basis and, for a special category, its Art 9 condition: a
     * special condition names the Art 6 basis it pairs with in the vocabulary (public task for DPA Sch 1
     * para 18; none for law-enforcement processing); an ordinary basis is the Art 6 basis itself.
     */
    private void articles(Map<String, String> bases, Map<String, String> article6, Map<String, String> article9) {
        Vocabulary v = set.vocabulary();
        bases.forEach((category, code) -> {
            Vocabulary.LawfulBasis b = v.lawfulBases().get(code);
            if (b == null) {
                return;
            }
            if (b.special()) {
                if (b.article6() != null) {
                    article6.put(category, b.article6());
                }
                if (v.isSpecial(category)) {
                    article9.put(category, code);
                }
            } else {
                article6.put(category, code);
            }
        });
    }

    /** Releases the category under every satisfied permit (plain ones only, if any); returns the first clause used. */
    private static String release(String category, List<CompiledRule> grants, List<Outcome> outcomes, DecisionRequest r,
            List<String> permitted, Map<String, String> bases, Set<String> reasons, ObligationCollector obligations) {
        boolean plainAvailable = false;
        for (Outcome o : outcomes) {
            plainAvailable |= !o.viaOverride();
        }
        permitted.add(category);
        String first = null;
        for (int i = 0; i < grants.size(); i++) {
            Outcome o = outcomes.get(i);
            if (plainAvailable && o.viaOverride()) {
                continue;
            }
            first = first == null ? grants.get(i).ref : first;
            bases.putIfAbsent(category, o.lawfulBasis());
            reasons.add(grants.get(i).ref);
            obligations.add(grants.get(i), category, o, r);
        }
        return first;
    }

    private static Decision requestDenial(DenialCode code, DecisionRequest r) {
        return Decision.deny(code, Decision.REQUEST_CHECK, List.of(), allWithheld(r, code));
    }

    private static Map<String, DenialCode> allWithheld(DecisionRequest r, DenialCode code) {
        Map<String, DenialCode> m = new LinkedHashMap<>();
        r.categories().forEach(c -> m.put(c, code));
        return m;
    }

    /** The duties an event creates, soonest deadline first. */
    public List<DutyNotice> duties(String event, CaseContext caseContext, Instant occurredAt) {
        return planner.plan(event, caseContext, occurredAt, null);
    }

    /** As {@link #duties(String, CaseContext, Instant)}, leaving out the agency that raised the event. */
    public List<DutyNotice> duties(String event, CaseContext caseContext, Instant occurredAt, String raisedBy) {
        return planner.plan(event, caseContext, occurredAt, raisedBy);
    }

    /** A threshold in force for an event the gateway derives itself, with the clause that sets it. */
    public record EventThreshold(String clause, uk.safeguarding.protocol.model.Duty.Threshold threshold) {
    }

    /**
     * The thresholds of duties in force on {@code event} (repeat missing: so many episodes in so many
     * days), fewest episodes first, so the gateway raises the event from data, not
     * from a number in its code.
     */
    public List<EventThreshold> thresholds(String event, Instant at) {
        LocalDate day = LocalDate.ofInstant(at, RequestView.LONDON);
        List<EventThreshold> out = new java.util.ArrayList<>();
        for (Protocol p : set.protocols()) {
            if (!p.inForceOn(day)) {
                continue;
            }
            for (uk.safeguarding.protocol.model.Duty d : p.duties()) {
                if (d.event().equals(event) && d.threshold() != null) {
                    out.add(new EventThreshold(p.clauseRef(d.id()), d.threshold()));
                }
            }
        }
        out.sort(java.util.Comparator.comparingInt(t -> t.threshold().episodes()));
        return List.copyOf(out);
    }

    /**
     * The clause of a protocol in force that establishes relationship {@code kind} on {@code event}, if
     * any: the gateway records it on the relationship and refuses to create a relationship without one.
     */
    public Optional<Standing> standing(String kind, String event, Instant at) {
        LocalDate day = LocalDate.ofInstant(at, RequestView.LONDON);
        for (Protocol p : set.protocols()) {
            if (!p.inForceOn(day)) {
                continue;
            }
            for (StandingClause c : p.standing()) {
                if (c.event().equals(event) && c.kinds().contains(kind)) {
                    return Optional.of(new Standing(p.clauseRef(c.id()), c));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The roles the protocols' permits let act as the actor of {@code action} (for example, who may read
     * an alert's payload); empty when some permit accepts any role. A route can refuse every other role
     * before it reads anything.
     */
    public Optional<Set<String>> actorRoles(String action) {
        Set<String> roles = new java.util.TreeSet<>();
        boolean sender = vocab.actorIsSender(action);
        for (Protocol p : set.protocols()) {
            for (SharingRule r : p.rules()) {
                if (r.isDeny() || !r.actions().contains(action)) {
                    continue;
                }
                var side = sender ? r.from() : r.to();
                if (side.roles().any()) {
                    return Optional.empty();
                }
                roles.addAll(side.roles().values());
            }
        }
        return Optional.of(Set.copyOf(roles));
    }

    /** True when the agency is a signatory of at least one protocol in force at that instant. */
    public boolean isSignatory(String agencyId, Instant at) {
        List<Protocol> ps = protocolsBySignatory.get(agencyId);
        if (ps == null) {
            return false;
        }
        LocalDate day = LocalDate.ofInstant(at, RequestView.LONDON);
        for (Protocol p : ps) {
            if (p.hasSignatoryOn(agencyId, day)) {
                return true;
            }
        }
        return false;
    }

    public Set<String> purposes() {
        return vocab.purposes().keySet();
    }

    public Set<String> categories() {
        return vocab.categories().keySet();
    }

    public Set<String> lawfulBases() {
        return vocab.lawfulBases().keySet();
    }

    public Set<String> actions() {
        return vocab.actions().keySet();
    }

    public Set<String> events() {
        return vocab.events().keySet();
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    public ProtocolSet protocolSet() {
        return set;
    }

    public int minJustificationLength() {
        return settings.minJustificationLength();
    }
}
