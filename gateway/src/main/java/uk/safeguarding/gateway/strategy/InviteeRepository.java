package uk.safeguarding.gateway.strategy;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** The agencies invited to strategy discussions. */
@ApplicationScoped
public class InviteeRepository implements PanacheRepositoryBase<StrategyInvitee, UUID> {

    public Uni<List<StrategyInvitee>> ofDiscussion(UUID discussionId) {
        return list("discussionId = ?1 order by agencyId", discussionId);
    }
}
