package uk.safeguarding.gateway.strategy;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Strategy discussions, through the current Hibernate Reactive session (Panache). */
@ApplicationScoped
public class DiscussionRepository implements PanacheRepositoryBase<StrategyDiscussion, UUID> {

    private static final String VISIBLE = """
            from StrategyDiscussion d where d.id = ?1 and (d.convenerAgency = ?2
                or exists (select 1 from StrategyInvitee i where i.discussionId = d.id and i.agencyId = ?2))
            """;

    /**
     * The discussion if {@code agency} convened it or was invited; null otherwise, exactly as for an id
     * that does not exist (the caller answers both with the same 404).
     */
    public Uni<StrategyDiscussion> visibleTo(UUID id, String agency) {
        return find(VISIBLE, id, agency).firstResult();
    }

    /** The same, locked (FOR UPDATE) for a change to the discussion or to one of its actions. */
    public Uni<StrategyDiscussion> lockedFor(UUID id, String agency) {
        return find(VISIBLE, id, agency).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** The convener of each of these discussions, by discussion id. */
    public Uni<java.util.Map<UUID, String>> conveners(Collection<UUID> ids) {
        return list("id in ?1", ids).map(ds -> {
            java.util.Map<UUID, String> out = new java.util.HashMap<>();
            ds.forEach(d -> out.put(d.id, d.convenerAgency));
            return out;
        });
    }

    /** A child's discussions in time order (held_at, then id): for the chronology. */
    public Uni<List<StrategyDiscussion>> ofChild(UUID childId) {
        return list("childId = ?1 order by heldAt, id", childId);
    }

    /**
     * The latest exploitation discussion of each child convened by one of {@code partnership}: the
     * children the partnership is tracking for exploitation, soonest review first.
     */
    public Uni<List<StrategyDiscussion>> exploitationTrackedBy(Collection<String> partnership) {
        return list("""
                from StrategyDiscussion d where d.exploitation = true and d.convenerAgency in ?1 and not exists (
                    select 1 from StrategyDiscussion n where n.childId = d.childId and n.exploitation = true
                        and n.convenerAgency in ?1 and (n.heldAt > d.heldAt or (n.heldAt = d.heldAt and n.id > d.id)))
                order by d.nextReviewOn nulls last, d.childId
                """, partnership);
    }
}
