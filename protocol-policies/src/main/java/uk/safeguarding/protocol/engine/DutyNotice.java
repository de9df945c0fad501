package uk.safeguarding.protocol.engine;

import java.time.Instant;
import java.util.List;

/**
 * One notification the gateway owes: tell these agencies by this instant, or escalate.
 *
 * @param clause {@code protocol@version#duty}
 * @param agencies the agencies holding {@code recipientRole} in the case; empty when the case records
 *     no one in that role, which the gateway should itself treat as a finding (nobody can be told)
 * @param deadlineRule how the deadline was worked out, for the alert and the audit trail
 */
public record DutyNotice(
        String clause,
        String event,
        String recipientRole,
        List<String> agencies,
        Instant deadline,
        String deadlineRule,
        Escalation escalation,
        String citation) {

    public DutyNotice {
        agencies = List.copyOf(agencies);
    }

    public boolean unresolved() {
        return agencies.isEmpty();
    }

    /** Who hears if the deadline passes: the agency holding {@code caseRole}, addressed to {@code role} there. */
    public record Escalation(String caseRole, String role, List<String> agencies) {
        public Escalation {
            agencies = List.copyOf(agencies);
        }
    }
}
