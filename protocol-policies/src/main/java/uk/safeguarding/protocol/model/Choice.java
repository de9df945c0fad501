package uk.safeguarding.protocol.model;

import java.util.Set;

/**
 * A set of codes a rule accepts, or {@code any}. Kept distinct from an empty set on purpose: an empty
 * list in a protocol is almost always a mistake, while {@code any} is a written decision.
 */
public record Choice(boolean any, Set<String> values) {

    public static final Choice ANY = new Choice(true, Set.of());

    public Choice {
        values = Set.copyOf(values);
    }

    public static Choice of(Set<String> values) {
        return new Choice(false, values);
    }

    public boolean accepts(String value) {
        return any || values.contains(value);
    }

    /** True when at least one of the given codes is accepted; {@code any} accepts even none. */
    public boolean acceptsAnyOf(Set<String> given) {
        if (any) {
            return true;
        }
        for (String g : given) {
            if (values.contains(g)) {
                return true;
            }
        }
        return false;
    }

    public boolean overlaps(Choice other) {
        if (any || other.any) {
            return true;
        }
        for (String v : values) {
            if (other.values.contains(v)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return any ? "any" : values.toString();
    }
}
