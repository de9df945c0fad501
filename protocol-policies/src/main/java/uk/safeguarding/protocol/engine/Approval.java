package uk.safeguarding.protocol.engine;

/**
 * A recorded rationale and a second approver, for acts the protocols do not let one person do alone
 * (a risk downgrade: "risk moved from high to low too quickly").
 *
 * @param approver null when no one has approved yet
 */
public record Approval(String rationale, Approver approver) {
}
