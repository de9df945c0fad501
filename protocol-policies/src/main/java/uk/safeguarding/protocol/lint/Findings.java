package uk.safeguarding.protocol.lint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects findings from the reader and the linter; not thread-safe, one per load. */
public final class Findings {

    private final List<LintFinding> all = new ArrayList<>();

    public void add(String file, int line, LintRule rule, String message) {
        all.add(new LintFinding(file, line, rule, message));
    }

    /** Sorted by file then line, so the first message is the first thing to fix. */
    public List<LintFinding> all() {
        List<LintFinding> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(LintFinding::file).thenComparingInt(LintFinding::line));
        return List.copyOf(sorted);
    }

    public List<LintFinding> errors() {
        return all().stream().filter(LintFinding::isError).toList();
    }

    public List<LintFinding> warnings() {
        return all().stream().filter(f -> !f.isError()).toList();
    }
}
