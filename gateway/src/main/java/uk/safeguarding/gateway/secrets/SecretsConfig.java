package uk.safeguarding.gateway.secrets;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Encryption of the secrets the gateway stores (docs/SECURITY.md, Secrets at rest) and the production start-up check. */
@ConfigMapping(prefix = "gateway.secrets")
public interface SecretsConfig {

    /** The key new values are encrypted with: {@code <key id>:<base64 of 32 random bytes>}; a Secret in production. */
    Optional<String> key();

    /** Keys of earlier rotations, same form: values under them are still read and re-encrypted at start-up. */
    Optional<List<String>> previousKeys();

    /** Refuse to start with a missing encryption key or any dev-only default secret (on in %prod). */
    @WithDefault("false")
    boolean refuseDevDefaults();
}
