package uk.safeguarding.gateway.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uk.safeguarding.protocol.engine.ConsentState;

/** How stored consent records become the state of one share. */
class ConsentStatesTest {

    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

    private static ConsentRecord record(Instant recorded, boolean withdrawn, Instant end, ConsentRecord.Provision... provisions) {
        return new ConsentRecord(UUID.randomUUID(), UUID.randomUUID(), new ConsentRecord.Identifier("s", "v"),
                withdrawn ? ConsentRecord.WITHDRAWN : ConsentRecord.ACTIVE,
                new ConsentRecord.ConsentedBy("parental-responsibility", "birth-mother", "mother"), List.of(provisions),
                new ConsentRecord.Period(Instant.parse("2026-01-01T00:00:00Z"), end),
                new ConsentRecord.Recorded("la:E09000030", "sw", recorded),
                withdrawn ? new ConsentRecord.Withdrawal(NOW.minusSeconds(1), "la:E09000030", "sw", null) : null);
    }

    private static ConsentRecord.Provision permit(String category, String agencyType, String purpose) {
        return new ConsentRecord.Provision("permit", List.of(category), agencyType == null ? List.of() : List.of(agencyType),
                purpose == null ? List.of() : List.of(purpose));
    }

    private static ConsentRecord.Provision deny(String category, String agencyType) {
        return new ConsentRecord.Provision("deny", List.of(category), List.of(agencyType), List.of());
    }

    private static ConsentState state(List<ConsentRecord> newestFirst, String category, String agencyType, String purpose) {
        return ConsentStates.stateFor(newestFirst, category, agencyType, purpose, NOW).state();
    }

    @Test
    void nothingCoveringTheShareIsNotSought() {
        List<ConsentRecord> records = List.of(record(NOW.minusSeconds(60), false, null, permit("health", "police", "SAFEGUARDING")));
        assertEquals(ConsentState.GRANTED, state(records, "health", "police", "SAFEGUARDING"));
        assertEquals(ConsentState.NOT_SOUGHT, state(records, "health", "school", "SAFEGUARDING"), "other recipient type");
        assertEquals(ConsentState.NOT_SOUGHT, state(records, "health", "police", "INVESTIGATION"), "other purpose");
        assertEquals(ConsentState.NOT_SOUGHT, state(records, "education", "police", "SAFEGUARDING"), "other category");
        assertEquals(ConsentState.GRANTED, state(List.of(record(NOW, false, null, permit("health", null, null))),
                "health", "school", "CARE-PLANNING"), "no agency types or purposes: any");
    }

    @Test
    void aDenyBeatsAPermitInTheSameRecordAndTheNewestRecordDecides() {
        ConsentRecord both = record(NOW.minusSeconds(60), false, null, permit("health", "police", null), deny("health", "police"));
        assertEquals(ConsentState.REFUSED, state(List.of(both), "health", "police", "SAFEGUARDING"));
        ConsentRecord newerPermit = record(NOW.minusSeconds(10), false, null, permit("health", "police", null));
        assertEquals(ConsentState.GRANTED, state(List.of(newerPermit, both), "health", "police", "SAFEGUARDING"));
    }

    @Test
    void withdrawalGivesWithdrawnAndAWithdrawnRefusalNoLongerRefuses() {
        ConsentRecord older = record(NOW.minusSeconds(600), false, null, permit("health", "police", null));
        ConsentRecord withdrawnPermit = record(NOW.minusSeconds(60), true, null, permit("health", "police", null));
        assertEquals(ConsentState.WITHDRAWN, state(List.of(withdrawnPermit, older), "health", "police", "SAFEGUARDING"));
        ConsentRecord withdrawnDeny = record(NOW.minusSeconds(60), true, null, deny("health", "police"));
        assertEquals(ConsentState.GRANTED, state(List.of(withdrawnDeny, older), "health", "police", "SAFEGUARDING"));
    }

    @Test
    void aRecordOutsideItsPeriodDoesNotCount() {
        ConsentRecord expired = record(NOW.minusSeconds(60), false, NOW.minusSeconds(1), deny("health", "police"));
        assertEquals(ConsentState.NOT_SOUGHT, state(List.of(expired), "health", "police", "SAFEGUARDING"));
        ConsentRecord endsLater = record(NOW.minusSeconds(60), false, NOW.plusSeconds(1), deny("health", "police"));
        assertEquals(ConsentState.REFUSED, state(List.of(endsLater), "health", "police", "SAFEGUARDING"));
    }
}
