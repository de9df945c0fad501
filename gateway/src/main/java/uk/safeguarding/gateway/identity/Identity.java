package uk.safeguarding.gateway.identity;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;
import uk.safeguarding.gateway.alert.AlertRequest;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Outbox;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The writes of identity matching (docs/IDENTITY.md): a proposal, each side's confirmation, a refusal,
 * the merge (a {@link ChildLink}) and the unmerge (the link ended). Each step, its audit records and
 * its alerts go through one Hibernate Reactive session, so they commit or roll back together. Every
 * step is audited twice, once under each child's id, with the agencies involved as data owners: the
 * DPOs of both sides see it in their own-agency scope.
 */
@ApplicationScoped
public class Identity {

    static final String MERGED_EVENT = "identity-merged";
    static final String UNMERGED_EVENT = "identity-unmerged";

    private final MatchRepository matches;
    private final LinkRepository links;
    private final AuditTrail audit;
    private final Outbox outbox;
    private final RequestContext context;
    private final GatewayClock clock;
    private final SessionAccess access;

    Identity(MatchRepository matches, LinkRepository links, AuditTrail audit, Outbox outbox, RequestContext context,
            GatewayClock clock, SessionAccess access) {
        this.access = access;
        this.matches = matches;
        this.links = links;
        this.audit = audit;
        this.outbox = outbox;
        this.context = context;
        this.clock = clock;
    }

    /** Records an agency's proposal; the agencies of both sides (but the proposer) are asked. */
    Uni<IdentityMatch> propose(IdentityMatch m, List<String> involved, Actor actor) {
        // Only the proposer's own child is checked now: whether the other agency's child is merged is for
        // that agency to know, and the merge checks it again (unlinked) when the last side confirms.
        return unlinked(m.candidateChildId, m.candidateChildId)
                .chain(() -> matches.openFor(m.newChildId, m.candidateChildId))
                .invoke(open -> {
                    if (open != null) {
                        throw new ApiException(409, "PROPOSAL_OPEN", "These two children already have an open proposal: "
                                + "confirm or refuse it.", List.of());
                    }
                })
                .chain(() -> matches.persistAndFlush(m))
                .chain(() -> step(m, "identity.propose", 201, involved, actor, IdentityIntake.PROPOSED_EVENT))
                .replaceWith(m);
    }

    /** Realm roles that may give the second person's word when one agency alone holds both children. */
    static final Set<String> FOUR_EYES_ROLES = Set.of("supervisor", "dpo");

    /**
     * Records the caller's confirmation of one side (never both in one request); when both sides are
     * confirmed, merges (links the two rows). Who holds which side is read again here, in the session
     * holding the match's lock, so standing ended since the access check no longer counts. The two sides'
     * words must come from two agencies; when the agency that confirmed one side is the only one holding
     * the other, a different person of it with a supervisor or DPO role gives the second.
     */
    Uni<IdentityMatch> confirm(UUID id, Set<UUID> mine, List<String> involved, Actor actor) {
        Instant now = clock.instant();
        return open(id, mine, actor).chain(m -> access.heldNow(m, actor).chain(held -> {
            // The candidate first: in an agency's proposal it is the proposer's own child, so the other
            // side stays for the agencies holding it.
            UUID side = held.contains(m.candidateChildId) && m.candidateConfirmedBy == null ? m.candidateChildId
                    : held.contains(m.newChildId) && m.newConfirmedBy == null ? m.newChildId : null;
            if (side == null) {
                throw new ApiException(409, "ALREADY_CONFIRMED", "Your agency has confirmed its side: an agency with "
                        + "confirmed standing on the other child must confirm for that side.", List.of());
            }
            boolean isNew = side.equals(m.newChildId);
            String otherAgency = isNew ? m.candidateConfirmedBy : m.newConfirmedBy;
            String otherSubject = isNew ? m.candidateConfirmedBySubject : m.newConfirmedBySubject;
            Uni<Void> allowed = actor.agencyId().equals(otherAgency) ? fourEyes(side, otherSubject, actor)
                    : Uni.createFrom().voidItem();
            return allowed.chain(() -> {
                if (isNew) {
                    m.newConfirmedBy = actor.agencyId();
                    m.newConfirmedBySubject = actor.subject();
                    m.newConfirmedAt = now;
                } else {
                    m.candidateConfirmedBy = actor.agencyId();
                    m.candidateConfirmedBySubject = actor.subject();
                    m.candidateConfirmedAt = now;
                }
                if (m.newConfirmedBy == null || m.candidateConfirmedBy == null) {
                    return matches.flush().chain(() -> step(m, "identity.confirm", 200, involved, actor, null)).replaceWith(m);
                }
                return merge(m, involved, actor, now);
            });
        }));
    }

