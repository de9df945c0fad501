package uk.safeguarding.gateway.referral;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.consent.ChildConsents;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.referral.ReferralService.Route;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.PurposeOfUse;

/**
 * What each recipient of a referral may read, with the consent the child's records give, decided inside the
 * transaction once the child is known (the routing plan leaves it open). A child the request created has no
 * records to read.
 */
@ApplicationScoped
public class ReferralConsent {

    private final PolicyService policy;

    ReferralConsent(PolicyService policy) {
        this.policy = policy;
    }

    /**
     * What a practitioner of the recipient agency may read, by the engine, for the relationship it will
     * hold, with the consent the child's records give a recipient of that agency type for safeguarding.
     */
    List<String> permittedFor(String agency, String kind, List<String> present, String sender, ChildConsents consents) {
        Actor reader = new Actor("routing", null, Actor.Kind.USER, agency, Set.of("practitioner"));
        var decision = policy.decide(reader, "read", PurposeOfUse.SAFEGUARDING, Set.of(kind), present, consents,
                b -> b.counterparty(sender)).decision();
        return decision.isPermit() ? decision.permittedCategories() : List.of();
    }

    /** The routes with what each recipient may read, now that the child (and so its consent records) is known. */
    Uni<List<Route>> withConsent(SqlClient tx, UUID childId, List<Route> routes, List<String> present, String sender) {
        return policy.consents(tx, childId, null, PurposeOfUse.SAFEGUARDING)
                .map(consents -> decided(routes, present, sender, consents));
    }

    /**
     * The routes for a child this request created: its id was made in this transaction, so no consent record
     * can name it and there is nothing to read (the same answer the read would give).
     */
    List<Route> forNewChild(List<Route> routes, List<String> present, String sender) {
        return decided(routes, present, sender, ChildConsents.NONE);
    }

    private List<Route> decided(List<Route> routes, List<String> present, String sender, ChildConsents consents) {
        return routes.stream().map(r -> new Route(r.agency(), r.caseRole(), r.relationship(), r.duty(),
                permittedFor(r.agency(), r.relationship(), present, sender, consents), r.alertCategories(), r.contact()))
                .toList();
    }
}
