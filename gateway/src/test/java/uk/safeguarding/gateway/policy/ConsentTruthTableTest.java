package uk.safeguarding.gateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.safeguarding.gateway.consent.ChildConsents;
import uk.safeguarding.gateway.consent.ConsentRecord;
import uk.safeguarding.protocol.engine.Actor;
import uk.safeguarding.protocol.engine.Approver;
import uk.safeguarding.protocol.engine.ConsentState;
import uk.safeguarding.protocol.engine.DecisionRequest;
import uk.safeguarding.protocol.engine.Obligation;
import uk.safeguarding.protocol.engine.PolicyEngine;
import uk.safeguarding.protocol.load.ProtocolLoader;

/**
 * Consent state x the rule's consent requirement x override x approval -> decision, through the
 * gateway's own path: consent records (as stored) give the state, the caller's override goes in the
 * request, and the shipped protocols decide. Each requirement is a real rule of the shipped protocols:
 * required = out-of-area-placement#provider-health-with-consent (provider reads health, CARE-PLANNING);
 * not-required-safeguarding = out-of-area-placement#provider-read (provider reads identity);
 * override-with-justification = mash-referral#health-break-glass (MASH police partner reads health).
 */
class ConsentTruthTableTest {

    private static final PolicyEngine ENGINE = new PolicyEngine(ProtocolLoader.loadShipped(), 40);
    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    private static final String JUSTIFICATION = "Asking her mother would alert the adult exploiting her; police need the clinic dates now.";

    private record Case(String agency, Set<String> roles, String relationship, String purpose, String category) {
    }

    private static Case forRequirement(String requirement) {
        return switch (requirement) {
            case "required" -> new Case("provider:SC123456", Set.of("provider"), "provider", "CARE-PLANNING", "health");
            case "not-required-safeguarding" -> new Case("provider:SC123456", Set.of("provider"), "provider", "CARE-PLANNING",
                    "identity");
            case "override-with-justification" -> new Case("police:met", Set.of("practitioner"), "mash-partner",
                    "SAFEGUARDING", "health");
            default -> throw new IllegalArgumentException(requirement);
        };
    }

    /** The consent records that give this state for the case's category, recipient type and purpose. */
    private static List<ConsentRecord> records(ConsentState state, Case c) {
        String agencyType = c.agency().substring(0, c.agency().indexOf(':'));
        ConsentRecord.Provision provision = new ConsentRecord.Provision(state == ConsentState.REFUSED ? "deny" : "permit",
                List.of(c.category()), List.of(agencyType), List.of(c.purpose()));
        if (state == ConsentState.NOT_SOUGHT) {
            return List.of();
        }
        return List.of(new ConsentRecord(UUID.randomUUID(), UUID.randomUUID(), new ConsentRecord.Identifier("s", "v"),
                state == ConsentState.WITHDRAWN ? ConsentRecord.WITHDRAWN : ConsentRecord.ACTIVE,
                new ConsentRecord.ConsentedBy("child", "gillick-competent", null), List.of(provision),
                new ConsentRecord.Period(NOW.minusSeconds(86400), null),
                new ConsentRecord.Recorded("la:E09000030", "sw", NOW.minusSeconds(3600)),
                state == ConsentState.WITHDRAWN ? new ConsentRecord.Withdrawal(NOW.minusSeconds(60), "la:E09000030", "sw", null) : null));
    }

