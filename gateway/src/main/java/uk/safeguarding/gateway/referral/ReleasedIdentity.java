package uk.safeguarding.gateway.referral;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.child.Relationships;
import uk.safeguarding.gateway.policy.ConsentedDecision;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;
import uk.safeguarding.protocol.engine.Decision;

/**
 * Who a child is, as far as the reader has been told: the name and date of birth of the newest referral
 * about the child whose {@code identity} category the engine releases to the reader, decided exactly as
 * that referral's own read decides it (the relationship kinds counting for the record, the consent per
 * category, the referrer as the data's source). Nothing released gives nothing, never an identifier:
 * the console then shows a neutral label. Each identity released is its own audit record ({@value #ACTION},
 * the referral, the child, the decision, the referrer as the owner of what went out), beside the record
 * of the page's own read: a page may name several children, and the DPOs' disclosure report is per child.
 */
@ApplicationScoped
public class ReleasedIdentity {

    /** Candidates per child: the newest referrals are the likeliest to be released and to be current. */
    static final int CANDIDATES = 20;
    static final String ACTION = "child.identity";

    /** A child's identity as one referral released it; either part may be missing from the referral. */
    public record Identity(String givenName, String familyName, LocalDate birthDate) {

        /** From a referral's child as released: empty without a name; a partial date of birth is left out, not guessed. */
        public static Optional<Identity> of(String givenName, String familyName, String birthDate) {
            if (givenName == null && familyName == null) {
                return Optional.empty();
            }
            LocalDate born = null;
            try {
                born = birthDate == null ? null : LocalDate.parse(birthDate);
            } catch (DateTimeParseException e) {
                // shown without a date of birth
            }
            return Optional.of(new Identity(givenName, familyName, born));
        }

        public static Optional<Identity> of(Referral.Child child) {
            return child == null ? Optional.empty() : of(child.givenName(), child.familyName(), child.birthDate());
        }
    }

    private final Pool pool;
    private final PolicyService policy;
    private final Relationships relationships;
    private final RequestContext context;
    private final AuditTrail audit;

    ReleasedIdentity(Pool pool, PolicyService policy, Relationships relationships, RequestContext context, AuditTrail audit) {
        this.audit = audit;
        this.pool = pool;
        this.policy = policy;
        this.relationships = relationships;
        this.context = context;
    }

    private record Candidate(UUID id, UUID childId, String owner, Instant createdAt, JsonObject child) {
    }

    private record Released(Identity identity, Candidate from, RequestContext.AuditedDecision decision) {
    }

    /** The released identity of each child that has one; children without are absent from the map. */
    public Uni<Map<UUID, Identity>> of(Collection<UUID> childIds) {
        List<UUID> ids = List.copyOf(new LinkedHashSet<>(childIds));
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Actor reader = context.requireActor();
        PurposeOfUse purpose = context.purpose().orElseThrow(() -> new IllegalStateException("purpose not established"));
        return candidates(ids).chain(byChild -> Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(childId -> first(reader, purpose, childId,
                        byChild.getOrDefault(childId, List.of())).map(found -> Map.entry(childId, found)))
                .collect().asList()
                .chain(found -> {
                    Map<UUID, Identity> out = new LinkedHashMap<>();
                    List<AuditEntry> entries = new ArrayList<>();
                    found.forEach(e -> e.getValue().ifPresent(released -> {
                        out.put(e.getKey(), released.identity());
                        entries.add(entry(reader, purpose, released));
                    }));
                    return entries.isEmpty() ? Uni.createFrom().item(out) : pool.withTransaction(tx -> {
                        Uni<Void> chain = Uni.createFrom().voidItem();
                        for (AuditEntry entry : entries) {
                            chain = chain.chain(() -> audit.record(tx, entry));
                        }
                        return chain;
                    }).replaceWith(out);
                }));
    }

    private AuditEntry entry(Actor reader, PurposeOfUse purpose, Released released) {
        RequestContext.AuditedDecision d = released.decision();
        Candidate c = released.from();
        return new AuditEntry(UUID.randomUUID(), Instant.now(), context.requestId(), reader.subject(), reader.clientId(),
                reader.kind().name(), reader.agencyId(), reader.roles().stream().sorted().toList(), purpose.code(), ACTION,
                ReferralService.RESOURCE_TYPE, c.id().toString(), c.childId(), d.categories(), d.effect(), d.reasons(),
                null, d.lawfulBasis(), d.overrideJustification(), d.overrideApprover(), 200, context.sourceAddress(),
                List.of(c.owner()));
    }

    private Uni<Map<UUID, List<Candidate>>> candidates(List<UUID> ids) {
        return pool.preparedQuery("""
                        SELECT id, child_id, requester_agency, created_at, child FROM (
                            SELECT r.id, r.child_id, r.requester_agency, r.created_at, r.body -> 'child' AS child,
                                row_number() OVER (PARTITION BY r.child_id ORDER BY r.created_at DESC, r.id DESC) AS n
                            FROM referral r WHERE r.child_id = ANY($1)) c
                        WHERE n <= $2 ORDER BY child_id, created_at DESC, id DESC""")
                .execute(Tuple.of(ids.toArray(UUID[]::new), CANDIDATES))
                .map(rows -> {
                    Map<UUID, List<Candidate>> out = new LinkedHashMap<>();
                    for (Row r : rows) {
                        Object child = r.getValue("child");
                        out.computeIfAbsent(r.getUUID("child_id"), k -> new ArrayList<>()).add(new Candidate(r.getUUID("id"),
                                r.getUUID("child_id"), r.getString("requester_agency"),
                                r.getOffsetDateTime("created_at").toInstant(), child instanceof JsonObject j ? j : null));
                    }
                    return out;
                });
    }

    private Uni<Optional<Released>> first(Actor reader, PurposeOfUse purpose, UUID childId, List<Candidate> candidates) {
        if (candidates.isEmpty()) {
            return Uni.createFrom().item(Optional.<Released>empty());
        }
        return relationships.standing(pool, reader.agencyId(), reader.subject(), childId)
                .chain(standing -> policy.consents(pool, childId, reader, purpose).map(consents -> {
                    for (Candidate c : candidates) {
                        Optional<Identity> identity = identity(c.child());
                        if (identity.isEmpty()) {
                            continue;
                        }
                        Target target = Target.record(childId, c.owner(), c.createdAt(), ReferralService.SOURCE_TYPE, c.id());
                        ConsentedDecision consented = policy.decide(reader, "read", purpose, standing.kindsFor(target.record()),
                                List.of(Referral.IDENTITY), consents, b -> b.counterparty(c.owner()));
                        Decision decision = consented.decision();
                        if (decision.isPermit() && decision.permittedCategories().contains(Referral.IDENTITY)) {
                            return Optional.of(new Released(identity.get(), c, consented.audited()));
                        }
                    }
                    return Optional.<Released>empty();
                }));
    }

    private static Optional<Identity> identity(JsonObject child) {
        return child == null ? Optional.empty()
                : Identity.of(child.getString("givenName"), child.getString("familyName"), child.getString("birthDate"));
    }
}
