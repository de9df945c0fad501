package uk.safeguarding.protocol.model;

/** Who hears when a duty's deadline passes: a role in the case, and optionally a realm role there. */
public record EscalationTarget(String caseRole, String role) {
}
