package uk.safeguarding.protocol.model;

import java.time.LocalDate;

/**
 * An agency that has signed a protocol, with its data-protection officer's contact. {@code since} and
 * {@code until} (inclusive, nullable) bound its membership within the protocol's own effective dates.
 */
public record Signatory(String agencyId, String dpo, LocalDate since, LocalDate until, Origin origin) {

    public String agencyType() {
        return Vocabulary.agencyTypeOf(agencyId);
    }
}
