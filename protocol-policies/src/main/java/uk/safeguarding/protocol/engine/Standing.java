package uk.safeguarding.protocol.engine;

import uk.safeguarding.protocol.model.StandingClause;

/**
 * A standing clause as the gateway records it on a relationship: the clause reference
 * ({@code protocol@version#id}) and what it says.
 */
public record Standing(String clause, StandingClause rule) {

    /** True when an agency of this type, acting with these roles, may assert or name under this clause. */
    public boolean assertableBy(Actor actor) {
        return rule.assertedBy().agencyTypes().accepts(actor.agencyType())
                && rule.assertedBy().roles().acceptsAnyOf(actor.roles());
    }
}
