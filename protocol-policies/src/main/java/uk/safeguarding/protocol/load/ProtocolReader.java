package uk.safeguarding.protocol.load;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import uk.safeguarding.protocol.lint.Findings;
import uk.safeguarding.protocol.lint.LintRule;
import uk.safeguarding.protocol.model.AuditLevel;
import uk.safeguarding.protocol.model.Choice;
import uk.safeguarding.protocol.model.ConsentRequirement;
import uk.safeguarding.protocol.model.Deadline;
import uk.safeguarding.protocol.model.DenialCode;
import uk.safeguarding.protocol.model.Duty;
import uk.safeguarding.protocol.model.Effect;
import uk.safeguarding.protocol.model.EscalationTarget;
import uk.safeguarding.protocol.model.Origin;
import uk.safeguarding.protocol.model.Party;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.ProtocolStatus;
import uk.safeguarding.protocol.model.RelationshipRequirement;
import uk.safeguarding.protocol.model.Retention;
import uk.safeguarding.protocol.model.SharingRule;
import uk.safeguarding.protocol.model.Signatory;
import uk.safeguarding.protocol.model.StandingClause;

/**
 * Reads one protocol file into the model, reporting schema violations (unknown keys, wrong types,
 * missing fields, bad enumerated values) as it goes. Codes are not checked against the vocabulary
 * here; that is the linter's job, on the model, with the lines recorded in each {@link Origin}.
 */
final class ProtocolReader {

    private static final Set<String> TOP = keys("protocol", "version", "title", "description", "status",
            "effective", "owner", "lead-dpo", "retention", "signatories", "lawful-bases", "categories", "rules", "duties",
            "relationships");
    private static final Set<String> STANDING = keys("id", "description", "kinds", "event", "established-by",
            "asserted-by", "confirmation", "scope", "source");
    private static final Set<String> CONFIRMATION = keys("asked");
    private static final Set<String> EFFECTIVE = keys("from", "to");
    private static final Set<String> RETENTION = keys("period", "after", "source");
    private static final Set<String> SIGNATORY = keys("agency", "dpo", "since", "until");
    private static final Set<String> RULE = keys("id", "description", "effect", "actions", "from", "to",
            "relationship", "categories", "purposes", "when", "consent", "lawful-basis", "second-approver",
            "notify-owner", "audit", "handling", "scope", "deny-code", "source");
    private static final Set<String> PERMIT_ONLY = keys("consent", "lawful-basis", "second-approver",
            "notify-owner", "audit", "handling", "scope");
    private static final Set<String> PARTY = keys("agency-types", "roles");
    private static final Set<String> WHEN = keys("child-missing", "found-by-reader");
    private static final Set<String> DUTY = keys("id", "description", "event", "recipients", "deadline",
            "escalate-to", "threshold", "source");
    private static final Set<String> THRESHOLD = keys("episodes", "within-days");
    private static final Set<String> DEADLINE = keys("minutes", "hours", "working-days", "end-of-day",
            "before", "emergency-working-days", "next-school-day");
    private static final Set<String> DEADLINE_KINDS = keys("minutes", "hours", "working-days", "end-of-day",
            "before", "next-school-day");
    private static final Set<String> ESCALATION = keys("case-role", "role");

    private final String file;
    private final Findings findings;

    ProtocolReader(String file, Findings findings) {
        this.file = file;
        this.findings = findings;
    }

    private static Set<String> keys(String... k) {
        return new LinkedHashSet<>(List.of(k));
    }

