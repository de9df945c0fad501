package uk.safeguarding.protocol.cases;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import uk.safeguarding.protocol.engine.Actor;
import uk.safeguarding.protocol.engine.Approval;
import uk.safeguarding.protocol.engine.Approver;
import uk.safeguarding.protocol.engine.ChildState;
import uk.safeguarding.protocol.engine.ConsentOverride;
import uk.safeguarding.protocol.engine.ConsentState;
import uk.safeguarding.protocol.engine.DecisionRequest;
import uk.safeguarding.protocol.engine.Obligation;
import uk.safeguarding.protocol.model.DenialCode;
import uk.safeguarding.protocol.model.Effect;

/**
 * One decision case: a request and the decision the protocols must give. Parsing is strict: an
 * unknown or misspelt key fails the case, because a silently ignored {@code expect} field would let a
 * wrong expectation pass.
 */
record CaseFile(String name, String description, List<String> covers, DecisionRequest request, Expect expect) {

    /** @param permitted null when the case does not say (only allowed for DENY, where it must be empty) */
    record Expect(Effect decision, List<String> permitted, List<String> reasons, DenialCode code, String rule,
            String lawfulBasis, Map<String, DenialCode> withheld, Set<Obligation.Type> obligations) {
    }

    static final class CaseFormatException extends RuntimeException {
        CaseFormatException(String message) {
            super(message);
        }
    }

    static CaseFile parse(Path file, String name) throws IOException {
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        Map<String, Object> top = map(doc, "case", Set.of("description", "covers", "request", "expect"));
        Map<String, Object> req = map(required(top, "request"), "request", Set.of("actor", "action", "relationships",
                "categories", "purpose", "consent", "missing", "found-by-reader", "counterparty", "at", "override", "approval", "scope"));
        Map<String, Object> actor = map(required(req, "actor"), "actor", Set.of("agency", "type", "roles", "subject", "kind"));
        String agency = str(required(actor, "agency"));
        String type = actor.containsKey("type") ? str(actor.get("type")) : agency.substring(0, Math.max(0, agency.indexOf(':')));
        Actor a = new Actor(agency, type, new LinkedHashSet<>(strings(required(actor, "roles"))), str(actor.get("subject")),
                actor.containsKey("kind") ? Actor.Kind.valueOf(str(actor.get("kind")).toUpperCase()) : Actor.Kind.USER);
        DecisionRequest request = new DecisionRequest(a, str(required(req, "action")),
                new LinkedHashSet<>(req.containsKey("relationships") ? strings(req.get("relationships")) : List.of()),
                strings(required(req, "categories")), str(required(req, "purpose")),
                req.containsKey("consent") ? consent(str(req.get("consent"))) : ConsentState.NOT_SOUGHT,
                override(req.get("override")), approval(req.get("approval")),
                new ChildState(req.containsKey("missing") && (Boolean) req.get("missing"),
                        req.containsKey("found-by-reader") && (Boolean) req.get("found-by-reader")),
                req.containsKey("counterparty") ? str(req.get("counterparty")) : null, instant(required(req, "at")),
                req.containsKey("scope") ? str(req.get("scope")) : null);
        Map<String, Object> exp = map(required(top, "expect"), "expect", Set.of("decision", "permitted", "reasons", "code",
                "rule", "lawful-basis", "withheld", "obligations"));
        Effect decision = Effect.valueOf(str(required(exp, "decision")));
        if (decision == Effect.DENY && !exp.containsKey("code")) {
            throw new CaseFormatException("a DENY case must give the expected denial 'code'");
        }
        if (decision == Effect.PERMIT && (exp.containsKey("code") || !exp.containsKey("permitted"))) {
            throw new CaseFormatException("a PERMIT case gives 'permitted' and no 'code'");
        }
        Map<String, DenialCode> withheld = null;
        if (exp.containsKey("withheld")) {
            withheld = new LinkedHashMap<>();
            for (var e : map(exp.get("withheld"), "withheld", null).entrySet()) {
                withheld.put(e.getKey(), DenialCode.valueOf(str(e.getValue())));
            }
        }
        Set<Obligation.Type> obligations = null;
        if (exp.containsKey("obligations")) {
            obligations = new LinkedHashSet<>();
            for (String o : strings(exp.get("obligations"))) {
                obligations.add(Obligation.Type.valueOf(o));
            }
        }
        Expect expect = new Expect(decision, exp.containsKey("permitted") ? strings(exp.get("permitted")) : List.of(),
                strings(required(exp, "reasons")), exp.containsKey("code") ? DenialCode.valueOf(str(exp.get("code"))) : null,
                exp.containsKey("rule") ? str(exp.get("rule")) : null,
                exp.containsKey("lawful-basis") ? str(exp.get("lawful-basis")) : null, withheld, obligations);
        return new CaseFile(name, str(required(top, "description")),
                top.containsKey("covers") ? strings(top.get("covers")) : List.of(), request, expect);
    }

    private static ConsentState consent(String code) {
        ConsentState s = ConsentState.fromCode(code);
        if (!s.code().equals(code)) {
            throw new CaseFormatException("consent '" + code + "' is not granted, refused, withdrawn or not-sought");
        }
        return s;
    }

    private static ConsentOverride override(Object o) {
        if (o == null) {
            return null;
        }
        Map<String, Object> m = map(o, "override", Set.of("justification", "lawful-basis", "approver"));
        return new ConsentOverride(str(m.get("justification")), str(m.get("lawful-basis")), approver(m.get("approver")));
    }

    private static Approval approval(Object o) {
        if (o == null) {
            return null;
        }
        Map<String, Object> m = map(o, "approval", Set.of("rationale", "approver"));
        return new Approval(str(m.get("rationale")), approver(m.get("approver")));
    }

    private static Approver approver(Object o) {
        if (o == null) {
            return null;
        }
        Map<String, Object> m = map(o, "approver", Set.of("subject", "agency", "roles", "requester"));
        return new Approver(str(m.get("subject")), str(m.get("agency")), new LinkedHashSet<>(strings(required(m, "roles"))),
                Boolean.TRUE.equals(m.get("requester")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what, Set<String> allowed) {
        if (!(o instanceof Map)) {
            throw new CaseFormatException("'" + what + "' must be a mapping");
        }
        Map<String, Object> m = (Map<String, Object>) o;
        if (allowed != null) {
            for (String k : m.keySet()) {
                if (!allowed.contains(k)) {
                    throw new CaseFormatException("unknown field '" + k + "' in " + what + "; expected one of " + allowed);
                }
            }
        }
        return m;
    }

    private static Object required(Map<String, Object> m, String key) {
        if (!m.containsKey(key)) {
            throw new CaseFormatException("missing field '" + key + "'");
        }
        return m.get(key);
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static List<String> strings(Object o) {
        if (!(o instanceof List)) {
            throw new CaseFormatException("expected a list, got " + o);
        }
        List<String> out = new ArrayList<>();
        for (Object item : (List<?>) o) {
            out.add(String.valueOf(item));
        }
        return out;
    }

    private static Instant instant(Object o) {
        return o instanceof java.util.Date d ? d.toInstant() : Instant.parse(String.valueOf(o));
    }
}
