package uk.safeguarding.gateway.identity;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import uk.safeguarding.gateway.security.Actor;

/**
 * Who holds which side of a match, read again inside the session that holds the match's lock: the
 * access check before the session ({@link IdentityAccess}) decides only whether the caller may see the
 * match, while what it may confirm is decided on standing as it is when the confirmation is written.
 * Same rule as {@link IdentityAccess}: direct, confirmed, child-wide standing on the very row.
 */
@ApplicationScoped
public class SessionAccess {

    private static final String DIRECT_CONFIRMED = "r.ended_at IS NULL AND r.standing = 'confirmed' AND r.scope = 'child' ";

    /** Of the match's two children, those the actor's agency holds now. */
    Uni<Set<UUID>> heldNow(IdentityMatch m, Actor actor) {
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT DISTINCT CAST(r.child_id AS text) FROM relationship r "
                        + "WHERE r.child_id IN (CAST(?1 AS uuid), CAST(?2 AS uuid)) AND r.agency_id = ?3 AND " + DIRECT_CONFIRMED
                        + "AND (r.holder_subject IS NULL OR r.holder_subject = ?4)", String.class)
                .setParameter(1, m.newChildId.toString()).setParameter(2, m.candidateChildId.toString())
                .setParameter(3, actor.agencyId()).setParameter(4, actor.subject() == null ? "" : actor.subject())
                .getResultList())
                .map(rows -> {
                    Set<UUID> held = new LinkedHashSet<>();
                    rows.forEach(r -> held.add(UUID.fromString(r)));
                    return held;
                });
    }

    /** How many agencies other than {@code agency} hold {@code child} now. */
    Uni<Long> othersHolding(UUID child, String agency) {
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT count(DISTINCT r.agency_id) FROM relationship r "
                        + "WHERE r.child_id = CAST(?1 AS uuid) AND r.agency_id <> ?2 AND " + DIRECT_CONFIRMED, Long.class)
                .setParameter(1, child.toString()).setParameter(2, agency).getSingleResult());
    }
}
