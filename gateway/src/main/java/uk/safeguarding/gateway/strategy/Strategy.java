package uk.safeguarding.gateway.strategy;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uk.safeguarding.gateway.alert.AlertRequest;
import uk.safeguarding.gateway.alert.Outbox;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The writes of strategy discussions: each change, its audit record and its alerts go through one
 * Hibernate Reactive session, so they commit or roll back together. Callers are already on the
 * session's Vert.x context (reactive routes); nothing here blocks.
 */
@ApplicationScoped
public class Strategy {

    static final String INVITED = "strategy-discussion-invited";
    static final String ACTION_ASSIGNED = "strategy-action-assigned";

    private final DiscussionRepository discussions;
    private final InviteeRepository invitees;
    private final ActionRepository actions;
    private final AuditTrail audit;
    private final Outbox outbox;
    private final RequestContext context;
    private final StrategyClauses clauses;

    Strategy(DiscussionRepository discussions, InviteeRepository invitees, ActionRepository actions, AuditTrail audit,
            Outbox outbox, RequestContext context, StrategyClauses clauses) {
        this.clauses = clauses;
        this.discussions = discussions;
        this.invitees = invitees;
        this.actions = actions;
        this.audit = audit;
        this.outbox = outbox;
        this.context = context;
    }

    /**
     * Persists the discussion and its invitations, tells each invitee, and writes the audit record, in
     * the caller's transaction ({@code Panache.withTransaction}). {@code afterInsert} runs after the entity is flushed and before the audit and
     * outbox rows: a test forces a failure there to prove all three roll back together.
     */
    Uni<StrategyDiscussion> convene(StrategyDiscussion d, List<String> invited, Runnable afterInsert, int status) {
        return discussions.persistAndFlush(d).chain(() -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (String agency : invited) {
                StrategyInvitee i = new StrategyInvitee();
                i.id = UUID.randomUUID();
                i.discussionId = d.id;
                i.agencyId = agency;
                chain = chain.chain(() -> invitees.persist(i)).replaceWithVoid();
            }
            return chain.chain(invitees::flush);
        }).invoke(afterInsert).chain(() -> Panache.getSession()).chain(session -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (String agency : invited) {
                // The invitation names the discussion, not its content: the invitee reads it through the API.
                chain = chain.chain(() -> outbox.enqueue(session, new AlertRequest(agency, INVITED, d.childId,
                        "strategy-discussion", d.id.toString(), Map.of("discussionId", d.id.toString(),
                                "convener", d.convenerAgency, "heldAt", d.heldAt.toString(),
                                "link", "/api/v1/strategy-discussions/" + d.id),
                        List.of(), null, null, null))).replaceWithVoid();
            }
            return chain.chain(() -> audit.record(session, audit.entryFor(context, "strategy.convene", status)));
        }).invoke(context::markAudited).replaceWith(d);
    }

    /**
     * Adds an action owned by {@code action.ownerAgency} (the convener or an invitee), tells the owner,
     * and audits it, in the caller's transaction. The assignment carries no deadline of its own: the
     * action's due date is the duty (StrategyActionClock).
     */
    Uni<StrategyAction> addAction(StrategyDiscussion d, StrategyAction action) {
        return actions.persistAndFlush(action).chain(() -> Panache.getSession()).chain(session -> outbox.enqueue(session,
                        new AlertRequest(action.ownerAgency, ACTION_ASSIGNED, d.childId, "strategy-action",
                                action.id.toString(), Map.of("discussionId", d.id.toString(), "actionId", action.id.toString(),
                                        "dueOn", action.dueOn.toString(), "link", "/api/v1/strategy-discussions/" + d.id),
                                List.of(), null, null, null))
                .chain(() -> audit.record(session, audit.entryFor(context, "strategy.add-action", 201))))
                .invoke(context::markAudited).replaceWith(action);
    }

    /** Audits a read or a change of the discussion through the current session. */
    Uni<Void> audited(String action, int status) {
        return Panache.getSession().chain(session -> audit.record(session, audit.entryFor(context, action, status)))
                .invoke(context::markAudited);
    }

    /** One strategy action in its owner's inbox ({@code /api/v1/inbox}): ids, dates and status, no free text. */
    public record InboxAction(UUID actionId, UUID discussionId, UUID childId, String ownerAgency, java.time.LocalDate dueOn,
            String status, boolean overdue, String link) {

        /** The entry kind beside the inbox's referral entries. */
        @com.fasterxml.jackson.annotation.JsonProperty("kind")
        public String kind() {
            return "strategy-action";
        }
    }

    /** The actions the agency owns, as its inbox lists them (see {@link ActionRepository#inboxOf}). */
    public Uni<List<InboxAction>> inbox(String agency, String status, int limit) {
        return Panache.withSession(() -> actions.inboxOf(agency, status, limit).chain(this::readable)).map(list -> list.stream()
                .map(a -> new InboxAction(a.id, a.discussionId, a.childId, a.ownerAgency, a.dueOn, a.status,
                        a.overdueAt != null, "/api/v1/strategy-discussions/" + a.discussionId))
                .toList());
    }

    /**
     * Of these actions, those whose discussion the caller may read: the discussion's read clause
     * ({@link StrategyClauses#participantMayRead}, per convener), so a purpose or role that the discussion
     * read answers with a 404 learns no discussion or child id from a list either. Inside the caller's
     * session. A list may hold fewer than its limit where actions are left out.
     */
    Uni<List<StrategyAction>> readable(List<StrategyAction> list) {
        if (list.isEmpty()) {
            return Uni.createFrom().item(list);
        }
        return discussions.conveners(list.stream().map(a -> a.discussionId).collect(java.util.stream.Collectors.toSet()))
                .map(conveners -> {
                    Map<String, Boolean> may = new java.util.HashMap<>();
                    return list.stream().filter(a -> conveners.containsKey(a.discussionId)
                            && may.computeIfAbsent(conveners.get(a.discussionId), clauses::participantMayRead)).toList();
                });
    }

    /**
     * One line of a child's story: a discussion (at the time it was held) or an action (when agreed).
     * Ids and times only; the chronology releases each under its own decision.
     */
    public record Entry(java.time.Instant at, String kind, UUID id, UUID discussionId, String agency) {
    }

    /**
     * The child's strategy discussions and actions in time order (ties by kind, then id), for the
     * chronology; inside the caller's session ({@code Panache.withSession}).
     */
    public Uni<List<Entry>> chronology(UUID childId) {
        return discussions.ofChild(childId).chain(ds -> actions.ofChild(childId).map(as -> {
            List<Entry> out = new java.util.ArrayList<>();
            ds.forEach(d -> out.add(new Entry(d.heldAt, "strategy-discussion", d.id, d.id, d.convenerAgency)));
            as.forEach(a -> out.add(new Entry(a.createdAt, "strategy-action", a.id, a.discussionId, a.ownerAgency)));
            out.sort(java.util.Comparator.comparing(Entry::at).thenComparing(Entry::kind).thenComparing(Entry::id));
            return out;
        }));
    }

    // Accessors, not fields: the resource holds a client proxy, whose own fields are never set.
    DiscussionRepository discussions() {
        return discussions;
    }

    InviteeRepository invitees() {
        return invitees;
    }

    ActionRepository actions() {
        return actions;
    }
}
