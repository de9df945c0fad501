package uk.safeguarding.protocol.model;

import java.util.List;

/**
 * A notification duty: an event in a child's case obliges the gateway to tell the agencies holding
 * the listed case roles by the deadline, and to escalate if it is missed.
 *
 * @param deadline null only in a protocol that fails lint
 * @param escalateTo null only in a protocol that fails lint
 * @param threshold for an event the gateway derives from what it holds (repeat missing): how many of
 *     the child's episodes within how many days raise it; null for an event an agency raises
 */
public record Duty(
        String id,
        String description,
        String event,
        List<String> recipients,
        Deadline deadline,
        EscalationTarget escalateTo,
        String citation,
        Origin origin,
        Threshold threshold) {

    public Duty {
        recipients = List.copyOf(recipients);
    }

    public Duty(String id, String description, String event, List<String> recipients, Deadline deadline,
            EscalationTarget escalateTo, String citation, Origin origin) {
        this(id, description, event, recipients, deadline, escalateTo, citation, origin, null);
    }

    /** {@code episodes} or more episodes starting within {@code withinDays} days (the newest included). */
    public record Threshold(int episodes, int withinDays) {
    }
}
