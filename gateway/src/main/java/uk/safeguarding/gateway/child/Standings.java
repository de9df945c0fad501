package uk.safeguarding.gateway.child;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.audit.anomaly.Flags;
import uk.safeguarding.gateway.placement.Cases;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.CaseContext;
import uk.safeguarding.protocol.engine.DutyNotice;
import uk.safeguarding.protocol.engine.Standing;
import uk.safeguarding.protocol.model.StandingClause;

/**
 * The one way relationships come to exist: each under the protocol clause that says how an event
 * creates it (routing, self-assertion or naming), recording who asserted it and how it stands. A
 * self-asserted relationship with a child other agencies already know is asserted, not confirmed: it
 * counts only for records created after it, the agencies already involved are asked to confirm it
 * (a duty with a deadline and escalation) and their DPOs see the attempt. The caller's answer is the
 * same either way, so the creating call tells nobody whether the child was known.
 */
@ApplicationScoped
public class Standings {

    static final String EVENT_ASSERTED = "relationship-asserted";
    /**
     * Events whose routed agencies follow an agency the caller names in the body (the home council of a
     * missing-from-home report, the council a school tells of an absence), not data the gateway holds.
     */
    static final java.util.Set<String> CALLER_CHOSEN_ROUTING = java.util.Set.of("child-missing", "absence-threshold-met");
    static final String EVENT_DECIDED = "relationship-decided";
    static final String CONFIRMER = "standing-confirmer";
    static final String CLAIMANT = "standing-claimant";

    /** An agency named for (or routed) a kind by this event. */
    public record Named(String agency, String kind, String contact) {
    }

    /**
     * What an event establishes. {@code selfKinds}: kinds the acting agency asserts about itself;
     * {@code named}: other agencies the acting agency names; {@code routed}: agencies the protocol's
     * duties chose.
     *
     * @param childIsNew the request created the child in the index (nothing existed before it)
     */
    public record Establish(UUID childId, boolean childIsNew, String event, String sourceType, UUID sourceId,
            List<String> selfKinds, String selfContact, List<Named> named, List<Named> routed) {
    }

    /** The acting agency's standing from this event: confirmed, or asserted pending {@code claimId}. */
    public record Established(String standing, UUID claimId) {

        public boolean confirmed() {
            return Relationships.CONFIRMED.equals(standing);
        }
    }

    private final Relationships relationships;
    private final PolicyService policy;
    private final RequestContext context;
    private final Cases cases;
    private final Flags flags;
    private final GatewayClock clock;

    Standings(Relationships relationships, PolicyService policy, RequestContext context, Cases cases, Flags flags,
            GatewayClock clock) {
        this.relationships = relationships;
        this.policy = policy;
        this.context = context;
        this.cases = cases;
        this.flags = flags;
        this.clock = clock;
    }

    /** Creates the event's relationships in {@code tx}; refuses (403) an agency the clause does not let assert or name. */
    public Uni<Established> establish(SqlClient tx, Establish e) {
        Actor actor = context.requireActor();
        Instant now = clock.instant();
        List<Standing> self = checked(e, actor, now);
        // Row-only: standing reached through a merge must never turn into standing of its own on the other row.
        return relationships.directStanding(tx, actor.agencyId(), actor.subject(), e.childId())
                .chain(mine -> ownStanding(tx, e, self, mine, actor, now))
                .call(own -> write(tx, e, self, own, actor, now));
    }

    /**
     * As {@link #establish}, for a caller that does not use the acting agency's standing. When no row written
     * depends on it (the agency asserts only own-record kinds and names nobody), it is not read: those reads
     * write nothing and decide nothing the rows keep, so the same rows result with two round trips fewer.
     */
    public Uni<Void> establishRows(SqlClient tx, Establish e) {
        Actor actor = context.requireActor();
        Instant now = clock.instant();
        List<Standing> self = checked(e, actor, now);
        if (!e.named().isEmpty() || self.stream().anyMatch(s -> s.rule().scope() != StandingClause.Scope.OWN_RECORD)) {
            return establish(tx, e).replaceWithVoid();
        }
        return write(tx, e, self, null, actor, now);
    }

    /** The clauses of the agency's self-asserted kinds; refuses (403) what the clauses do not let it assert or name. */
    private List<Standing> checked(Establish e, Actor actor, Instant now) {
        uk.safeguarding.protocol.engine.Actor engineActor = uk.safeguarding.protocol.engine.Actor.of(actor.agencyId(),
                actor.roles(), actor.subject());
        List<Standing> self = new ArrayList<>();
        for (String kind : e.selfKinds()) {
            Standing s = clause(kind, e.event(), now, StandingClause.Establishment.SELF_ASSERTION);
            if (!s.assertableBy(engineActor)) {
                throw notAssertable(kind, s);
            }
            self.add(s);
        }
        for (Named n : e.named()) {
            Standing s = clause(n.kind(), e.event(), now, StandingClause.Establishment.NAMING);
            if (!s.assertableBy(engineActor)) {
                throw notAssertable(n.kind(), s);
            }
        }
        e.routed().forEach(n -> clause(n.kind(), e.event(), now, StandingClause.Establishment.ROUTING));
        return self;
    }

