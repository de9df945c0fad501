package uk.safeguarding.gateway.identity;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Identity matching (docs/IDENTITY.md). */
@ConfigMapping(prefix = "gateway.identity")
public interface IdentityConfig {

    /**
     * The secret the matching keys are HMAC-SHA256'd under (at least 32 characters); without it keys are
     * plain SHA-256 of the normalised parts, which a dictionary of names and dates could reverse.
     */
    Optional<String> matchKey();
}
