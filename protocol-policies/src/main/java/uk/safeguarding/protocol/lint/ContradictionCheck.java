package uk.safeguarding.protocol.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import uk.safeguarding.protocol.model.Choice;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.SharingRule;

/**
 * Finds a permit and a deny with the same scope: the same from and to parties, relationship and
 * child-state condition, and at least one action, category and purpose in common. Because a matching
 * deny always wins (see the engine's combination rules), such a permit is dead for that overlap; the
 * author meant something else, so it is an error rather than a silent precedence.
 *
 * <p>A deny that is narrower or broader than a permit (different parties, a condition on the child's
 * state) is a refinement, not a contradiction, and is allowed: that is what explicit denies are for.
 */
final class ContradictionCheck {

    private final Findings findings;

    ContradictionCheck(Findings findings) {
        this.findings = findings;
    }

    void check(List<Protocol> protocols) {
        List<Located> permits = new ArrayList<>();
        List<Located> denies = new ArrayList<>();
        for (Protocol p : protocols) {
            for (SharingRule r : p.rules()) {
                (r.isDeny() ? denies : permits).add(new Located(p, r));
            }
        }
        for (Located d : denies) {
            for (Located p : permits) {
                if (sameScope(p.rule, d.rule)) {
                    findings.add(d.rule.origin().file(), d.rule.origin().line(), LintRule.CONTRADICTORY_RULES,
                            "deny rule '" + d.rule.id() + "' has the same from/to/action/category/purpose as permit rule '"
                                    + p.protocol.clauseRef(p.rule.id()) + "' (" + p.rule.origin().file() + ":"
                                    + p.rule.origin().line() + "); the permit could never apply there");
                }
            }
        }
    }

    private static boolean sameScope(SharingRule a, SharingRule b) {
        return a.from().equals(b.from())
                && a.to().equals(b.to())
                && a.relationship().equals(b.relationship())
                && Objects.equals(a.whenChildMissing(), b.whenChildMissing())
                && Objects.equals(a.whenFoundByReader(), b.whenFoundByReader())
                && Choice.of(Set.copyOf(a.actions())).overlaps(Choice.of(Set.copyOf(b.actions())))
                && Choice.of(Set.copyOf(a.categories())).overlaps(Choice.of(Set.copyOf(b.categories())))
                && a.purposes().overlaps(b.purposes());
    }

    private record Located(Protocol protocol, SharingRule rule) {
    }
}
