package uk.safeguarding.gateway.consent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uk.safeguarding.protocol.engine.Approver;

/**
 * What the policy request needs about consent for one child: its consent records (newest first) and
 * the caller's own active overrides for the purpose in hand.
 */
public record ChildConsents(List<ConsentRecord> consents, List<ActiveOverride> overrides) {

    public static final ChildConsents NONE = new ChildConsents(List.of(), List.of());

    /** An override the requester may use now; {@code approver} is null when none was needed. */
    public record ActiveOverride(UUID id, List<String> categories, String justification, String lawfulBasis,
            Approver approver) {
    }

    public ChildConsents {
        consents = List.copyOf(consents);
        overrides = List.copyOf(overrides);
    }

    public ConsentStates.Applied stateFor(String category, String agencyType, String purpose, Instant at) {
        return ConsentStates.stateFor(consents, category, agencyType, purpose, at);
    }

    /** The newest active override covering this category, if any. */
    public Optional<ActiveOverride> overrideFor(String category) {
        return overrides.stream().filter(o -> o.categories().contains(category)).findFirst();
    }
}
