package uk.safeguarding.protocol.model;

import java.util.List;

/**
 * A notification duty: an event in a child's case obliges the gateway to tell the agencies holding
 * the listed case roles by the deadline, and to escalate if it is missed.
 *
 * @param deadline null only in a protocol that fails lint
 * @param escalateTo null only in a protocol that fails lint
 */
public record Duty(
        String id,
        String description,
        String event,
        List<String> recipients,
        Deadline deadline,
        EscalationTarget escalateTo,
        String citation,
        Origin origin) {

    public Duty {
        recipients = List.copyOf(recipients);
    }
}
