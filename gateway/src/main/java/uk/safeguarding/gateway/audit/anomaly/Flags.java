package uk.safeguarding.gateway.audit.anomaly;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * Flags raised by the request that causes them, in its own transaction, rather than by the detector
 * from the sealed trail: the DPOs concerned must see them even if nothing else about the request
 * looks unusual (a self-asserted relationship with a known child, an emergency standing override, a
 * consent record over another agency's, a secret handed out). Each points at the request's own audit
 * record ({@link RequestContext#auditEventId()}), which commits with it.
 */
@ApplicationScoped
public class Flags {

    private static final String INSERT = """
            INSERT INTO audit_anomaly (id, kind, dedupe_key, actor_agency, actor_subject, child_id, window_start,
                window_end, event_count, first_event_id, last_event_at, summary, agencies)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1, $8, $7, $9, $10)
            ON CONFLICT (dedupe_key) DO NOTHING
            """;

    /** One flag: what happened (a summary with ids only, never a name), and whose DPOs must see it. */
    public record Flag(String kind, UUID childId, String summary, Collection<String> agencies) {
    }

    private final RequestContext context;

    Flags(RequestContext context) {
        this.context = context;
    }

    /**
     * Raises the flag against the current request's actor and audit record, visible to the DPOs of the
     * actor's agency and of every agency in {@code flag.agencies()}.
     */
    public Uni<Void> raise(SqlClient tx, Flag flag) {
        Actor actor = context.actor().orElse(null);
        TreeSet<String> agencies = new TreeSet<>(flag.agencies());
        if (actor != null) {
            agencies.add(actor.agencyId());
        }
        UUID eventId = context.auditEventId();
        return tx.preparedQuery(INSERT).execute(Tuple.from(new Object[] {UUID.randomUUID(), flag.kind(),
                        flag.kind() + "|" + eventId + "|" + flag.childId(), actor == null ? null : actor.agencyId(),
                        actor == null ? null : actor.subject(), flag.childId(), Instant.now().atOffset(ZoneOffset.UTC),
                        eventId, flag.summary(), agencies.toArray(new String[0])}))
                .replaceWithVoid();
    }

    /** The same, for several flags of one request. */
    public Uni<Void> raiseAll(SqlClient tx, List<Flag> flags) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Flag f : flags) {
            chain = chain.chain(() -> raise(tx, f));
        }
        return chain;
    }
}