    /**
     * The second side's word from the agency that gave the first: only when no other agency holds this
     * side (it must confirm), and only from another person of the agency in a supervisor or DPO role.
     */
    private Uni<Void> fourEyes(UUID side, String firstSubject, Actor actor) {
        return access.othersHolding(side, actor.agencyId()).invoke(others -> {
            if (others > 0) {
                throw new ApiException(409, "SECOND_AGENCY_REQUIRED", "Your agency confirmed the other side: an agency "
                        + "holding confirmed standing on this child must confirm this side (two agencies' word).", List.of());
            }
            if (actor.roles().stream().noneMatch(FOUR_EYES_ROLES::contains) || actor.subject() == null
                    || actor.subject().equals(firstSubject)) {
                throw ApiException.forbidden("FOUR_EYES_REQUIRED", "Your agency alone holds both children: the "
                        + "second side is confirmed by another person of your agency with the supervisor or dpo role.");
            }
        }).replaceWithVoid();
    }

    private Uni<IdentityMatch> merge(IdentityMatch m, List<String> involved, Actor actor, Instant now) {
        return unlinked(m.newChildId, m.candidateChildId).chain(() -> {
            ChildLink link = new ChildLink();
            link.id = UUID.randomUUID();
            link.matchId = m.id;
            boolean newFirst = inDatabaseOrder(m.newChildId, m.candidateChildId);
            link.childA = newFirst ? m.newChildId : m.candidateChildId;
            link.childB = newFirst ? m.candidateChildId : m.newChildId;
            link.createdAt = now;
            m.status = IdentityMatch.MERGED;
            m.closedAt = now;
            return matches.flush().chain(() -> links.persistAndFlush(link));
        }).chain(() -> step(m, "identity.merge", 200, involved, actor, MERGED_EVENT)).replaceWith(m);
    }

    /** Closes the proposal: either side's refusal is enough. */
    Uni<IdentityMatch> refuse(UUID id, Set<UUID> mine, List<String> involved, Actor actor) {
        return open(id, mine, actor).chain(m -> {
            m.status = IdentityMatch.REFUSED;
            m.refusedBy = actor.agencyId();
            m.closedAt = clock.instant();
            return matches.flush().chain(() -> step(m, "identity.refuse", 200, involved, actor, null)).replaceWith(m);
        });
    }

    /** Ends the merge's link (never deletes it): each side reads as before the merge. */
    Uni<IdentityMatch> unmerge(UUID id, Set<UUID> mine, List<String> involved, Actor actor) {
        Instant now = clock.instant();
        return visible(id, mine, actor).chain(m -> {
            if (!IdentityMatch.MERGED.equals(m.status)) {
                throw new ApiException(409, "NOT_MERGED", "Only a merged match can be unmerged; this one is "
                        + m.status + ".", List.of());
            }
            return links.activeOf(m.id).chain(link -> {
                link.endedAt = now;
                link.endedByAgency = actor.agencyId();
                link.endedBySubject = actor.subject();
                m.status = IdentityMatch.UNMERGED;
                return links.flush().chain(matches::flush);
            }).chain(() -> step(m, "identity.unmerge", 200, involved, actor, UNMERGED_EVENT)).replaceWith(m);
        });
    }

    /**
     * The match, locked, if the caller's agency still holds one of its sides now (read again under the
     * lock: standing ended since the access check does not act); the 404 of a random id otherwise.
     */
    private Uni<IdentityMatch> visible(UUID id, Set<UUID> mine, Actor actor) {
        return matches.lockedAbout(id, mine).chain(m -> m == null ? Uni.createFrom().<IdentityMatch>failure(ApiException.notFound())
                : access.heldNow(m, actor).map(held -> {
                    if (held.isEmpty()) {
                        throw ApiException.notFound();
                    }
                    return m;
                }));
    }

