package uk.safeguarding.protocol.engine;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import uk.safeguarding.protocol.model.ConsentRequirement;
import uk.safeguarding.protocol.model.DenialCode;
import uk.safeguarding.protocol.model.Party;
import uk.safeguarding.protocol.model.Protocol;
import uk.safeguarding.protocol.model.ProtocolStatus;
import uk.safeguarding.protocol.model.RelationshipRequirement;
import uk.safeguarding.protocol.model.SharingRule;
import uk.safeguarding.protocol.model.Signatory;
import uk.safeguarding.protocol.model.Vocabulary;

/**
 * A rule compiled for one action: its actor side chosen, its code sets turned into bit masks, its
 * protocol's dates and signatories turned into epoch-day windows. Immutable; evaluation allocates
 * nothing except when an override supplies its own lawful basis.
 *
 * <p>Evaluation walks fixed stages. A rule that fails reports the stage it reached, so when nothing
 * permits, the engine can name the rule that came closest and why it stopped (the denial code).
 */
final class CompiledRule {

    static final int STAGE_SIGNATORY = 0;
    static final int STAGE_ACTOR = 1;
    static final int STAGE_PURPOSE = 2;
    static final int STAGE_RELATIONSHIP = 3;
    static final int STAGE_CHILD_STATE = 4;
    /** After every other condition, so a wrong purpose is still reported as such to a lead DPO. */
    static final int STAGE_SCOPE = 5;
    static final int STAGE_CONSENT = 6;

    static final String SUPERVISOR = "supervisor";

    final SharingRule rule;
    final String ref;
    final boolean deny;
    private final long[] inForce;
    private final Map<String, long[]> signatories;
    private final long actorTypes;
    private final boolean anyRoles;
    private final long actorRoles;
    private final long otherTypes;
    /** The data's source must be known for this rule: the actor receives, and 'from' names agency types. */
    private final boolean sourceRequired;
    private final long purposes;
    private final RelationshipRequirement.Kind relKind;
    private final long relationships;
    private final Boolean whenMissing;
    private final Boolean whenFoundByReader;
    private final boolean partnership;
    /** The agency whose DPO a partnership rule serves (the protocol's lead DPO); null if none. */
    private final String leadDpo;
    private final Outcome grant;
    private final Outcome grantOnConsent;
    private final Vocabulary vocab;

    CompiledRule(Protocol protocol, SharingRule rule, String action, Vocabulary vocab, EngineCodes codes) {
        this.rule = rule;
        this.vocab = vocab;
        this.ref = protocol.clauseRef(rule.id());
        this.deny = rule.isDeny();
        boolean sender = vocab.actorIsSender(action);
        Party actor = sender ? rule.from() : rule.to();
        Party other = sender ? rule.to() : rule.from();
        this.actorTypes = codes.agencyTypes.mask(actor.agencyTypes());
        this.anyRoles = actor.roles().any();
        this.actorRoles = codes.roles.mask(actor.roles());
        this.otherTypes = codes.agencyTypes.mask(other.agencyTypes());
        this.sourceRequired = !sender && !other.agencyTypes().any();
        this.purposes = codes.purposes.mask(rule.purposes());
        this.relKind = rule.relationship().kind();
        this.relationships = codes.relationships.mask(rule.relationship().kinds());
        this.whenMissing = rule.whenChildMissing();
        this.whenFoundByReader = rule.whenFoundByReader();
        this.partnership = rule.isPartnership();
        this.leadDpo = protocol.leadDpo();
        this.inForce = window(protocol.status() == ProtocolStatus.ACTIVE,
                protocol.effectiveFrom(), protocol.effectiveTo());
        this.signatories = new HashMap<>();
        for (Signatory s : protocol.signatories()) {
            long from = Math.max(inForce[0], s.since() == null ? Long.MIN_VALUE : s.since().toEpochDay());
            long to = Math.min(inForce[1], s.until() == null ? Long.MAX_VALUE : s.until().toEpochDay());
            signatories.put(s.agencyId(), new long[] {from, to});
        }
        this.grant = deny ? null : Outcome.grant(rule.lawfulBasis(), false);
        this.grantOnConsent = deny ? null : Outcome.grant("consent", false);
    }

    private static long[] window(boolean active, LocalDate from, LocalDate to) {
        if (!active || from == null) {
            return new long[] {1, 0};
        }
        return new long[] {from.toEpochDay(), to == null ? Long.MAX_VALUE : to.toEpochDay()};
    }

