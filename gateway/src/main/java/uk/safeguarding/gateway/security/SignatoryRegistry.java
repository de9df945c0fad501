package uk.safeguarding.gateway.security;

/** Whether an agency may use the gateway at all: it signed at least one active protocol. */
public interface SignatoryRegistry {

    boolean isActiveSignatory(String agencyId);
}
