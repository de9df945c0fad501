package uk.safeguarding.gateway.referral;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
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
import uk.safeguarding.gateway.child.Relationships;
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
 * the console then shows a neutral label. Released identities are recorded as disclosures of the
 * referrer's information on the request's audit record, as any read is.
 */
@ApplicationScoped
public class ReleasedIdentity {

    /** Candidates per child: the newest referrals are the likeliest to be released and to be current. */
    static final int CANDIDATES = 20;

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

    ReleasedIdentity(Pool pool, PolicyService policy, Relationships relationships, RequestContext context) {
        this.pool = pool;
        this.policy = policy;
        this.relationships = relationships;
        this.context = context;
    }

    private record Candidate(UUID id, UUID childId, String owner, java.time.Instant createdAt, JsonObject child) {
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
                .map(found -> {
                    Map<UUID, Identity> out = new LinkedHashMap<>();
                    found.forEach(e -> e.getValue().ifPresent(identity -> out.put(e.getKey(), identity)));
                    return out;
                }));
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

    private Uni<Optional<Identity>> first(Actor reader, PurposeOfUse purpose, UUID childId, List<Candidate> candidates) {
        if (candidates.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return relationships.standing(pool, reader.agencyId(), reader.subject(), childId)
                .chain(standing -> policy.consents(pool, childId, reader, purpose).map(consents -> {
                    for (Candidate c : candidates) {
                        Optional<Identity> identity = identity(c.child());
                        if (identity.isEmpty()) {
                            continue;
                        }
                        Target target = Target.record(childId, c.owner(), c.createdAt(), ReferralService.SOURCE_TYPE, c.id());
                        Decision decision = policy.decide(reader, "read", purpose, standing.kindsFor(target.record()),
                                List.of(Referral.IDENTITY), consents, b -> b.counterparty(c.owner())).decision();
                        if (decision.isPermit() && decision.permittedCategories().contains(Referral.IDENTITY)) {
                            policy.disclosed(c.owner(), reader);
                            return identity;
                        }
                    }
                    return Optional.<Identity>empty();
                }));
    }

    private static Optional<Identity> identity(JsonObject child) {
        return child == null ? Optional.empty()
                : Identity.of(child.getString("givenName"), child.getString("familyName"), child.getString("birthDate"));
    }
}