    Outcome evaluate(RequestView v, String category, PolicyEngine.Settings settings) {
        if (v.epochDay < inForce[0] || v.epochDay > inForce[1]) {
            return Outcome.PROTOCOL_NOT_ACTIVE;
        }
        long[] w = signatories.get(v.agencyId);
        if (w == null || v.epochDay < w[0] || v.epochDay > w[1]) {
            return Outcome.NOT_SIGNATORY;
        }
        if ((actorTypes & v.agencyTypeBit) == 0 || (!anyRoles && (actorRoles & v.roles) == 0)
                || (v.counterpartyTypeBit != 0 && (otherTypes & v.counterpartyTypeBit) == 0)
                // A rule restricted by its source (e.g. police intelligence "from: police") cannot vouch
                // for data whose source nobody named: unknown is not the same as "from police".
                || (sourceRequired && v.counterpartyTypeBit == 0)) {
            return Outcome.NO_MATCHING_RULE;
        }
        if ((purposes & v.purposeBit) == 0) {
            return Outcome.PURPOSE_NOT_PERMITTED;
        }
        if (relKind == RelationshipRequirement.Kind.ANY ? v.relationships == 0
                : relKind == RelationshipRequirement.Kind.ONE_OF && (relationships & v.relationships) == 0) {
            return Outcome.NO_RELATIONSHIP;
        }
        if ((whenMissing != null && whenMissing != v.request.child().missing())
                || (whenFoundByReader != null && whenFoundByReader != v.request.child().foundByReader())) {
            return Outcome.CHILD_STATE_NOT_MET;
        }
        if (deny) {
            return Outcome.MATCHED_DENY;
        }
        // A partnership view is granted only by a partnership rule, only when asked for, and only to the
        // agency the protocol names as lead DPO (roles alone are not enough: a realm role is an agency's
        // own assertion, the lead DPO is the partnership's decision); a partnership rule grants nothing else.
        if (partnership != v.partnership || (partnership && !v.agencyId.equals(leadDpo))) {
            return Outcome.SCOPE_NOT_PERMITTED;
        }
        Outcome consent = consent(v, category, settings);
        if (!consent.granted() || rule.secondApproverRole() == null) {
            return consent;
        }
        Outcome approval = Approvals.secondApprover(v.request, rule.secondApproverRole(), settings.minJustificationLength());
        return approval == null ? consent : approval;
    }

    private Outcome consent(RequestView v, String category, PolicyEngine.Settings settings) {
        ConsentRequirement req = rule.consent();
        ConsentState state = v.request.consent();
        switch (req) {
            case NOT_REQUIRED_SAFEGUARDING:
            case NOT_APPLICABLE:
                return grant;
            case REQUIRED:
                return state == ConsentState.GRANTED ? grantOnConsent : Outcome.CONSENT_REQUIRED;
            default:
                if (state == ConsentState.GRANTED) {
                    return grantOnConsent;
                }
                return Approvals.override(v.request, vocab, category, settings.minJustificationLength());
        }
    }

    /** What one rule says about one request: a grant (with its basis), a matched deny, or the stage it failed. */
    record Outcome(int stage, DenialCode code, String lawfulBasis, boolean viaOverride) {

        static final Outcome PROTOCOL_NOT_ACTIVE = fail(STAGE_SIGNATORY, DenialCode.PROTOCOL_NOT_ACTIVE);
        static final Outcome NOT_SIGNATORY = fail(STAGE_SIGNATORY, DenialCode.NOT_SIGNATORY);
        static final Outcome NO_MATCHING_RULE = fail(STAGE_ACTOR, DenialCode.NO_MATCHING_RULE);
        static final Outcome PURPOSE_NOT_PERMITTED = fail(STAGE_PURPOSE, DenialCode.PURPOSE_NOT_PERMITTED);
        static final Outcome NO_RELATIONSHIP = fail(STAGE_RELATIONSHIP, DenialCode.NO_RELATIONSHIP);
        static final Outcome CHILD_STATE_NOT_MET = fail(STAGE_CHILD_STATE, DenialCode.CHILD_STATE_NOT_MET);
        static final Outcome SCOPE_NOT_PERMITTED = fail(STAGE_SCOPE, DenialCode.SCOPE_NOT_PERMITTED);
        static final Outcome CONSENT_REQUIRED = fail(STAGE_CONSENT, DenialCode.CONSENT_REQUIRED);
        static final Outcome MATCHED_DENY = new Outcome(Integer.MAX_VALUE, null, null, false);

        static Outcome fail(int stage, DenialCode code) {
            return new Outcome(stage, code, null, false);
        }

        static Outcome grant(String basis, boolean viaOverride) {
            return new Outcome(Integer.MAX_VALUE, null, basis, viaOverride);
        }

        boolean granted() {
            return lawfulBasis != null;
        }

        boolean matchedDeny() {
            return this == MATCHED_DENY;
        }
    }
}
