package uk.safeguarding.gateway.strategy;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Actions agreed at strategy discussions. */
@ApplicationScoped
public class ActionRepository implements PanacheRepositoryBase<StrategyAction, UUID> {

    public Uni<List<StrategyAction>> ofDiscussion(UUID discussionId) {
        return list("discussionId = ?1 order by createdAt, id", discussionId);
    }

    /** The actions an agency owns, open first, soonest due first: its part of the inbox. */
    public Uni<List<StrategyAction>> ownedBy(String agency) {
        return list("ownerAgency = ?1 order by case when status = 'OPEN' then 0 else 1 end, dueOn, id", agency);
    }

    /** A child's actions in time order (created_at, then id): for the chronology. */
    public Uni<List<StrategyAction>> ofChild(UUID childId) {
        return list("childId = ?1 order by createdAt, id", childId);
    }
}