    /** The protocol, or null when the file is not YAML or not a mapping (already reported). */
    Protocol read(String text) {
        Node root = Yamls.compose(file, text, findings);
        if (root == null) {
            return null;
        }
        Map<String, Integer> lines = new HashMap<>();
        YamlMap top = YamlMap.of(file, findings, root, "protocol", "", lines, TOP);
        if (top == null) {
            return null;
        }
        String id = top.string("protocol", true);
        String version = top.string("version", true);
        String title = top.string("title", true);
        top.string("description", false);
        ProtocolStatus status = enumValue(top, "status", true, ProtocolStatus.class);
        LocalDate from = null;
        LocalDate to = null;
        YamlMap eff = top.map("effective", true, "'effective'", EFFECTIVE);
        if (eff != null) {
            from = eff.date("from", true);
            to = eff.date("to", true);
        }
        String owner = top.string("owner", true);
        String leadDpo = top.string("lead-dpo", false);
        Retention retention = retention(top.map("retention", true, "'retention'", RETENTION));
        List<Signatory> signatories = new ArrayList<>();
        for (Node n : top.nodes("signatories", true)) {
            Signatory s = signatory(n);
            if (s != null) {
                signatories.add(s);
            }
        }
        List<String> bases = orEmpty(top.strings("lawful-bases", true));
        List<String> categories = orEmpty(top.strings("categories", true));
        List<SharingRule> rules = new ArrayList<>();
        for (Node n : top.nodes("rules", true)) {
            SharingRule r = rule(n);
            if (r != null) {
                rules.add(r);
            }
        }
        List<Duty> duties = new ArrayList<>();
        for (Node n : top.nodes("duties", false)) {
            Duty d = duty(n);
            if (d != null) {
                duties.add(d);
            }
        }
        List<StandingClause> standing = new ArrayList<>();
        for (Node n : top.nodes("relationships", false)) {
            StandingClause c = standing(n);
            if (c != null) {
                standing.add(c);
            }
        }
        return new Protocol(id, version, title, status, from, to, owner, signatories, bases, categories, rules,
                duties, standing, retention, new Origin(file, top.line(), lines), leadDpo);
    }

    private Retention retention(YamlMap m) {
        if (m == null) {
            return null;
        }
        String period = m.string("period", true);
        String after = m.string("after", true);
        String source = m.string("source", false);
        Period p = null;
        if (period != null) {
            try {
                p = Period.parse(period);
            } catch (DateTimeParseException e) {
                m.report(m.raw("period"), LintRule.WRONG_TYPE, "retention period must be an ISO-8601 period such as P6Y, not '" + period + "'");
            }
        }
        return new Retention(p, after, source);
    }

    private Signatory signatory(Node n) {
        Map<String, Integer> lines = new HashMap<>();
        YamlMap m = YamlMap.of(file, findings, n, "signatory", "", lines, SIGNATORY);
        if (m == null) {
            return null;
        }
        String agency = m.string("agency", true);
        String dpo = m.string("dpo", true);
        if (dpo != null && !dpo.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            m.report(m.raw("dpo"), LintRule.INVALID_VALUE, "dpo contact of " + agency + " must be an e-mail address, not '" + dpo + "'");
        }
        return new Signatory(agency, dpo, m.date("since", false), m.date("until", false), new Origin(file, m.line(), lines));
    }

