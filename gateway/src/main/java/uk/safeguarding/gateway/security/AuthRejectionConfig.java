package uk.safeguarding.gateway.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How refused authentications (401, and 503 for an unreadable revocation list) reach the audit trail:
 * one record each up to a cap per source address and minute, the rest counted into one summary record,
 * so a flood of bad tokens cannot swamp the trail or the database (docs/SECURITY.md).
 */
@ConfigMapping(prefix = "gateway.auth-rejections")
public interface AuthRejectionConfig {

    /** Refusals from one source address audited one by one in a minute; the rest go into that minute's summary record. */
    @WithDefault("20")
    int perAddressPerMinute();

    /** Distinct source addresses tracked in one minute; refusals from further addresses share one overflow tally. */
    @WithDefault("500")
    int maxAddressesPerMinute();

    /** Audit writes of refusals in flight at once; a refusal beyond this is counted in the summary instead, so a flood never takes the connection pool from real requests. */
    @WithDefault("8")
    int maxConcurrentWrites();

    /** How often minutes that have ended are summarised (one record per address that went over the cap). */
    @WithDefault("10s")
    Duration flushInterval();
}
