package uk.safeguarding.protocol.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import uk.safeguarding.protocol.engine.Actor;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DecisionRequest;
import uk.safeguarding.protocol.engine.PolicyEngine;
import uk.safeguarding.protocol.model.Signatory;

/** A council that joined through the gateway's registry is a signatory, and reasons carry the membership version. */
class WithMembersTest {

    private static final Instant AT = Instant.parse("2026-03-10T10:00:00Z");
    private static final String NEW_COUNCIL = "la:E06000099";

    private static Decision refer(PolicyEngine engine) {
        return engine.decide(DecisionRequest.builder(Actor.of(NEW_COUNCIL, Set.of("practitioner"), "sys"))
                .action("refer").purpose("SAFEGUARDING").relationships(Set.of()).categories(List.of("identity", "risk"))
                .at(AT).build());
    }

    @Test
    void anAddedSignatoryMayReferAndTheReasonNamesTheMembershipVersion() {
        ProtocolSet shipped = ProtocolLoader.loadShipped();
        assertFalse(new PolicyEngine(shipped).isSignatory(NEW_COUNCIL, AT));
        assertFalse(refer(new PolicyEngine(shipped)).isPermit());

        ProtocolSet widened = shipped.withMembers(
                Map.of("mash-referral", List.of(new Signatory(NEW_COUNCIL, "dpo@new.example", null, null, null))),
                Map.of("mash-referral", "1.0.0+m1"), Map.of(NEW_COUNCIL, "New council"));
        PolicyEngine engine = new PolicyEngine(widened);
        assertTrue(engine.isSignatory(NEW_COUNCIL, AT));
        Decision decision = refer(engine);
        assertTrue(decision.isPermit(), decision.toString());
        assertEquals(List.of("mash-referral@1.0.0+m1#refer-concern"), decision.reasons());
        assertEquals("New council", widened.vocabulary().agencies().get(NEW_COUNCIL));
        // the shipped set is untouched
        assertEquals("1.0.0", shipped.protocol("mash-referral").orElseThrow().version());
        // the copy keeps the lead DPO, or the partnership view would vanish the day an agency joins
        assertEquals("la:E09000030", widened.protocol("dpo-oversight").orElseThrow().leadDpo());
    }

    @Test
    void unknownProtocolsTypesAndDuplicatesAreRefused() {
        ProtocolSet shipped = ProtocolLoader.loadShipped();
        assertThrows(IllegalArgumentException.class, () -> shipped.withMembers(
                Map.of("no-such-protocol", List.of(new Signatory(NEW_COUNCIL, "d", null, null, null))), Map.of(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> shipped.withMembers(
                Map.of("mash-referral", List.of(new Signatory("bank:x", "d", null, null, null))), Map.of(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> shipped.withMembers(
                Map.of("mash-referral", List.of(new Signatory("police:met", "d", null, null, null))), Map.of(), Map.of()));
    }
}
