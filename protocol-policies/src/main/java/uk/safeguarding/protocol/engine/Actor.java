package uk.safeguarding.protocol.engine;

import java.util.Objects;
import java.util.Set;

/**
 * Who is asking, as the gateway's security layer established it from the token.
 *
 * @param agencyType the agency type the token claims; must equal the prefix of {@code agencyId}
 * @param subject the user or client id, for self-approval checks and the audit trail
 * @param kind whether a person or an agency system (client credentials) is acting
 */
public record Actor(String agencyId, String agencyType, Set<String> roles, String subject, Kind kind) {

    public enum Kind { USER, CLIENT }

    public Actor {
        Objects.requireNonNull(agencyId, "agencyId");
        Objects.requireNonNull(agencyType, "agencyType");
        roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
        subject = subject == null ? "" : subject;
        kind = kind == null ? Kind.USER : kind;
    }

    /** An actor whose agency type is taken from its id, for callers that have only the id. */
    public static Actor of(String agencyId, Set<String> roles, String subject) {
        int colon = agencyId.indexOf(':');
        return new Actor(agencyId, colon > 0 ? agencyId.substring(0, colon) : "", roles, subject, Kind.USER);
    }
}
