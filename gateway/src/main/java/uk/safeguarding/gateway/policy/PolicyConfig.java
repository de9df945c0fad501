package uk.safeguarding.gateway.policy;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Where the information-sharing protocols the gateway executes come from. */
@ConfigMapping(prefix = "gateway.protocols")
public interface PolicyConfig {

    /** A folder of protocol YAML files to use instead of the protocols shipped in protocol-policies. */
    Optional<String> directory();
}
