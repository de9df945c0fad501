package uk.safeguarding.gateway.problem;

import java.util.List;

/**
 * A failure the caller can act on. Thrown anywhere in a request; the mapper turns it into
 * problem+json (JSON API) or an OperationOutcome (FHIR), and the transaction rolls back.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<Problem.FieldError> errors;
    private final long retryAfterSeconds;

    public ApiException(int status, String code, String detail, List<Problem.FieldError> errors) {
        this(status, code, detail, errors, 0);
    }

    private ApiException(int status, String code, String detail, List<Problem.FieldError> errors, long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A refusal the caller should repeat later (429, 503): the response carries {@code Retry-After}. */
    public static ApiException retryLater(int status, String code, String detail, long retryAfterSeconds) {
        return new ApiException(status, code, detail, List.of(), Math.max(1, retryAfterSeconds));
    }

    public static ApiException badRequest(String field, String rule, String message) {
        return new ApiException(400, rule, message, List.of(new Problem.FieldError(field, rule, message)));
    }

    /** The answer for "no such record" and for "a record you may not know exists": they must look alike. */
    public static ApiException notFound() {
        return new ApiException(404, "NOT_FOUND", "No such record, or no legitimate relationship with it.", List.of());
    }

    public static ApiException forbidden(String code, String detail) {
        return new ApiException(403, code, detail, List.of());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    /** Seconds for {@code Retry-After}, or 0 when retrying the same request will not help. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