    private Uni<Established> ownStanding(SqlClient tx, Establish e, List<Standing> self,
            uk.safeguarding.gateway.child.Standing mine, Actor actor, Instant now) {
        Optional<Standing> toConfirm = self.stream().filter(s -> s.rule().needsConfirmationWhenKnown()).findFirst();
        if (toConfirm.isEmpty()) {
            // Nothing asserted about the whole child: naming follows the namer's own standing as it is,
            // never an override's (which lasts a day; what it names would outlive it), and is confirmed or
            // refused with the namer's pending claim, if it has one.
            if (!mine.confirmedKinds().isEmpty()) {
                return Uni.createFrom().item(new Established(Relationships.CONFIRMED, null));
            }
            return tx.preparedQuery("SELECT id FROM relationship_claim WHERE child_id = $1 AND agency_id = $2 "
                            + "AND status = 'PENDING' ORDER BY asserted_at LIMIT 1")
                    .execute(Tuple.of(e.childId(), actor.agencyId()))
                    .map(rows -> new Established(Relationships.ASSERTED,
                            rows.iterator().hasNext() ? rows.iterator().next().getUUID("id") : null));
        }
        Standing clause = toConfirm.get();
        // Nothing existed before this request, or the agency already holds a kind whose holders would be
        // asked to confirm the claim (the child's home council): there is nobody else to ask.
        boolean confirmedAlready = mine.confirmedKinds().stream().anyMatch(clause.rule().confirmationAsked()::contains);
        if (e.childIsNew() || confirmedAlready) {
            return Uni.createFrom().item(new Established(Relationships.CONFIRMED, null));
        }
        String kind = clause.rule().kinds().stream().filter(e.selfKinds()::contains).findFirst().orElseThrow();
        return tx.preparedQuery("SELECT id FROM relationship_claim WHERE child_id = $1 AND agency_id = $2 AND kind = $3 "
                        + "AND status = 'PENDING' LIMIT 1")
                .execute(Tuple.of(e.childId(), actor.agencyId(), kind))
                .chain(rows -> rows.iterator().hasNext()
                        ? Uni.createFrom().item(new Established(Relationships.ASSERTED, rows.iterator().next().getUUID("id")))
                        : claim(tx, e, clause, kind, actor, now));
    }

    /** Opens a claim: asks the agencies already involved to confirm it, and tells their DPOs. */
    private Uni<Established> claim(SqlClient tx, Establish e, Standing clause, String kind, Actor actor, Instant now) {
        UUID claimId = UUID.randomUUID();
        return relationships.involved(tx, e.childId()).chain(involved -> {
            // Everyone involved (a referrer too) sees the attempt; those holding a confirmed relationship may
            // decide it, and those holding the kinds the clause names are asked to.
            Set<String> everyone = new TreeSet<>();
            Set<String> confirmed = new TreeSet<>();
            Set<String> preferred = new TreeSet<>();
            for (Relationships.Involvement i : involved) {
                if (!i.agencyId().equals(actor.agencyId())) {
                    everyone.add(i.agencyId());
                    if (Relationships.CONFIRMED.equals(i.standing())) {
                        confirmed.add(i.agencyId());
                        if (clause.rule().confirmationAsked().contains(i.kind())) {
                            preferred.add(i.agencyId());
                        }
                    }
                }
            }
            List<String> confirmers = List.copyOf(preferred.isEmpty() ? confirmed : preferred);
            List<CaseContext> asked = confirmers.stream()
                    .map(a -> CaseContext.builder().role(CONFIRMER, a).build()).toList();
            Instant due = asked.isEmpty() ? now : policy.engine().duties(EVENT_ASSERTED, asked.get(0), now).stream()
                    .map(DutyNotice::deadline).min(Instant::compareTo).orElse(now);
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("childId", e.childId().toString());
            identity.put("claimId", claimId.toString());
            identity.put("claimant", actor.agencyId());
            identity.put("kind", kind);
            identity.put("event", e.event());
            identity.put("link", "/api/v1/relationship-claims/" + claimId);
            return tx.preparedQuery("""
                            INSERT INTO relationship_claim (id, child_id, agency_id, kind, event, rule, source_type, source_id,
                                asserted_by_subject, asserted_at, confirmers, due_at)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                            """)
                    .execute(Tuple.from(new Object[] {claimId, e.childId(), actor.agencyId(), kind, e.event(),
                            clause.clause(), e.sourceType(), e.sourceId(), actor.subject(), now.atOffset(ZoneOffset.UTC),
                            confirmers.toArray(new String[0]), due.atOffset(ZoneOffset.UTC)}))
                    .chain(() -> asked.isEmpty() ? Uni.createFrom().voidItem()
                            : cases.record(tx, new Notifier.CaseEvent(claimId, EVENT_ASSERTED, e.childId(), actor.agencyId(),
                                    now, "SAFEGUARDING", false, Map.of("identity", identity)), actor.subject(), asked)
                                    .replaceWithVoid())
                    .chain(() -> flags.raise(tx, new Flags.Flag("ASSERTED_STANDING", e.childId(), actor.agencyId()
                            + " asserted " + kind + " (" + clause.clause() + ") for a child other agencies already know; "
                            + "claim " + claimId + " asks " + confirmers + " to confirm it by " + due, everyone)))
                    .replaceWith(new Established(Relationships.ASSERTED, claimId));
        });
    }

