package uk.safeguarding.gateway.fhir;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** FHIR settings. */
@ConfigMapping(prefix = "gateway.fhir")
public interface FhirConfig {

    /** Warm the shared FhirContext on a worker thread at start-up; readiness waits for it. */
    @WithDefault("true")
    boolean warmUp();
}
