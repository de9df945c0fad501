package uk.safeguarding.protocol.model;

/**
 * One side of a sharing rule: which agency types, and which realm roles within them. For the actor's
 * side the roles matter; for the other side only the agency type is ever checked (the counterparty is
 * an organisation, not a person).
 */
public record Party(Choice agencyTypes, Choice roles) {

    public static final Party ANY = new Party(Choice.ANY, Choice.ANY);
}
