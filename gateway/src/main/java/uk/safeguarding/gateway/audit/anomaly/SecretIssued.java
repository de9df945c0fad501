package uk.safeguarding.gateway.audit.anomaly;

import java.util.List;
import uk.safeguarding.gateway.security.Actor;

/**
 * The flag every admin action that hands out a secret raises, in the action's own transaction: the
 * agency's DPO learns that a credential for their agency's systems exists, when and from whom, even if
 * nobody at the agency asked for it. The summary names the secret's kind, never its value.
 */
public final class SecretIssued {

    public static final String KIND = "SECRET_ISSUED";

    private SecretIssued() {
    }

    /**
     * @param what the kind of secret, for a person: "Client secret", "Webhook signing secret"
     * @param how the action: "onboarding", "rotation", "subscription created"
     */
    public static Flags.Flag flag(String agencyId, String what, String how, Actor by) {
        return new Flags.Flag(KIND, null, what + " issued for agency " + agencyId + " (" + how + ") by administrator "
                + by.subject() + (by.clientId() == null ? "" : " through client " + by.clientId())
                + "; shown once in the response, not kept in this flag.", List.of(agencyId));
    }
}
