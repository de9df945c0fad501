package uk.safeguarding.gateway.consent;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import uk.safeguarding.protocol.engine.ConsentState;

/**
 * What a new consent record does to records other agencies made: pure, so the rule is unit-tested
 * share by share. For every share a provision covers (category x recipient agency type x purpose,
 * "any" meaning every code the protocols know), the state that applies now is worked out exactly as a
 * decision would ({@link ConsentStates}), with the agency answerable for it (who recorded the
 * refusal or consent, or who withdrew it):
 *
 * <ul>
 *   <li>a {@code permit} over a refusal or withdrawal that another agency recorded <em>loosens</em>
 *       sharing against that agency's record: the new record waits for a supervisor of that agency;</li>
 *   <li>a {@code deny} over a consent that another agency recorded <em>tightens</em> sharing: it takes
 *       effect at once, and that agency is told.</li>
 * </ul>
 * Loosening or tightening one's own agency's record is ordinary record keeping.
 */
public final class ConsentProvenance {

    /** The agencies whose records a new one would loosen, and those whose records it tightens. */
    public record Effect(Set<String> loosens, Set<String> tightens) {

        public boolean loosensAnother() {
            return !loosens.isEmpty();
        }
    }

    private ConsentProvenance() {
    }

    /**
     * @param existing the child's records, most recently recorded first
     * @param agencyTypes every agency type the protocols know (an empty list in a provision means these)
     * @param purposes every purpose the protocols know
     */
    public static Effect of(List<ConsentRecord> existing, List<ConsentRecord.Provision> provisions, String recorder,
            Collection<String> agencyTypes, Collection<String> purposes, Instant at) {
        Set<String> loosens = new TreeSet<>();
        Set<String> tightens = new TreeSet<>();
        for (ConsentRecord.Provision p : provisions) {
            boolean permit = "permit".equals(p.type());
            for (String category : p.categories()) {
                for (String type : p.recipientAgencyTypes().isEmpty() ? agencyTypes : p.recipientAgencyTypes()) {
                    for (String purpose : p.purposes().isEmpty() ? purposes : p.purposes()) {
                        ConsentStates.Applied applied = ConsentStates.stateFor(existing, category, type, purpose, at);
                        answerable(existing, applied).filter(agency -> !agency.equals(recorder)).ifPresent(agency -> {
                            if (permit && (applied.state() == ConsentState.REFUSED || applied.state() == ConsentState.WITHDRAWN)) {
                                loosens.add(agency);
                            } else if (!permit && applied.state() == ConsentState.GRANTED) {
                                tightens.add(agency);
                            }
                        });
                    }
                }
            }
        }
        return new Effect(loosens, tightens);
    }

    /** The agency answerable for the state: whoever withdrew the record, else whoever recorded it. */
    static Optional<String> answerable(List<ConsentRecord> existing, ConsentStates.Applied applied) {
        if (applied.consentId() == null) {
            return Optional.empty();
        }
        return existing.stream().filter(c -> c.id().equals(applied.consentId())).findFirst()
                .map(c -> c.withdrawn() && c.withdrawal() != null ? c.withdrawal().agency() : c.recorded().agency());
    }
}
