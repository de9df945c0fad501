package uk.safeguarding.gateway.alert;

import uk.safeguarding.gateway.support.TestTokens;

/** A data-protection officer of the placing council. */
final class TestTokensDpo {

    private TestTokensDpo() {
    }

    static String dpo() {
        return TestTokens.forAgency(AlertFixtures.PLACING).roles("dpo").subject("dpo-th").sign();
    }
}
