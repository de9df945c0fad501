package uk.safeguarding.protocol.model;

import java.util.List;

/**
 * Where a relationship kind comes from: which event creates it, and on whose word. The policy engine
 * trusts the relationships it is given, so each one must have a source the protocols name (see
 * docs/SECURITY.md, "Where need to know comes from"):
 *
 * <ul>
 *   <li>{@link Establishment#ROUTING}: the protocol's own duties choose the agency (a referral routed
 *       to the home council's MASH and its partners). Confirmed from the start.</li>
 *   <li>{@link Establishment#SELF_ASSERTION}: the acting agency says it holds the kind (a council says
 *       it is the placing authority). For a child the gateway did not know before, confirmed at once:
 *       nothing existed before it. For a known child it stays asserted, granting nothing about records
 *       that existed before it, until an agency already involved confirms it ({@code confirmationAsked}
 *       names the kinds whose holders are asked, through the {@code relationship-asserted} duty).</li>
 *   <li>{@link Establishment#NAMING}: the acting agency names another agency for the kind (the host
 *       police of a placement). Its standing follows the namer's own: confirmed when the namer's is,
 *       asserted (and confirmed or refused with it) when the namer's is asserted. Naming never gives
 *       the namer anything.</li>
 * </ul>
 *
 * @param assertedBy who may assert or name (agency types and roles of the acting agency)
 * @param confirmationAsked kinds whose confirmed holders are asked to confirm (self-assertion only)
 * @param scope {@link Scope#OWN_RECORD}: the relationship stands for the record that created it and
 *     nothing else (a referrer follows its own referral, never the rest of the child's record)
 */
public record StandingClause(
        String id,
        String description,
        List<String> kinds,
        String event,
        Establishment establishedBy,
        Party assertedBy,
        List<String> confirmationAsked,
        Scope scope,
        String citation,
        Origin origin) {

    public enum Establishment {
        ROUTING, SELF_ASSERTION, NAMING;

        public String code() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    public enum Scope {
        CHILD, OWN_RECORD;

        public String code() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    public StandingClause {
        kinds = List.copyOf(kinds);
        confirmationAsked = List.copyOf(confirmationAsked);
    }

    /** A self-assertion that grants more than its own record must be confirmed when the child is known. */
    public boolean needsConfirmationWhenKnown() {
        return establishedBy == Establishment.SELF_ASSERTION && scope == Scope.CHILD;
    }
}