    /** {@code own} is null only when no row depends on it ({@link #establishRows}). */
    private Uni<Void> write(SqlClient tx, Establish e, List<Standing> self, Established own, Actor actor, Instant now) {
        List<Relationships.New> rows = new ArrayList<>();
        for (Standing s : self) {
            boolean ownRecord = s.rule().scope() == StandingClause.Scope.OWN_RECORD;
            for (String kind : s.rule().kinds()) {
                if (!e.selfKinds().contains(kind)) {
                    continue;
                }
                Relationships.Provenance p = ownRecord
                        ? new Relationships.Provenance(e.event(), s.clause(), actor.agencyId(), actor.subject(),
                                Relationships.ASSERTED, null, Relationships.SCOPE_OWN_RECORD)
                        : new Relationships.Provenance(e.event(), s.clause(), actor.agencyId(), actor.subject(),
                                own.standing(), own.claimId(), Relationships.SCOPE_CHILD);
                rows.add(new Relationships.New(e.childId(), actor.agencyId(), kind, e.sourceType(), e.sourceId(),
                        e.selfContact(), p));
            }
        }
        for (Named n : e.named()) {
            Standing s = clause(n.kind(), e.event(), now, StandingClause.Establishment.NAMING);
            Relationships.Provenance p = new Relationships.Provenance(e.event(), s.clause(), actor.agencyId(),
                    actor.subject(), own.standing(), own.claimId(), Relationships.SCOPE_CHILD);
            rows.add(new Relationships.New(e.childId(), n.agency(), n.kind(), e.sourceType(), e.sourceId(), n.contact(), p));
        }
        // Routing by partnership data is the protocol's decision, except where the caller chose the agency
        // the data is looked up for: then, for a child the gateway already knew, the routed agencies stand
        // for what comes after (this episode, its alerts), never for the records that existed before.
        String routedStanding = CALLER_CHOSEN_ROUTING.contains(e.event()) && !e.childIsNew()
                ? Relationships.ASSERTED : Relationships.CONFIRMED;
        for (Named n : e.routed()) {
            Standing s = clause(n.kind(), e.event(), now, StandingClause.Establishment.ROUTING);
            Relationships.Provenance p = new Relationships.Provenance(e.event(), s.clause(), actor.agencyId(),
                    actor.subject(), routedStanding, null, Relationships.SCOPE_CHILD);
            rows.add(new Relationships.New(e.childId(), n.agency(), n.kind(), e.sourceType(), e.sourceId(), n.contact(), p));
        }
        // One statement, in the order the rows were once written one by one.
        return relationships.addAll(tx, rows);
    }

    /** The clause for this kind and event; its absence is a programming error, not a caller's. */
    private Standing clause(String kind, String event, Instant now, StandingClause.Establishment expected) {
        Standing s = policy.engine().standing(kind, event, now).orElseThrow(() -> new IllegalStateException(
                "No protocol in force says how '" + event + "' establishes relationship '" + kind + "'"));
        if (s.rule().establishedBy() != expected) {
            throw new IllegalStateException(s.clause() + " establishes '" + kind + "' by " + s.rule().establishedBy().code()
                    + ", not " + expected.code());
        }
        return s;
    }

    private static ApiException notAssertable(String kind, Standing s) {
        return ApiException.forbidden("STANDING_NOT_ASSERTABLE", "Refused by " + s.clause()
                + ": your agency or role may not establish '" + kind + "' this way.");
    }

    /** The agencies involved with the child (a referrer too): those whose DPOs see what concerns it. */
    public Uni<Set<String>> involvedAgencies(SqlClient tx, UUID childId) {
        return relationships.involved(tx, childId).map(list -> {
            Set<String> agencies = new LinkedHashSet<>();
            list.forEach(i -> agencies.add(i.agencyId()));
            return agencies;
        });
    }
}
