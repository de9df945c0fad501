package uk.safeguarding.protocol.model;

/**
 * Stable codes for a denial. Clients and audit reports key on these, so they are never renamed; new
 * ones are added at the end. A code says why, never what the withheld data is.
 */
public enum DenialCode {
    /** The actor's agency is not a signatory of any protocol in force (or of the rule's protocol). */
    NOT_SIGNATORY,
    /** The rule's protocol is not in force at the time of the request. */
    PROTOCOL_NOT_ACTIVE,
    /** No rule covers this action and category for an actor of this agency type and role. */
    NO_MATCHING_RULE,
    /** Rules exist for this actor, but not for the stated purpose of use. */
    PURPOSE_NOT_PERMITTED,
    /** The actor's agency has no relationship with the child that the rule accepts. */
    NO_RELATIONSHIP,
    /** A condition on the child's state (e.g. missing) does not hold. */
    CHILD_STATE_NOT_MET,
    /** The rule requires consent and it has not been granted. */
    CONSENT_REQUIRED,
    /** Sharing without consent needs an override with a written justification of the minimum length. */
    OVERRIDE_JUSTIFICATION_REQUIRED,
    /** The override cites no lawful basis, an unknown one, or one that cannot cover the category. */
    OVERRIDE_LAWFUL_BASIS_INVALID,
    /** Overriding a refusal or withdrawal of consent needs a supervisor's approval. */
    OVERRIDE_APPROVAL_REQUIRED,
    /** The override was approved by the requester. */
    OVERRIDE_SELF_APPROVAL,
    /** The override was approved by someone from another agency. */
    OVERRIDE_APPROVER_OTHER_AGENCY,
    /** The override's approver does not hold the supervisor role. */
    OVERRIDE_APPROVER_NOT_SUPERVISOR,
    /** The action needs a recorded rationale of the minimum length (e.g. a risk downgrade). */
    RATIONALE_REQUIRED,
    /** The action needs a second approver. */
    SECOND_APPROVER_REQUIRED,
    /** The second approver is the requester. */
    SELF_APPROVAL,
    /** The second approver is from another agency. */
    APPROVER_OTHER_AGENCY,
    /** The second approver lacks the role the rule names. */
    APPROVER_ROLE_MISSING,
    /** An explicit deny rule withholds this category from this kind of recipient. */
    CATEGORY_WITHHELD,
    /** An explicit deny rule: handling conditions forbid release to this recipient. */
    HANDLING_RESTRICTED,
    /** The Philomena profile is released only while the child is missing. */
    PHILOMENA_NOT_MISSING,
    /** An explicit deny rule forbids this agency type from downgrading risk. */
    RISK_DOWNGRADE_NOT_PERMITTED,
    /** An explicit deny rule without a more specific code. */
    EXPLICIT_DENY,
    /** The request names an action the vocabulary does not know. */
    UNKNOWN_ACTION,
    /** The request names a purpose of use the vocabulary does not know. */
    UNKNOWN_PURPOSE,
    /** The request names a data category the vocabulary does not know. */
    UNKNOWN_CATEGORY,
    /** The actor's declared agency type differs from the prefix of its agency id. */
    AGENCY_TYPE_MISMATCH,
    /**
     * The request asks for a scope of results no rule grants this actor: a partnership-wide view is
     * only for the lead DPO named by the protocol, and a partnership rule grants nothing else.
     */
    SCOPE_NOT_PERMITTED
}
