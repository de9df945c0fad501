package uk.safeguarding.gateway.placement;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** What is held only while a child is missing (the Philomena profile, the trigger plan). */
@ConfigMapping(prefix = "gateway.missing")
public interface MissingReleaseConfig {

    /**
     * How long after the find the force that found the child (in a confirmed episode) may still read
     * them, for its safe and well check and debrief (protocol clause philomena-to-finding-force).
     */
    @WithDefault("PT24H")
    Duration finderDebrief();
}
