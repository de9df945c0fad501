package uk.safeguarding.protocol.load;

import java.util.List;
import java.util.stream.Collectors;
import uk.safeguarding.protocol.lint.LintFinding;

/**
 * Thrown when protocols fail lint. The message is one finding per line, first error first, each as
 * {@code file:line: [rule] message}, so a gateway that refuses to start can log it as it is.
 */
public final class ProtocolLintException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<LintFinding> errors;

    public ProtocolLintException(List<LintFinding> errors) {
        super(errors.stream().map(LintFinding::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<LintFinding> errors() {
        return errors;
    }
}
