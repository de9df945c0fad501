package uk.safeguarding.protocol.lint;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.safeguarding.protocol.model.Choice;
import uk.safeguarding.protocol.model.ConsentRequirement;
import uk.safeguarding.protocol.model.Deadline;
import uk.safeguarding.protocol.model.Duty;
import uk.safeguarding.protocol.model.Origin;
import uk.safeguarding.protocol.model.Party;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.RelationshipRequirement;
import uk.safeguarding.protocol.model.SharingRule;
import uk.safeguarding.protocol.model.Signatory;
import uk.safeguarding.protocol.model.StandingClause;
import uk.safeguarding.protocol.model.Vocabulary;

/**
 * Semantic checks on parsed protocols: every code known to the vocabulary, every rule usable by some
 * signatory, no permit and deny with the same scope, every duty with a deadline and an escalation,
 * nothing expired. Schema violations are reported earlier, by the reader; this runs on whatever
 * parsed, so one run reports as much as possible.
 */
public final class Linter {

    /** A protocol ending within this many days draws a warning, so its review is scheduled in time. */
    static final int ENDING_SOON_DAYS = 90;

    /** The realm role of a protocol's lead DPO, the only role a partnership rule may name. */
    static final String LEAD_DPO_ROLE = "lead-dpo";

    private final Vocabulary vocab;
    private final LocalDate asOf;
    private final Findings findings;

    public Linter(Vocabulary vocab, LocalDate asOf, Findings findings) {
        this.vocab = vocab;
        this.asOf = asOf;
        this.findings = findings;
    }

    public void lint(List<Protocol> protocols) {
        Map<String, Protocol> byId = new HashMap<>();
        for (Protocol p : protocols) {
            Protocol earlier = p.id() == null ? null : byId.putIfAbsent(p.id(), p);
            if (earlier != null) {
                add(p.origin(), "protocol", LintRule.DUPLICATE_PROTOCOL_ID, "protocol id '" + p.id()
                        + "' is already used by " + earlier.origin().file() + ":" + earlier.origin().line());
            }
            lintProtocol(p);
        }
        new ContradictionCheck(findings).check(protocols);
        standingAcrossProtocols(protocols);
    }

    /** The event that asks an involved agency to confirm a self-asserted relationship. */
    public static final String RELATIONSHIP_ASSERTED = "relationship-asserted";

    /**
     * One clause per relationship kind and event, or the provenance a relationship records would be
     * ambiguous; and a self-assertion that needs confirming needs a duty that asks for it.
     */
    private void standingAcrossProtocols(List<Protocol> protocols) {
        Map<String, StandingClause> byKindAndEvent = new HashMap<>();
        boolean confirmationDuty = protocols.stream().flatMap(p -> p.duties().stream())
                .anyMatch(d -> RELATIONSHIP_ASSERTED.equals(d.event()));
        for (Protocol p : protocols) {
            for (StandingClause c : p.standing()) {
                for (String kind : c.kinds()) {
                    StandingClause first = byKindAndEvent.putIfAbsent(kind + "|" + c.event(), c);
                    if (first != null) {
                        add(c.origin(), "kinds[" + kind + "]", LintRule.DUPLICATE_STANDING, "relationship '" + kind
                                + "' on event '" + c.event() + "' is already established by clause '" + first.id() + "' at "
                                + first.origin().file() + ":" + first.origin().line());
                    }
                }
                if (c.needsConfirmationWhenKnown() && !confirmationDuty) {
                    add(c.origin(), "confirmation", LintRule.CONFIRMATION_WITHOUT_DUTY, "relationship clause '" + c.id()
                            + "' must be confirmed, but no protocol has a duty for event '" + RELATIONSHIP_ASSERTED
                            + "' to ask anyone");
                }
            }
        }
    }

