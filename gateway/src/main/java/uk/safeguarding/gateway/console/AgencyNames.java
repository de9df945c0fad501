package uk.safeguarding.gateway.console;

import jakarta.enterprise.context.ApplicationScoped;
import uk.safeguarding.gateway.policy.PolicyService;

/** Agencies by display name, from the protocols' vocabulary with the onboarded signatories (as the chronology names them). */
@ApplicationScoped
public class AgencyNames {

    private final PolicyService policy;

    AgencyNames(PolicyService policy) {
        this.policy = policy;
    }

    /** The display name, or the id itself for an agency the vocabulary does not know. */
    public String of(String agencyId) {
        return agencyId == null ? "-" : policy.engine().vocabulary().agencies().getOrDefault(agencyId, agencyId);
    }
}
