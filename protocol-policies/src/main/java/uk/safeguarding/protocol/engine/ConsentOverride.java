package uk.safeguarding.protocol.engine;

/**
 * A break-glass request: share without consent, on a stated lawful basis, with a written
 * justification, approved by a supervisor of the same agency when it overrides an explicit refusal.
 * (Not called {@code Override}, which would shadow {@code java.lang.Override} in this package.)
 *
 * @param approver null when not approved
 */
public record ConsentOverride(String justification, String lawfulBasis, Approver approver) {
}