    private static Approver approver(String kind, Case c) {
        return switch (kind) {
            case "none" -> null;
            case "self" -> new Approver("requester", c.agency(), Set.of("supervisor"), true);
            case "other-agency" -> new Approver("la-supervisor", "la:E09000030", Set.of("supervisor"), false);
            case "practitioner" -> new Approver("colleague", c.agency(), Set.of("practitioner"), false);
            case "supervisor" -> new Approver("sergeant", c.agency(), Set.of("supervisor"), false);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static List<ChildConsents.ActiveOverride> override(String kind, Approver approver, Case c) {
        return switch (kind) {
            case "none" -> List.of();
            case "short" -> List.of(new ChildConsents.ActiveOverride(UUID.randomUUID(), List.of(c.category()), "urgent",
                    "dpa-sch8-p4", approver));
            case "consent-basis" -> List.of(new ChildConsents.ActiveOverride(UUID.randomUUID(), List.of(c.category()),
                    JUSTIFICATION, "consent", approver));
            case "non-special-basis" -> List.of(new ChildConsents.ActiveOverride(UUID.randomUUID(), List.of(c.category()),
                    JUSTIFICATION, "ukgdpr-6-1-e", approver));
            case "valid" -> List.of(new ChildConsents.ActiveOverride(UUID.randomUUID(), List.of(c.category()),
                    JUSTIFICATION, "dpa-sch8-p4", approver));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest(name = "{0} x {1} x override {2} x approver {3} -> {4} (DPO flag {5})")
    @CsvSource(textBlock = """
            # consent state, requirement,               override,          approver,     decision,                          flagged for DPO
            GRANTED,     required,                      none,              none,         PERMIT,                            false
            GRANTED,     required,                      valid,             supervisor,   PERMIT,                            false
            REFUSED,     required,                      none,              none,         CONSENT_REQUIRED,                  false
            REFUSED,     required,                      valid,             supervisor,   CONSENT_REQUIRED,                  false
            WITHDRAWN,   required,                      none,              none,         CONSENT_REQUIRED,                  false
            WITHDRAWN,   required,                      valid,             supervisor,   CONSENT_REQUIRED,                  false
            NOT_SOUGHT,  required,                      none,              none,         CONSENT_REQUIRED,                  false
            NOT_SOUGHT,  required,                      valid,             none,         CONSENT_REQUIRED,                  false
            GRANTED,     not-required-safeguarding,     none,              none,         PERMIT,                            false
            REFUSED,     not-required-safeguarding,     none,              none,         PERMIT,                            false
            WITHDRAWN,   not-required-safeguarding,     none,              none,         PERMIT,                            false
            NOT_SOUGHT,  not-required-safeguarding,     none,              none,         PERMIT,                            false
            REFUSED,     not-required-safeguarding,     valid,             supervisor,   PERMIT,                            false
            GRANTED,     override-with-justification,   none,              none,         PERMIT,                            false
            GRANTED,     override-with-justification,   valid,             none,         PERMIT,                            false
            NOT_SOUGHT,  override-with-justification,   none,              none,         OVERRIDE_JUSTIFICATION_REQUIRED,   false
            NOT_SOUGHT,  override-with-justification,   short,             none,         OVERRIDE_JUSTIFICATION_REQUIRED,   false
            NOT_SOUGHT,  override-with-justification,   consent-basis,     none,         OVERRIDE_LAWFUL_BASIS_INVALID,     false
            NOT_SOUGHT,  override-with-justification,   non-special-basis, none,         OVERRIDE_LAWFUL_BASIS_INVALID,     false
            NOT_SOUGHT,  override-with-justification,   valid,             none,         PERMIT,                            true
            NOT_SOUGHT,  override-with-justification,   valid,             self,         PERMIT,                            true
            REFUSED,     override-with-justification,   none,              none,         OVERRIDE_JUSTIFICATION_REQUIRED,   false
            REFUSED,     override-with-justification,   short,             supervisor,   OVERRIDE_JUSTIFICATION_REQUIRED,   false
            REFUSED,     override-with-justification,   valid,             none,         OVERRIDE_APPROVAL_REQUIRED,        false
            REFUSED,     override-with-justification,   valid,             self,         OVERRIDE_SELF_APPROVAL,            false
            REFUSED,     override-with-justification,   valid,             other-agency, OVERRIDE_APPROVER_OTHER_AGENCY,    false
            REFUSED,     override-with-justification,   valid,             practitioner, OVERRIDE_APPROVER_NOT_SUPERVISOR,  false
            REFUSED,     override-with-justification,   valid,             supervisor,   PERMIT,                            true
            WITHDRAWN,   override-with-justification,   none,              none,         OVERRIDE_JUSTIFICATION_REQUIRED,   false
            WITHDRAWN,   override-with-justification,   valid,             none,         OVERRIDE_APPROVAL_REQUIRED,        false
            WITHDRAWN,   override-with-justification,   valid,             self,         OVERRIDE_SELF_APPROVAL,            false
            WITHDRAWN,   override-with-justification,   valid,             other-agency, OVERRIDE_APPROVER_OTHER_AGENCY,    false
            WITHDRAWN,   override-with-justification,   valid,             practitioner, OVERRIDE_APPROVER_NOT_SUPERVISOR,  false
            WITHDRAWN,   override-with-justification,   valid,             supervisor,   PERMIT,                            true
            """)
    void decides(ConsentState state, String requirement, String overrideKind, String approverKind, String expected,
            boolean flagged) {
        Case c = forRequirement(requirement);
        Actor actor = new Actor(c.agency(), c.agency().substring(0, c.agency().indexOf(':')), c.roles(), "requester",
                Actor.Kind.USER);
        ChildConsents view = new ChildConsents(records(state, c), override(overrideKind, approver(approverKind, c), c));
        ConsentedDecision d = ConsentedDecision.decide(ENGINE::decide,
                () -> DecisionRequest.builder(actor).action("read").purpose(c.purpose()).at(NOW).relationships(c.relationship()),
                actor.agencyType(), c.purpose(), List.of(c.category()), view, NOW, b -> b);
        assertEquals(state, d.states().get(c.category()), "the records give the state under test");
        String got = d.decision().isPermit() ? "PERMIT" : d.decision().denialCode().name();
        assertEquals(expected, got, "decision");
        assertEquals(flagged, d.decision().has(Obligation.Type.FLAG_DPO_REVIEW), "flagged for DPO review");
        assertEquals(flagged, d.override() != null, "the override is named in the audit record only when it was relied on");
        assertEquals(flagged, d.audited().overrideJustification() != null, "audited justification");
    }
}