    private SharingRule rule(Node n) {
        Map<String, Integer> lines = new HashMap<>();
        String name = idOf(n);
        YamlMap m = YamlMap.of(file, findings, n, "rule '" + name + "'", "", lines, RULE);
        if (m == null) {
            return null;
        }
        String id = m.string("id", true);
        Effect effect = enumValue(m, "effect", true, Effect.class);
        boolean deny = effect == Effect.DENY;
        if (effect != null) {
            for (String k : PERMIT_ONLY) {
                if (deny && m.has(k)) {
                    m.report(m.raw(k), LintRule.EFFECT_FIELD_MISMATCH, "'" + k + "' applies only to permit rules; rule '" + id + "' denies");
                }
            }
            if (!deny && m.has("deny-code")) {
                m.report(m.raw("deny-code"), LintRule.EFFECT_FIELD_MISMATCH, "'deny-code' applies only to deny rules; rule '" + id + "' permits");
            }
        }
        List<String> actions = orEmpty(m.strings("actions", true));
        Party from = party(m, "from");
        Party to = party(m, "to");
        RelationshipRequirement rel = relationship(m);
        List<String> categories = orEmpty(m.strings("categories", true));
        Choice purposes = m.choice("purposes", true);
        Boolean missing = null;
        Boolean foundByReader = null;
        YamlMap when = m.map("when", false, "'when' of rule '" + id + "'", WHEN);
        if (when != null) {
            missing = when.bool("child-missing", false);
            foundByReader = when.bool("found-by-reader", false);
            if (missing == null && foundByReader == null) {
                m.report(m.raw("when"), LintRule.MISSING_FIELD, "'when' of rule '" + id
                        + "' needs child-missing or found-by-reader");
            }
        }
        ConsentRequirement consent = null;
        String basis = null;
        AuditLevel audit = AuditLevel.STANDARD;
        DenialCode denyCode = null;
        if (!deny) {
            String c = m.string("consent", true);
            if (c != null) {
                consent = ConsentRequirement.fromCode(c).orElse(null);
                if (consent == null) {
                    m.report(m.raw("consent"), LintRule.INVALID_VALUE, "consent '" + c + "' is not one of required, "
                            + "not-required-safeguarding, override-with-justification, not-applicable");
                }
            }
            basis = m.string("lawful-basis", true);
            String a = m.string("audit", false);
            if (a != null) {
                audit = AuditLevel.fromCode(a).orElse(null);
                if (audit == null) {
                    m.report(m.raw("audit"), LintRule.INVALID_VALUE, "audit '" + a + "' is not one of standard, enhanced, full");
                    audit = AuditLevel.STANDARD;
                }
            }
        } else {
            denyCode = m.has("deny-code") ? enumValue(m, "deny-code", false, DenialCode.class) : DenialCode.EXPLICIT_DENY;
        }
        String approver = deny ? null : m.string("second-approver", false);
        Choice notify = deny ? null : m.choice("notify-owner", false);
        Map<String, String> handling = deny ? Map.of() : m.stringMap("handling");
        String scope = deny ? null : m.string("scope", false);
        if (scope != null && !scope.equals(SharingRule.OWN_AGENCY) && !scope.equals(SharingRule.PARTNERSHIP)) {
            m.report(m.raw("scope"), LintRule.INVALID_VALUE, "scope '" + scope + "' is not 'own-agency' or 'partnership'");
        }
        String description = m.string("description", false);
        String source = source(m, "rule '" + id + "'");
        return new SharingRule(id, description, effect, actions, from, to, rel, categories,
                purposes == null ? Choice.of(Set.of()) : purposes, missing, foundByReader, consent, basis, approver,
                notify == null ? Choice.of(Set.of()) : notify, audit, handling, scope, denyCode, source,
                new Origin(file, m.line(), lines));
    }

    /** A party is either the word {@code any} or a mapping of agency types and (optional) roles. */
    private Party party(YamlMap m, String key) {
        Node v = m.raw(key);
        if (v == null) {
            m.missing(key, LintRule.MISSING_FIELD, m.what() + " has no '" + key + "'");
            return Party.ANY;
        }
        if (v instanceof ScalarNode && "any".equals(((ScalarNode) v).getValue())) {
            return Party.ANY;
        }
        YamlMap p = m.map(key, true, "'" + key + "' of " + m.what(), PARTY);
        if (p == null) {
            return Party.ANY;
        }
        Choice types = p.choice("agency-types", true);
        Choice roles = p.has("roles") ? p.choice("roles", false) : Choice.ANY;
        return new Party(types == null ? Choice.ANY : types, roles == null ? Choice.ANY : roles);
    }

    private RelationshipRequirement relationship(YamlMap m) {
        Node v = m.raw("relationship");
        if (v instanceof ScalarNode) {
            String s = ((ScalarNode) v).getValue();
            if ("none".equals(s)) {
                return RelationshipRequirement.NONE;
            }
            if ("any".equals(s)) {
                return RelationshipRequirement.ANY;
            }
        }
        List<String> kinds = m.strings("relationship", true);
        return RelationshipRequirement.oneOf(new LinkedHashSet<>(orEmpty(kinds)));
    }

