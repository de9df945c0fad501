package uk.safeguarding.protocol.lint;

/** One finding, printed as {@code file:line: [rule] message} so editors and CI logs can jump to it. */
public record LintFinding(String file, int line, LintRule rule, String message) {

    public boolean isError() {
        return rule.severity() == LintRule.Severity.ERROR;
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + (isError() ? "" : "warning: ") + "[" + rule.code() + "] " + message;
    }
}