    private void lintProtocol(Protocol p) {
        Origin o = p.origin();
        if (p.effectiveFrom() != null && p.effectiveTo() != null) {
            if (p.effectiveTo().isBefore(p.effectiveFrom())) {
                add(o, "effective.to", LintRule.INVALID_DATE_RANGE, "protocol '" + p.id() + "' ends (" + p.effectiveTo()
                        + ") before it starts (" + p.effectiveFrom() + ")");
            } else if (p.effectiveTo().isBefore(asOf)) {
                add(o, "effective.to", LintRule.PROTOCOL_EXPIRED, "protocol '" + p.id() + "' ended on " + p.effectiveTo()
                        + " (checked as of " + asOf + "); renew it or remove it");
            } else if (p.effectiveTo().isBefore(asOf.plusDays(ENDING_SOON_DAYS))) {
                add(o, "effective.to", LintRule.PROTOCOL_ENDING_SOON, "protocol '" + p.id() + "' ends on " + p.effectiveTo()
                        + "; schedule its review");
            }
        }
        Set<String> signatoryTypes = new HashSet<>();
        Set<String> signatoryIds = new HashSet<>();
        for (Signatory s : p.signatories()) {
            if (s.agencyId() == null) {
                continue;
            }
            if (known(s.origin(), "agency", s.agencyId(), vocab.agencies().keySet(), LintRule.UNKNOWN_AGENCY, "agency")) {
                signatoryTypes.add(s.agencyType());
                signatoryIds.add(s.agencyId());
            }
            if (s.since() != null && s.until() != null && s.until().isBefore(s.since())) {
                add(s.origin(), "until", LintRule.INVALID_DATE_RANGE, "signatory " + s.agencyId() + " leaves before it joins");
            }
        }
        if (p.owner() != null && known(o, "owner", p.owner(), vocab.agencies().keySet(), LintRule.UNKNOWN_AGENCY, "agency")
                && !signatoryIds.contains(p.owner())) {
            add(o, "owner", LintRule.OWNER_NOT_SIGNATORY, "owner " + p.owner() + " is not among the signatories of '" + p.id() + "'");
        }
        if (p.leadDpo() != null && known(o, "lead-dpo", p.leadDpo(), vocab.agencies().keySet(), LintRule.UNKNOWN_AGENCY, "agency")
                && !signatoryIds.contains(p.leadDpo())) {
            add(o, "lead-dpo", LintRule.LEAD_DPO_NOT_SIGNATORY, "lead DPO " + p.leadDpo() + " is not among the signatories of '"
                    + p.id() + "'; only a signatory's DPO can oversee the partnership");
        }
        codes(o, "lawful-bases", p.lawfulBases(), vocab.lawfulBases().keySet(), LintRule.UNKNOWN_LAWFUL_BASIS, "lawful basis");
        codes(o, "categories", p.categories(), vocab.categories().keySet(), LintRule.UNKNOWN_CATEGORY, "category");
        Map<String, Origin> clauseIds = new HashMap<>();
        for (SharingRule r : p.rules()) {
            clauseId(clauseIds, r.id(), r.origin());
            lintRule(p, r, signatoryTypes);
        }
        for (Duty d : p.duties()) {
            clauseId(clauseIds, d.id(), d.origin());
            lintDuty(d);
        }
        for (StandingClause c : p.standing()) {
            clauseId(clauseIds, c.id(), c.origin());
            lintStanding(c);
        }
    }

    private void lintStanding(StandingClause c) {
        Origin o = c.origin();
        codes(o, "kinds", c.kinds(), vocab.relationships().keySet(), LintRule.UNKNOWN_RELATIONSHIP, "relationship");
        codes(o, "confirmation.asked", c.confirmationAsked(), vocab.relationships().keySet(),
                LintRule.UNKNOWN_RELATIONSHIP, "relationship");
        if (c.event() != null) {
            known(o, "event", c.event(), vocab.events().keySet(), LintRule.UNKNOWN_EVENT, "event");
        }
        party(o, "asserted-by", c.assertedBy());
    }

    private void clauseId(Map<String, Origin> seen, String id, Origin at) {
        if (id == null) {
            return;
        }
        Origin first = seen.putIfAbsent(id, at);
        if (first != null) {
            add(at, "id", LintRule.DUPLICATE_CLAUSE_ID, "clause id '" + id + "' is already used at line " + first.line()
                    + "; reasons cite clause ids, so they must be unique within a protocol");
        }
    }

    private void lintRule(Protocol p, SharingRule r, Set<String> signatoryTypes) {
        Origin o = r.origin();
        codes(o, "actions", r.actions(), vocab.actions().keySet(), LintRule.UNKNOWN_ACTION, "action");
        party(o, "from", r.from());
        party(o, "to", r.to());
        if (r.relationship().kind() == RelationshipRequirement.Kind.ONE_OF) {
            codes(o, "relationship", List.copyOf(r.relationship().kinds()), vocab.relationships().keySet(),
                    LintRule.UNKNOWN_RELATIONSHIP, "relationship");
        }
        for (String c : r.categories()) {
            if (known(o, "categories[" + c + "]", c, vocab.categories().keySet(), LintRule.UNKNOWN_CATEGORY, "category")
                    && !p.categories().contains(c)) {
                add(o, "categories[" + c + "]", LintRule.UNDECLARED_CATEGORY, "rule '" + r.id() + "' shares '" + c
                        + "' but protocol '" + p.id() + "' does not list it under categories");
            }
        }
        choice(o, "purposes", r.purposes(), vocab.purposes().keySet(), LintRule.UNKNOWN_PURPOSE, "purpose");
        if (!r.isDeny()) {
            lintPermit(p, r);
        }
        if (r.isPartnership()) {
            partnership(p, r);
        }
        usable(p, r, signatoryTypes);
    }