    private Uni<IdentityMatch> open(UUID id, Set<UUID> mine, Actor actor) {
        return visible(id, mine, actor).invoke(m -> {
            if (!IdentityMatch.PROPOSED.equals(m.status)) {
                throw new ApiException(409, "MATCH_CLOSED", "This match is " + m.status + ": it can no longer be "
                        + "confirmed or refused.", List.of());
            }
        });
    }

    /**
     * Refuses a pair either of which is in an active link: merges are pairs of unlinked children, so a
     * read resolves to at most two rows. The two children are locked (advisory, in id order) first, so two
     * merges involving one child cannot both pass the check.
     */
    private Uni<Void> unlinked(UUID one, UUID other) {
        String first = (inDatabaseOrder(one, other) ? one : other).toString();
        String second = (inDatabaseOrder(one, other) ? other : one).toString();
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT count(*) FROM (SELECT "
                        + "pg_advisory_xact_lock(hashtext(CAST(?1 AS text))), pg_advisory_xact_lock(hashtext(CAST(?2 AS text)))) l")
                .setParameter(1, first).setParameter(2, second).getSingleResult())
                .chain(() -> links.activeHolding(one, other))
                .invoke(n -> {
                    if (n > 0) {
                        throw new ApiException(409, "ALREADY_LINKED", "One of these children is already merged: "
                                + "a merge is a pair of children not merged with any other.", List.of());
                    }
                }).replaceWithVoid();
    }

    /**
     * PostgreSQL orders uuids as unsigned bytes, which is the order of their text; Java's
     * {@link UUID#compareTo} compares signed halves and disagrees for half of all pairs.
     */
    static boolean inDatabaseOrder(UUID one, UUID other) {
        return one.toString().compareTo(other.toString()) < 0;
    }

    /**
     * One audit record under each child's id, naming the match, the other child and the agencies
     * involved (data owners: each of their DPOs sees it), and an alert to each involved agency but the
     * actor when {@code event} is given.
     */
    private Uni<Void> step(IdentityMatch m, String action, int status, List<String> involved, Actor actor, String event) {
        return Panache.getSession().chain(session -> {
            context.describe(action, "identity-match", m.id.toString(), m.newChildId);
            AuditEntry base = audit.entryFor(context, action, status);
            Uni<Void> chain = audit.record(session, about(base, base.id(), m.newChildId, m, involved))
                    .chain(() -> audit.record(session, about(base, UUID.randomUUID(), m.candidateChildId, m, involved)));
            if (event != null) {
                for (String agency : involved) {
                    if (!agency.equals(actor.agencyId())) {
                        chain = chain.chain(() -> alert(session, agency, event, m));
                    }
                }
            }
            return chain;
        }).invoke(context::markAudited);
    }

    private Uni<Void> alert(Mutiny.Session session, String agency, String event, IdentityMatch m) {
        return outbox.enqueue(session, new AlertRequest(agency, event, m.candidateChildId, "identity-match", m.id.toString(),
                Map.of("matchId", m.id.toString(), "status", m.status, "link", "/api/v1/identity-matches"),
                List.of(), null, null, null)).replaceWithVoid();
    }

    private static AuditEntry about(AuditEntry e, UUID id, UUID child, IdentityMatch m, List<String> involved) {
        List<String> reasons = new ArrayList<>(e.reasons());
        reasons.add("identity-match:" + m.id);
        reasons.add("children:" + m.newChildId + "," + m.candidateChildId);
        reasons.add("agencies:" + String.join(",", involved));
        return new AuditEntry(id, e.recordedAt(), e.requestId(), e.actorSubject(), e.actorClient(), e.actorKind(),
                e.actorAgency(), e.actorRoles(), e.purpose(), e.action(), e.resourceType(), e.resourceId(), child,
                e.categories(), e.decision(), reasons, e.denialCode(), e.lawfulBasis(), e.overrideJustification(),
                e.overrideApprover(), e.outcome(), e.sourceAddress(), List.copyOf(involved));
    }
}
