package uk.safeguarding.gateway.signatory;

import java.util.Optional;

/**
 * The agency's confidential client in the identity provider. Blocking calls: callers run them on a
 * worker thread. Failures surface as {@link IdentityProviderException}, never as the HTTP client's own
 * exceptions (which the API would otherwise turn into its own status codes).
 */
public interface AgencyClients {

    /** What to create: a client-credentials-only client whose tokens carry {@code agency} and the gateway's audience. */
    record Spec(String clientId, String agencyId, String displayName) {
    }

    /** The created client: the identity provider's internal id and the secret, which the caller shows once. */
    record Created(String internalId, String secret) {
    }

    /** Creates the client; throws {@link IdentityProviderException} with {@code conflict} if the client id is taken. */
    Created create(Spec spec);

    /** A new secret for the client (the old one stops working at once); shown once by the caller. */
    String rotateSecret(String internalId);

    void setEnabled(String internalId, boolean enabled);

    /** Deletes the client; used only to undo an onboarding whose database half failed. */
    void delete(String internalId);

    /** Whether a client with this client id exists, and if so whether it is enabled. */
    Optional<Boolean> enabled(String clientId);

    /** A failed call to the identity provider. */
    class IdentityProviderException extends RuntimeException {

        private final boolean conflict;

        public IdentityProviderException(String message, boolean conflict, Throwable cause) {
            super(message, cause);
            this.conflict = conflict;
        }

        public boolean conflict() {
            return conflict;
        }
    }
}
