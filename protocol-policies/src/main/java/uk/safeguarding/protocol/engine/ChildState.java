package uk.safeguarding.protocol.engine;

/** What the gateway knows about the child now that a rule may depend on. */
public record ChildState(boolean missing) {

    public static final ChildState NOT_MISSING = new ChildState(false);
    public static final ChildState MISSING = new ChildState(true);
}
