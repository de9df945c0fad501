package uk.safeguarding.protocol.engine;

import uk.safeguarding.protocol.engine.CompiledRule.Outcome;
import uk.safeguarding.protocol.model.DenialCode;
import uk.safeguarding.protocol.model.Vocabulary;

/**
 * The two "someone else must agree" checks: a consent override (break-glass) and a second approver.
 * Stages continue from {@link CompiledRule#STAGE_CONSENT}, so a request that got as far as the
 * approver is reported by the approver's code, not by an earlier one.
 */
final class Approvals {

    private static final int STAGE_JUSTIFICATION = CompiledRule.STAGE_CONSENT + 1;
    private static final int STAGE_OVERRIDE_BASIS = STAGE_JUSTIFICATION + 1;
    private static final int STAGE_OVERRIDE_APPROVER = STAGE_OVERRIDE_BASIS + 1;
    private static final int STAGE_RATIONALE = STAGE_OVERRIDE_APPROVER + 1;
    private static final int STAGE_SECOND_APPROVER = STAGE_RATIONALE + 1;
    private static final int STAGE_APPROVER_CHECKS = STAGE_SECOND_APPROVER + 1;

    private Approvals() {
    }

    /**
     * Sharing without consent under an {@code override-with-justification} rule. The justification
     * must be long enough to say something (a configurable minimum), the lawful basis must be a real
     * non-consent basis able to cover the category, and overriding an explicit refusal needs a
     * supervisor of the same agency who is not the requester.
     */
    static Outcome override(DecisionRequest r, Vocabulary vocab, String category, int minLength) {
        ConsentOverride o = r.override();
        if (o == null || o.justification() == null || o.justification().strip().length() < minLength) {
            return Outcome.fail(STAGE_JUSTIFICATION, DenialCode.OVERRIDE_JUSTIFICATION_REQUIRED);
        }
        Vocabulary.LawfulBasis basis = o.lawfulBasis() == null ? null : vocab.lawfulBases().get(o.lawfulBasis());
        if (basis == null || basis.consent() || (vocab.isSpecial(category) && !basis.special())) {
            return Outcome.fail(STAGE_OVERRIDE_BASIS, DenialCode.OVERRIDE_LAWFUL_BASIS_INVALID);
        }
        if (r.consent().isExplicitNo()) {
            DenialCode c = approverProblem(r, o.approver(), CompiledRule.SUPERVISOR,
                    DenialCode.OVERRIDE_APPROVAL_REQUIRED, DenialCode.OVERRIDE_SELF_APPROVAL,
                    DenialCode.OVERRIDE_APPROVER_OTHER_AGENCY, DenialCode.OVERRIDE_APPROVER_NOT_SUPERVISOR);
            if (c != null) {
                return Outcome.fail(STAGE_OVERRIDE_APPROVER, c);
            }
        }
        return Outcome.grant(o.lawfulBasis(), true);
    }

    /** A rationale of the minimum length and an approver with the role, from the same agency, not the requester. */
    static Outcome secondApprover(DecisionRequest r, String role, int minLength) {
        Approval a = r.approval();
        if (a == null || a.rationale() == null || a.rationale().strip().length() < minLength) {
            return Outcome.fail(STAGE_RATIONALE, DenialCode.RATIONALE_REQUIRED);
        }
        if (a.approver() == null) {
            return Outcome.fail(STAGE_SECOND_APPROVER, DenialCode.SECOND_APPROVER_REQUIRED);
        }
        DenialCode c = approverProblem(r, a.approver(), role, DenialCode.SECOND_APPROVER_REQUIRED,
                DenialCode.SELF_APPROVAL, DenialCode.APPROVER_OTHER_AGENCY, DenialCode.APPROVER_ROLE_MISSING);
        return c == null ? null : Outcome.fail(STAGE_APPROVER_CHECKS, c);
    }

    private static DenialCode approverProblem(DecisionRequest r, Approver a, String role, DenialCode missing,
            DenialCode self, DenialCode otherAgency, DenialCode wrongRole) {
        if (a == null) {
            return missing;
        }
        String subject = r.actor().subject();
        if (a.requester() || (!subject.isEmpty() && subject.equals(a.subject()))) {
            return self;
        }
        if (!r.actor().agencyId().equals(a.agencyId())) {
            return otherAgency;
        }
        if (!a.roles().contains(role)) {
            return wrongRole;
        }
        return null;
    }
}
