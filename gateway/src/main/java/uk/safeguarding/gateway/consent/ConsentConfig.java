package uk.safeguarding.gateway.consent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Consent records and overrides ("share without consent", "share despite refusal"). */
@ConfigMapping(prefix = "gateway.consent")
public interface ConsentConfig {

    /** The fewest characters an override's written justification may have (the engine enforces the same). */
    @WithDefault("40")
    int minJustificationLength();

    /** How long an active override may be used by its requester before a new one is needed. */
    @WithDefault("PT24H")
    Duration overrideValidity();

    /** The longest justification, withdrawal reason or grantor description accepted, in characters. */
    @WithDefault("4000")
    int maxTextLength();

    /** The most prior disclosures listed for a withdrawn consent (the DPO's list is capped, never silently cut: it says so). */
    @WithDefault("500")
    int maxPriorDisclosures();
}
