package uk.safeguarding.protocol.engine;

/**
 * What the gateway knows about the child now that a rule may depend on.
 *
 * @param missing the child is missing as the protocols mean it (an open, confirmed episode)
 * @param foundByReader the asking agency found the child, in a confirmed episode, recently enough for
 *     the debrief the protocol allows it (the gateway decides "recently" and says so in its docs)
 */
public record ChildState(boolean missing, boolean foundByReader) {

    public static final ChildState NOT_MISSING = new ChildState(false, false);
    public static final ChildState MISSING = new ChildState(true, false);

    public ChildState(boolean missing) {
        this(missing, false);
    }
}
