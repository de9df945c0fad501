package uk.safeguarding.gateway.alert;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One alert to one recipient agency, as a feature asks for it. {@code payload} must already be the
 * minimum that recipient may see (redacted by the policy decision for that recipient); it never
 * holds more than the decision's permitted categories.
 *
 * @param dutyRef the protocol clause that created the duty ({@code protocol@version#clause}), if any
 * @param ackDueAt when the recipient must have acknowledged it; null when no deadline applies
 * @param escalationTarget the agency (or case role) told when the deadline passes
 */
public record AlertRequest(
        String recipientAgency,
        String event,
        UUID childId,
        String resourceType,
        String resourceId,
        Map<String, Object> payload,
        List<String> categories,
        String dutyRef,
        Instant ackDueAt,
        String escalationTarget) {

    public AlertRequest {
        payload = Map.copyOf(payload);
        categories = categories == null ? List.of() : List.copyOf(categories);
    }
}
