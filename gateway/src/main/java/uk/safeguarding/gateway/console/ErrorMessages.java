package uk.safeguarding.gateway.console;

import io.quarkus.qute.TemplateExtension;
import java.util.List;
import uk.safeguarding.gateway.problem.Problem;

/** {@code err:has(errors, 'field')} and {@code err:msg(errors, 'field')}: the message beside each field. */
@TemplateExtension(namespace = "err")
public final class ErrorMessages {

    private ErrorMessages() {
    }

    static boolean has(List<Problem.FieldError> errors, String field) {
        return errors != null && errors.stream().anyMatch(e -> field.equals(e.field()));
    }

    static String msg(List<Problem.FieldError> errors, String field) {
        return errors == null ? "" : errors.stream().filter(e -> field.equals(e.field())).map(Problem.FieldError::message)
                .findFirst().orElse("");
    }
}
