package uk.safeguarding.gateway.referral;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Referral intake and routing settings. */
@ConfigMapping(prefix = "gateway.referral")
public interface ReferralConfig {

    /** Classpath location of the MASH partnership directory (home council to its police and health partners). */
    @WithDefault("referral/partnerships.json")
    String partnerships();

    /** Classpath location of the curated victim-blaming phrase list (phrase, why it harms, alternative). */
    @WithDefault("referral/victim-blaming-phrases.json")
    String phrases();

    /** Longest accepted free-text field, in characters; longer text is a 400 naming the field. */
    @WithDefault("20000")
    int maxTextLength();
}
