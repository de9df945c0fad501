package uk.safeguarding.gateway.alert;

import uk.safeguarding.gateway.support.TestTokens;

/** One social worker, as a practitioner and (to prove self-approval is refused) also holding supervisor. */
final class TestTokensHolder {

    private TestTokensHolder() {
    }

    static String worker() {
        return TestTokens.forAgency(AlertFixtures.PLACING).roles("practitioner").subject("sw-th-7").sign();
    }

    static String workerAsSupervisor() {
        return TestTokens.forAgency(AlertFixtures.PLACING).roles("practitioner", "supervisor").subject("sw-th-7").sign();
    }
}