    private Duty duty(Node n) {
        Map<String, Integer> lines = new HashMap<>();
        String name = idOf(n);
        YamlMap m = YamlMap.of(file, findings, n, "duty '" + name + "'", "", lines, DUTY);
        if (m == null) {
            return null;
        }
        String id = m.string("id", true);
        String event = m.string("event", true);
        List<String> recipients = orEmpty(m.strings("recipients", true));
        Deadline deadline = null;
        if (!m.has("deadline")) {
            m.missing("deadline", LintRule.DUTY_WITHOUT_DEADLINE, "duty '" + id + "' has no deadline; every duty says by when");
        } else {
            deadline = deadline(m.map("deadline", true, "deadline of duty '" + id + "'", DEADLINE), id);
        }
        EscalationTarget esc = null;
        if (!m.has("escalate-to")) {
            m.missing("escalate-to", LintRule.DUTY_WITHOUT_ESCALATION, "duty '" + id + "' has no escalate-to; a missed deadline must reach someone");
        } else {
            YamlMap e = m.map("escalate-to", true, "escalate-to of duty '" + id + "'", ESCALATION);
            if (e != null) {
                esc = new EscalationTarget(e.string("case-role", true), e.string("role", false));
            }
        }
        Duty.Threshold threshold = null;
        if (m.has("threshold")) {
            threshold = threshold(m.map("threshold", true, "threshold of duty '" + id + "'", THRESHOLD), id);
        }
        String description = m.string("description", false);
        String source = source(m, "duty '" + id + "'");
        return new Duty(id, description, event, recipients, deadline, esc, source, new Origin(file, m.line(), lines),
                threshold);
    }

    /** A standing clause: which relationship kinds an event creates, and on whose word (see StandingClause). */
    private StandingClause standing(Node n) {
        Map<String, Integer> lines = new HashMap<>();
        String name = idOf(n);
        YamlMap m = YamlMap.of(file, findings, n, "relationship clause '" + name + "'", "", lines, STANDING);
        if (m == null) {
            return null;
        }
        String id = m.string("id", true);
        List<String> kinds = orEmpty(m.strings("kinds", true));
        String event = m.string("event", true);
        StandingClause.Establishment established = enumValue(m, "established-by", true, StandingClause.Establishment.class);
        Party assertedBy = m.has("asserted-by") ? party(m, "asserted-by") : null;
        if (established != null && established != StandingClause.Establishment.ROUTING && assertedBy == null) {
            m.missing("asserted-by", LintRule.MISSING_FIELD, "relationship clause '" + id + "' is established by "
                    + established.code() + ", so it names who may do that (asserted-by)");
        }
        if (established == StandingClause.Establishment.ROUTING && assertedBy != null) {
            m.report(m.raw("asserted-by"), LintRule.INVALID_VALUE, "relationship clause '" + id
                    + "' is established by routing: the protocol's duties choose the agency, nobody asserts it");
        }
        StandingClause.Scope scope = m.has("scope") ? enumValue(m, "scope", false, StandingClause.Scope.class)
                : StandingClause.Scope.CHILD;
        List<String> asked = List.of();
        if (m.has("confirmation")) {
            YamlMap c = m.map("confirmation", true, "confirmation of relationship clause '" + id + "'", CONFIRMATION);
            asked = c == null ? List.of() : orEmpty(c.strings("asked", true));
            if (established != StandingClause.Establishment.SELF_ASSERTION || scope == StandingClause.Scope.OWN_RECORD) {
                m.report(m.raw("confirmation"), LintRule.INVALID_VALUE, "only a self-asserted relationship with the whole "
                        + "child's record is confirmed; relationship clause '" + id + "' is not one");
            }
        } else if (established == StandingClause.Establishment.SELF_ASSERTION && scope == StandingClause.Scope.CHILD) {
            m.missing("confirmation", LintRule.STANDING_WITHOUT_CONFIRMATION, "relationship clause '" + id + "' lets an "
                    + "agency assert its own relationship with a child; say who confirms it when the child is already known");
        }
        String description = m.string("description", false);
        String source = source(m, "relationship clause '" + id + "'");
        return new StandingClause(id, description, kinds, event, established, assertedBy == null ? Party.ANY : assertedBy,
                asked, scope == null ? StandingClause.Scope.CHILD : scope, source, new Origin(file, m.line(), lines));
    }

