package uk.safeguarding.gateway.console;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The web console's own settings (docs/CONSOLE.md); its sign-in is configured under quarkus.oidc. */
@ConfigMapping(prefix = "gateway.console")
public interface ConsoleConfig {

    /** Key that signs the forms' CSRF tokens (32+ characters); every replica needs the same one (unset: a random key per start). */
    Optional<String> csrfSecret();
}
