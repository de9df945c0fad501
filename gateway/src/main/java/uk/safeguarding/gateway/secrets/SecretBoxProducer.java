package uk.safeguarding.gateway.secrets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/** The gateway's one {@link SecretBox}, from configuration; a broken key stops the start. */
@ApplicationScoped
public class SecretBoxProducer {

    @Produces
    @Singleton
    SecretBox secretBox(SecretsConfig config) {
        String key = config.key().orElseThrow(() -> new IllegalStateException(ProductionSecretsCheck.NO_ENCRYPTION_KEY));
        return new SecretBox(key, config.previousKeys().orElse(List.of()));
    }
}