    /** How many episodes within how many days raise the duty's event; both required and positive. */
    private Duty.Threshold threshold(YamlMap t, String dutyId) {
        if (t == null) {
            return null;
        }
        Integer episodes = t.integer("episodes", true);
        Integer days = t.integer("within-days", true);
        if (episodes == null || days == null) {
            return null;
        }
        if (episodes < 2 || days <= 0) {
            t.report(t.raw(episodes < 2 ? "episodes" : "within-days"), LintRule.INVALID_VALUE, "threshold of duty '"
                    + dutyId + "' needs at least 2 episodes within a positive number of days");
            return null;
        }
        return new Duty.Threshold(episodes, days);
    }

    private Deadline deadline(YamlMap d, String dutyId) {
        if (d == null) {
            return null;
        }
        List<String> kinds = DEADLINE_KINDS.stream().filter(d::has).toList();
        if (kinds.size() != 1) {
            d.missing("deadline", LintRule.INVALID_DEADLINE, "deadline of duty '" + dutyId + "' must have exactly one of "
                    + String.join(", ", DEADLINE_KINDS) + (kinds.isEmpty() ? "" : "; found " + String.join(", ", kinds)));
            return null;
        }
        String kind = kinds.get(0);
        if (d.has("emergency-working-days") && !kind.equals("before")) {
            d.report(d.raw("emergency-working-days"), LintRule.INVALID_DEADLINE, "emergency-working-days applies only to a 'before' deadline");
        }
        switch (kind) {
            case "minutes":
            case "hours":
            case "working-days": {
                Integer amount = d.integer(kind, true);
                if (amount == null) {
                    return null;
                }
                if (amount <= 0) {
                    d.report(d.raw(kind), LintRule.INVALID_DEADLINE, kind + " of duty '" + dutyId + "' must be positive");
                    return null;
                }
                return kind.equals("minutes") ? new Deadline.Minutes(amount)
                        : kind.equals("hours") ? new Deadline.Hours(amount) : new Deadline.WorkingDays(amount);
            }
            case "end-of-day": {
                Boolean b = d.bool(kind, true);
                if (b != null && !b) {
                    d.report(d.raw(kind), LintRule.INVALID_DEADLINE, "end-of-day: false is not a deadline");
                    return null;
                }
                return b == null ? null : new Deadline.EndOfDay();
            }
            case "before": {
                String caseDate = d.string("before", true);
                Integer emergency = d.integer("emergency-working-days", false);
                return caseDate == null ? null : new Deadline.BeforeCaseDate(caseDate, emergency);
            }
            default: {
                String t = d.string("next-school-day", true);
                try {
                    return t == null ? null : new Deadline.NextSchoolDay(LocalTime.parse(t));
                } catch (DateTimeParseException e) {
                    d.report(d.raw("next-school-day"), LintRule.WRONG_TYPE, "next-school-day must be a time such as \"08:30\", not '" + t + "'");
                    return null;
                }
            }
        }
    }

    private String source(YamlMap m, String what) {
        String s = m.has("source") ? m.string("source", false) : null;
        if (s == null || s.isBlank()) {
            m.missing("source", LintRule.MISSING_SOURCE, what + " cites no source; every clause names the law, guidance or finding it rests on");
        }
        return s;
    }

    private <E extends Enum<E>> E enumValue(YamlMap m, String key, boolean required, Class<E> type) {
        String s = m.string(key, required);
        if (s == null) {
            return null;
        }
        String constant = s.toUpperCase().replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(constant)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(type == DenialCode.class ? e.name() : e.name().toLowerCase().replace('_', '-'));
        }
        m.report(m.raw(key), LintRule.INVALID_VALUE, key + " '" + s + "' is not one of " + String.join(", ", allowed));
        return null;
    }

    private static String idOf(Node n) {
        if (n instanceof MappingNode) {
            for (NodeTuple t : ((MappingNode) n).getValue()) {
                if (t.getKeyNode() instanceof ScalarNode && t.getValueNode() instanceof ScalarNode
                        && "id".equals(((ScalarNode) t.getKeyNode()).getValue())) {
                    return ((ScalarNode) t.getValueNode()).getValue();
                }
            }
        }
        return "?";
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }
}
