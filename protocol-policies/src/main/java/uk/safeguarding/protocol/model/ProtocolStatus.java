package uk.safeguarding.protocol.model;

/** Only {@code ACTIVE} protocols are ever in force; drafts can be linted and tested but decide nothing. */
public enum ProtocolStatus { DRAFT, ACTIVE, RETIRED }