    /**
     * A partnership view is a role of its own, held by one named agency: the protocol must name its lead
     * DPO, and the rule's actor side must ask for the lead-dpo role and no other (a rule open to every
     * DPO would rest the whole partnership's oversight on a role any agency can give its own staff).
     */
    private void partnership(Protocol p, SharingRule r) {
        if (p.leadDpo() == null) {
            add(r.origin(), "scope", LintRule.PARTNERSHIP_WITHOUT_LEAD_DPO, "rule '" + r.id() + "' grants a partnership view but '"
                    + p.id() + "' names no lead-dpo");
        }
        for (String action : r.actions()) {
            String side = vocab.actorIsSender(action) ? "from" : "to";
            Party actor = side.equals("from") ? r.from() : r.to();
            if (actor.roles().any() || !actor.roles().values().equals(java.util.Set.of(LEAD_DPO_ROLE))) {
                add(r.origin(), side + ".roles", LintRule.PARTNERSHIP_ROLE_NOT_LEAD_DPO, "rule '" + r.id() + "' grants a partnership view to roles "
                        + actor.roles() + "; only the role '" + LEAD_DPO_ROLE + "' takes it");
                return;
            }
        }
    }

    private void lintPermit(Protocol p, SharingRule r) {
        Origin o = r.origin();
        String basis = r.lawfulBasis();
        boolean basisKnown = basis != null
                && known(o, "lawful-basis", basis, vocab.lawfulBases().keySet(), LintRule.UNKNOWN_LAWFUL_BASIS, "lawful basis");
        if (basisKnown && !p.lawfulBases().contains(basis)) {
            add(o, "lawful-basis", LintRule.UNDECLARED_LAWFUL_BASIS, "rule '" + r.id() + "' relies on '" + basis
                    + "' but protocol '" + p.id() + "' does not list it under lawful-bases");
        }
        if (basisKnown && r.consent() != null) {
            consentBasis(r, vocab.lawfulBases().get(basis));
        }
        if (basisKnown) {
            basisFit(p, r, vocab.lawfulBases().get(basis));
        }
        if (r.secondApproverRole() != null) {
            known(o, "second-approver", r.secondApproverRole(), vocab.roles().keySet(), LintRule.UNKNOWN_ROLE, "role");
        }
        choice(o, "notify-owner", r.notifyOwner(), vocab.roles().keySet(), LintRule.UNKNOWN_ROLE, "role");
        for (String c : r.handling().keySet()) {
            if (!r.categories().contains(c)) {
                add(o, "handling." + c, LintRule.UNKNOWN_CATEGORY, "handling names category '" + c
                        + "', which rule '" + r.id() + "' does not share");
            }
        }
    }

    /**
     * Consent and lawful basis must agree: a rule that leans on consent records {@code consent}; one that
     * shares without it must cite a basis that is not consent, and a special-category basis when it
     * shares special category or criminal offence data.
     */
    private void consentBasis(SharingRule r, Vocabulary.LawfulBasis basis) {
        boolean consentRule = r.consent() == ConsentRequirement.REQUIRED
                || r.consent() == ConsentRequirement.OVERRIDE_WITH_JUSTIFICATION;
        if (consentRule && !basis.consent()) {
            add(r.origin(), "lawful-basis", LintRule.CONSENT_BASIS_MISMATCH, "rule '" + r.id() + "' has consent '"
                    + r.consent().code() + "', so its lawful basis is 'consent', not '" + r.lawfulBasis() + "'");
        } else if (!consentRule && basis.consent()) {
            add(r.origin(), "lawful-basis", LintRule.CONSENT_BASIS_MISMATCH, "rule '" + r.id() + "' shares without consent ("
                    + r.consent().code() + ") but cites 'consent' as its lawful basis");
        } else if (!consentRule && !basis.special()) {
            for (String c : r.categories()) {
                if (vocab.isSpecial(c)) {
                    add(r.origin(), "lawful-basis", LintRule.CONSENT_BASIS_MISMATCH, "rule '" + r.id() + "' shares special category '"
                            + c + "' without consent under '" + r.lawfulBasis() + "'; cite ukgdpr-9-2-g+dpa-sch1-p18 or dpa-sch8-p4");
                    return;
                }
            }
        }
    }

