package uk.safeguarding.gateway.security;

import java.util.Set;

/**
 * Who is asking, from the verified token: a person (console user) or an agency system (client
 * credentials), always on behalf of one agency.
 */
public record Actor(String subject, String clientId, Kind kind, String agencyId, Set<String> roles) {

    public enum Kind { USER, CLIENT }

    /** The agency type is the id's prefix: {@code la}, {@code police}, {@code nhs}, {@code school}, {@code provider}. */
    public String agencyType() {
        int colon = agencyId.indexOf(':');
        return colon < 0 ? agencyId : agencyId.substring(0, colon);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
