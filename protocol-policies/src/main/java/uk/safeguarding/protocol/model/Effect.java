package uk.safeguarding.protocol.model;

/** The effect of a rule, and of a decision. There is no "not applicable": what nothing permits is denied. */
public enum Effect { PERMIT, DENY }