    /** A rule whose actor side names only agency types that signed nothing in this protocol can never fire. */
    private void usable(Protocol p, SharingRule r, Set<String> signatoryTypes) {
        for (String action : r.actions()) {
            boolean sender = vocab.actorIsSender(action);
            Party actor = sender ? r.from() : r.to();
            if (!actor.agencyTypes().any() && actor.agencyTypes().values().stream().noneMatch(signatoryTypes::contains)) {
                add(r.origin(), sender ? "from" : "to", LintRule.UNUSABLE_RULE, "no signatory of '" + p.id() + "' is of type "
                        + actor.agencyTypes() + ", so rule '" + r.id() + "' can never apply to " + action);
                return;
            }
        }
    }

    private void lintDuty(Duty d) {
        Origin o = d.origin();
        if (d.event() != null) {
            known(o, "event", d.event(), vocab.events().keySet(), LintRule.UNKNOWN_EVENT, "event");
        }
        for (String r : d.recipients()) {
            if (!Vocabulary.ALL_INVOLVED.equals(r)) {
                known(o, "recipients[" + r + "]", r, vocab.caseRoles().keySet(), LintRule.UNKNOWN_CASE_ROLE, "case role");
            }
        }
        if (d.deadline() instanceof Deadline.BeforeCaseDate) {
            known(o, "deadline.before", ((Deadline.BeforeCaseDate) d.deadline()).caseDate(), vocab.caseDates().keySet(),
                    LintRule.UNKNOWN_CASE_DATE, "case date");
        }
        if (d.escalateTo() != null) {
            if (d.escalateTo().caseRole() != null) {
                known(o, "escalate-to.case-role", d.escalateTo().caseRole(), vocab.caseRoles().keySet(),
                        LintRule.UNKNOWN_CASE_ROLE, "case role");
            }
            if (d.escalateTo().role() != null) {
                known(o, "escalate-to.role", d.escalateTo().role(), vocab.roles().keySet(), LintRule.UNKNOWN_ROLE, "role");
            }
        }
    }

    private void party(Origin o, String side, Party party) {
        choice(o, side + ".agency-types", party.agencyTypes(), vocab.agencyTypes().keySet(), LintRule.UNKNOWN_AGENCY_TYPE, "agency type");
        choice(o, side + ".roles", party.roles(), vocab.roles().keySet(), LintRule.UNKNOWN_ROLE, "role");
    }

    private void choice(Origin o, String path, Choice c, Set<String> known, LintRule rule, String kind) {
        if (!c.any()) {
            codes(o, path, List.copyOf(c.values()), known, rule, kind);
        }
    }

    private void codes(Origin o, String path, List<String> values, Set<String> known, LintRule rule, String kind) {
        for (String v : values) {
            // the reader records each list item's line under path[value]
            known(o, path + "[" + v + "]", v, known, rule, kind);
        }
    }

    private boolean known(Origin o, String path, String value, Set<String> known, LintRule rule, String kind) {
        if (known.contains(value)) {
            return true;
        }
        add(o, path, rule, kind + " '" + value + "' is not one of " + String.join(", ", known));
        return false;
    }

    /**
     * A basis limited to some agency types (recognised legitimate interest is for bodies that cannot rely
     * on public task) may be relied on only by a rule whose acting side is limited to those types; a basis
     * that commenced on a date may not be relied on by a protocol in force before it.
     */
    private void basisFit(Protocol p, SharingRule r, Vocabulary.LawfulBasis b) {
        if (!b.agencyTypes().isEmpty()) {
            for (String action : r.actions()) {
                String side = vocab.actorIsSender(action) ? "from" : "to";
                Party actor = vocab.actorIsSender(action) ? r.from() : r.to();
                if (actor.agencyTypes().any() || !b.agencyTypes().containsAll(actor.agencyTypes().values())) {
                    add(r.origin(), "lawful-basis", LintRule.BASIS_NOT_FOR_AGENCY_TYPE, "rule '" + r.id() + "' relies on '"
                            + r.lawfulBasis() + "' for " + side + " agency types " + actor.agencyTypes()
                            + "; only " + b.agencyTypes() + " may rely on it");
                    return;
                }
            }
        }
        if (b.validFrom() != null && p.effectiveFrom() != null && p.effectiveFrom().isBefore(b.validFrom())) {
            add(r.origin(), "lawful-basis", LintRule.BASIS_BEFORE_COMMENCEMENT, "rule '" + r.id() + "' relies on '"
                    + r.lawfulBasis() + "', in force from " + b.validFrom() + ", but protocol '" + p.id()
                    + "' is in force from " + p.effectiveFrom());
        }
    }

    private void add(Origin o, String path, LintRule rule, String message) {
        findings.add(o.file(), o.line(path), rule, message);
    }
}
