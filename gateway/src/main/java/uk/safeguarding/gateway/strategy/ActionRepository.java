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

    /**
     * The actions an agency owns for its inbox: open and overdue (the duty raised) first, then open by
     * due date, then done and cancelled; {@code status} narrows to one status when not null.
     */
    public Uni<List<StrategyAction>> inboxOf(String agency, String status, int limit) {
        String order = " order by case when status = 'OPEN' and overdueAt is not null then 0"
                + " when status = 'OPEN' then 1 else 2 end, dueOn, id";
        return (status == null ? find("ownerAgency = ?1" + order, agency)
                : find("ownerAgency = ?1 and status = ?2" + order, agency, status)).range(0, limit - 1).list();
    }

    /** A child's actions in time order (created_at, then id): for the chronology. */
    public Uni<List<StrategyAction>> ofChild(UUID childId) {
        return list("childId = ?1 order by createdAt, id", childId);
    }
}
