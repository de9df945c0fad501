package uk.safeguarding.protocol.engine;

import java.util.Set;

/**
 * Who approved an override or a second-approver action.
 *
 * @param requester the gateway's own statement that the approver is the requester (it may know this
 *     from the session even when subjects differ); the engine also compares subjects
 */
public record Approver(String subject, String agencyId, Set<String> roles, boolean requester) {

    public Approver {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }
}
