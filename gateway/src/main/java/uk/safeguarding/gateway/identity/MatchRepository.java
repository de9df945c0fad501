package uk.safeguarding.gateway.identity;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Identity match proposals, through the current Hibernate Reactive session (Panache). */
@ApplicationScoped
public class MatchRepository implements PanacheRepositoryBase<IdentityMatch, UUID> {

    /**
     * The proposal, locked, if one of its sides is in {@code children} (the caller's confirmed
     * children); null otherwise, exactly as for an id that does not exist.
     */
    public Uni<IdentityMatch> lockedAbout(UUID id, Collection<UUID> children) {
        return find("id = ?1 and (newChildId in ?2 or candidateChildId in ?2)", id, children)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** Proposals about any of {@code children}, newest first. */
    public Uni<List<IdentityMatch>> about(Collection<UUID> children) {
        return list("newChildId in ?1 or candidateChildId in ?1 order by createdAt desc, id", children);
    }

    /** An open proposal about this unordered pair, if any. */
    public Uni<IdentityMatch> openFor(UUID one, UUID other) {
        return find("status = ?3 and ((newChildId = ?1 and candidateChildId = ?2) or (newChildId = ?2 and candidateChildId = ?1))",
                one, other, IdentityMatch.PROPOSED).firstResult();
    }
}
