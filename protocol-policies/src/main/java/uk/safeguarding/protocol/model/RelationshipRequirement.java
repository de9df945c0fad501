package uk.safeguarding.protocol.model;

import java.util.Set;

/**
 * The legitimate relationship the actor's agency must have with the child. {@code none} is for acts
 * that create the relationship (a referral) or that are not about one child (DPO oversight);
 * {@code any} means "involved in some way"; otherwise at least one of the listed kinds.
 */
public record RelationshipRequirement(Kind kind, Set<String> kinds) {

    public enum Kind { NONE, ANY, ONE_OF }

    public static final RelationshipRequirement NONE = new RelationshipRequirement(Kind.NONE, Set.of());
    public static final RelationshipRequirement ANY = new RelationshipRequirement(Kind.ANY, Set.of());

    public RelationshipRequirement {
        kinds = Set.copyOf(kinds);
    }

    public static RelationshipRequirement oneOf(Set<String> kinds) {
        return new RelationshipRequirement(Kind.ONE_OF, kinds);
    }

    public boolean satisfiedBy(Set<String> held) {
        switch (kind) {
            case NONE:
                return true;
            case ANY:
                return !held.isEmpty();
            default:
                for (String k : held) {
                    if (kinds.contains(k)) {
                        return true;
                    }
                }
                return false;
        }
    }

    @Override
    public String toString() {
        return kind == Kind.ONE_OF ? kinds.toString() : kind.name().toLowerCase();
    }
}
