package uk.safeguarding.gateway.identity;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Child links (merges), through the current Hibernate Reactive session (Panache). */
@ApplicationScoped
public class LinkRepository implements PanacheRepositoryBase<ChildLink, UUID> {

    /** How many active links hold either child (merges are pairs of unlinked children). */
    public Uni<Long> activeHolding(UUID one, UUID other) {
        return count("endedAt is null and (childA in ?1 or childB in ?1)", java.util.List.of(one, other));
    }

    /** The active link a merged proposal created, or null. */
    public Uni<ChildLink> activeOf(UUID matchId) {
        return find("matchId = ?1 and endedAt is null", matchId).firstResult();
    }
}
