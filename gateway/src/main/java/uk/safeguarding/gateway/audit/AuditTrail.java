package uk.safeguarding.gateway.audit;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.PurposeOfUse;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The one way anything writes audit records. A change and its audit record share a transaction
 * ({@link #record(SqlClient, AuditEntry)}); a request that failed, and so wrote nothing, is recorded
 * in a transaction of its own afterwards ({@link #recordStandalone(AuditEntry)}).
 */
@ApplicationScoped
public class AuditTrail {

    private static final String INSERT_EVENT = """
            INSERT INTO audit_event (id, recorded_at, request_id, actor_subject, actor_client, actor_kind,
                actor_agency, actor_roles, purpose, action, resource_type, resource_id, child_id, categories,
                decision, reasons, denial_code, lawful_basis, override_justification, override_approver,
                outcome, source_address, data_owners)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
            """;

    /**
     * The event and its place in the sealer's queue, in one statement (one round trip). Insert-only:
     * no request reads or locks anything shared, which is what keeps the chain off the request's
     * critical path (docs/AUDIT.md).
     */
    private static final String INSERT_EVENT_AND_QUEUE = "WITH event AS (" + INSERT_EVENT + """
                RETURNING recorded_at, id)
            INSERT INTO audit_pending (recorded_at, event_id) SELECT recorded_at, id FROM event
            """;

    private final Pool pool;
    /** Null where the trail is built by hand (bench/audit): nothing is counted there. */
    @jakarta.inject.Inject
    uk.safeguarding.gateway.operations.BusinessMeters meters;

    public AuditTrail(Pool pool) {
        this.pool = pool;
    }

    /** Writes the record inside the caller's transaction: it commits or rolls back with the change. */
    public Uni<Void> record(SqlClient transaction, AuditEntry entry) {
        return transaction.preparedQuery(INSERT_EVENT_AND_QUEUE).execute(tuple(entry)).replaceWithVoid();
    }

    /**
     * The same statement for a Hibernate Reactive session: JDBC-style ordinal parameters, and the jsonb
     * columns bound as text and cast by the server (a string bound straight to jsonb would be stored as a
     * JSON string, not an array). The row is the one {@link #record(SqlClient, AuditEntry)} writes
     * (AuditSessionFormTest compares them).
     */
    private static final String SESSION_INSERT = sessionForm(INSERT_EVENT_AND_QUEUE, 8, 14, 16, 23);

    /** {@code $n} becomes {@code ?n}; the listed parameters become {@code CAST(CAST(?n AS text) AS jsonb)}. */
    public static String sessionForm(String sql, int... jsonb) {
        java.util.Set<Integer> json = java.util.Arrays.stream(jsonb).boxed().collect(java.util.stream.Collectors.toSet());
        return java.util.regex.Pattern.compile("\\$(\\d+)").matcher(sql).replaceAll(m -> {
            int n = Integer.parseInt(m.group(1));
            return json.contains(n) ? "CAST(CAST(?" + n + " AS text) AS jsonb)" : "?" + n;
        });
    }

    /**
     * Writes the record inside the caller's Hibernate Reactive session and so its transaction: the
     * aggregates mapped with Hibernate Reactive (strategy/) commit their audit with the change.
     */
    public Uni<Void> record(org.hibernate.reactive.mutiny.Mutiny.Session session, AuditEntry entry) {
        var query = session.createNativeQuery(SESSION_INSERT);
        Tuple t = tuple(entry);
        for (int i = 0; i < t.size(); i++) {
            Object v = t.getValue(i);
            query.setParameter(i + 1, v instanceof JsonArray a ? a.encode() : v);
        }
        return query.executeUpdate().replaceWithVoid();
    }

    /**
     * The same event insert without the queue row: for bench/audit's "unchained" baseline only. An
     * event written this way is reported by the verifier as inserted outside the chain.
     */
    public static String unchainedInsertForBenchmark() {
        return INSERT_EVENT;
    }

    /** Writes the record in its own transaction, for requests that changed nothing (reads, denials, failures). */
    public Uni<Void> recordStandalone(AuditEntry entry) {
        return pool.withTransaction(tx -> record(tx, entry));
    }

    /** The record for this request as it stands, ending with {@code outcome}. */
    public AuditEntry entryFor(RequestContext context, String fallbackAction, int outcome) {
        Actor actor = context.actor().orElse(null);
        RequestContext.AuditedDecision decision = context.decision().orElse(null);
        // A request answered 403 or 404 was refused, even if an earlier check on it had permitted.
        boolean refused = outcome == 403 || outcome == 404;
        String effect = decision != null && !refused ? decision.effect()
                : refused ? "DENY" : outcome >= 400 ? "ERROR" : "NONE";
        String denialCode = decision != null && decision.denialCode() != null ? decision.denialCode()
                : outcome >= 400 ? context.failureCode() : null;
        if (meters != null && "DENY".equals(effect)) {
            meters.denied(denialCode);
        }
        return new AuditEntry(context.auditEventId(), Instant.now(), context.requestId(),
                actor == null ? null : actor.subject(),
                actor == null ? null : actor.clientId(),
                actor == null ? null : actor.kind().name(),
                actor == null ? null : actor.agencyId(),
                actor == null ? List.of() : actor.roles().stream().sorted().toList(),
                context.purpose().map(PurposeOfUse::code).orElse(null),
                context.action().orElse(fallbackAction),
                context.resourceType(), context.resourceId(), context.childId(),
                decision == null ? List.of() : decision.categories(),
                effect,
                decision == null ? List.of() : decision.reasons(),
                denialCode,
                decision == null ? null : decision.lawfulBasis(),
                decision == null ? null : decision.overrideJustification(),
                decision == null ? null : decision.overrideApprover(),
                outcome, context.sourceAddress(),
                // Whose information went out: only a request that released categories disclosed any.
                decision == null || decision.categories().isEmpty() || "DENY".equals(effect) ? List.of()
                        : context.dataOwners());
    }

    /** The parameters of the insert; public for bench/audit. */
    public static Tuple tuple(AuditEntry e) {
        return Tuple.from(new Object[] {
                // PostgreSQL keeps microseconds; truncating here means the entry in hand equals the row.
                e.id(), e.recordedAt().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC), e.requestId(), e.actorSubject(), e.actorClient(),
                e.actorKind(), e.actorAgency(), new JsonArray(e.actorRoles()), e.purpose(), e.action(),
                e.resourceType(), e.resourceId(), e.childId(), new JsonArray(e.categories()), e.decision(),
                new JsonArray(e.reasons()), e.denialCode(), e.lawfulBasis(), e.overrideJustification(),
                e.overrideApprover(), e.outcome(), e.sourceAddress(),
                e.dataOwners() == null ? null : new JsonArray(e.dataOwners())});
    }
}
