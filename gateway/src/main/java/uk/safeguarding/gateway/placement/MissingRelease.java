package uk.safeguarding.gateway.placement;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import uk.safeguarding.gateway.alert.GatewayClock;
import uk.safeguarding.gateway.alert.Notifier;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.policy.PolicyService;
import uk.safeguarding.gateway.policy.Target;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.Actor;
import uk.safeguarding.gateway.security.RequestContext;

/**
 * The release of what is held only while a child is missing (the Philomena profile, the trigger
 * plan): the engine is told whether the child is missing for this reader (a confirmed episode, or the
 * reader's own approved override of scope missing) and whether the reader is the force that found the
 * child in a confirmed episode within {@link MissingReleaseConfig#finderDebrief()}; the protocol
 * decides. Nothing of the record, not even whether there is one, is revealed before the decision; a
 * release is audited and its owner told, as the deciding clause says.
 */
@ApplicationScoped
public class MissingRelease {

    private final Cases cases;
    private final PolicyService policy;
    private final Notifier notifier;
    private final AuditTrail audit;
    private final RequestContext context;
    private final GatewayClock clock;
    private final MissingReleaseConfig config;

    MissingRelease(Cases cases, PolicyService policy, Notifier notifier, AuditTrail audit, RequestContext context,
            GatewayClock clock, MissingReleaseConfig config) {
        this.cases = cases;
        this.policy = policy;
        this.notifier = notifier;
        this.audit = audit;
        this.context = context;
        this.clock = clock;
        this.config = config;
    }

    /** What a release concerns: the record's category, its audit action and resource type. */
    public record Kind(String category, String action, String resourceType) {
    }

    /**
     * Decides on {@code newest} (the child's newest record of this kind, or null when there is none:
     * then, once the engine has permitted, 404), then audits, tells the owner, and returns the view.
     */
    public <T> Uni<T> release(SqlClient tx, UUID childId, Row newest, Kind kind, Function<Row, T> view) {
        Actor reader = context.requireActor();
        return cases.isMissing(tx, childId, reader).chain(missing -> foundByReader(tx, childId, reader)
                .chain(found -> {
                    String owner = newest == null ? Target.GATEWAY : newest.getString("recorded_by");
                    return policy.authorise(tx, Target.wholeChild(childId, owner), "read", List.of(kind.category()),
                            b -> b.missing(missing).foundByReader(found));
                })
                .chain(decision -> {
                    if (newest == null) {
                        throw ApiException.notFound();
                    }
                    String id = newest.getUUID("id").toString();
                    context.describe(kind.action(), kind.resourceType(), id, childId);
                    T result = view.apply(newest);
                    return notifier.notifyOwner(tx, decision, newest.getString("recorded_by"), childId,
                                    kind.resourceType(), id, reader, context.purpose().orElseThrow().code(), clock.instant())
                            .chain(() -> audit.record(tx, audit.entryFor(context, kind.action(), 200)))
                            .invoke(context::markAudited)
                            .replaceWith(result);
                }));
    }

    /** The reader found the child in a confirmed episode, recently enough for its debrief. */
    Uni<Boolean> foundByReader(SqlClient tx, UUID childId, Actor reader) {
        if (!"police".equals(reader.agencyType())) {
            return Uni.createFrom().item(false);
        }
        var since = clock.instant().minus(config.finderDebrief()).atOffset(ZoneOffset.UTC);
        var now = clock.instant().atOffset(ZoneOffset.UTC);
        return tx.preparedQuery("""
                        SELECT 1 FROM missing_episode WHERE child_id = $1 AND found_reported_by = $2
                            AND confirmed_at IS NOT NULL AND found_at > $3 AND found_at <= $4
                        """).execute(Tuple.of(childId, reader.agencyId(), since, now))
                .map(rows -> rows.iterator().hasNext());
    }
}
