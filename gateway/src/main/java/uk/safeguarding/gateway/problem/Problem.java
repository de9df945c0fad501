package uk.safeguarding.gateway.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * RFC 9457 problem details. {@code code} is the stable machine-readable reason and {@code errors}
 * name each failing field with the rule it broke; neither ever carries hidden data.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, String code,
        String requestId, List<FieldError> errors, List<FieldError> warnings) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One failing (or warned-about) field: a JSON pointer or header name, the rule, a sentence. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record FieldError(String field, String rule, String message) {
    }
}
