package uk.safeguarding.gateway.language;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import uk.safeguarding.gateway.referral.LanguageCheck;
import uk.safeguarding.gateway.referral.ReferralConfig;

/** One phrase list for the whole gateway: the referral intake and every other free-text field read it. */
@ApplicationScoped
public class LanguageChecks {

    @Produces
    @Singleton
    LanguageCheck languageCheck(ReferralConfig config) {
        return LanguageCheck.fromClasspath(config.phrases());
    }
}
