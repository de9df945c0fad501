package uk.safeguarding.gateway.security;

import io.quarkus.security.AuthenticationFailedException;
import java.util.Map;

/**
 * Builds the failure for a verified token whose agency may not use the gateway (no claim, not a
 * signatory, revoked). Quarkus's exception is final, so the stable code travels as an attribute.
 */
public final class AgencyRejectedException {

    /** The attribute under which the stable code travels. */
    public static final String CODE = "safeguarding.code";

    /**
     * The revocation list could not be read: the caller is refused (fail closed), but the fault is the
     * gateway's, so it is answered 503 with Retry-After rather than 401, and clients retry.
     */
    public static final String LIST_UNAVAILABLE = "REVOCATION_LIST_UNAVAILABLE";

    private AgencyRejectedException() {
    }

    public static AuthenticationFailedException of(String code, String message) {
        return new AuthenticationFailedException(message, Map.of(CODE, code));
    }

    /** The stable code if the failure came from {@link #of}, else null. */
    public static String codeOf(AuthenticationFailedException failure) {
        return failure.getAttribute(CODE);
    }
}
