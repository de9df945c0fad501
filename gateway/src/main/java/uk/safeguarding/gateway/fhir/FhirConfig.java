package uk.safeguarding.gateway.fhir;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** FHIR settings. */
@ConfigMapping(prefix = "gateway.fhir")
public interface FhirConfig {

    /** Warm the shared FhirContext on a worker thread at start-up; readiness waits for it. */
    @WithDefault("true")
    boolean warmUp();

    /** Kibibytes of FHIR body text parsed at once across this process; a larger total waits (see ParseBudget). */
    @WithDefault("2048")
    int parseBudgetKib();

    /** Milliseconds a FHIR body waits for its share of the parse budget before the answer is 503 with Retry-After. */
    @WithDefault("5000")
    long parseWaitMillis();
}
