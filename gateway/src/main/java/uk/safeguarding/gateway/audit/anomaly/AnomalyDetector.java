package uk.safeguarding.gateway.audit.anomaly;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.audit.AuditConfig;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.chain.EventRows;

/**
 * Raises anomaly flags from the audit trail, as a scheduled job rather than on write: requests stay
 * insert-only, and the detector reads the sealed chain in seq order, a gap-free order in which
 * entries become visible one batch after another, so "seq above the cursor" never misses a
 * late-committing event. Flags therefore appear one sealer tick plus one detector interval after
 * the events. One detector works at a time across replicas (advisory lock).
 */
@ApplicationScoped
public class AnomalyDetector {

    private static final Logger LOG = Logger.getLogger(AnomalyDetector.class);
    /** "SGANOM01". */
    private static final long LOCK = 0x5347_414E_4F4D_3031L;
    private static final int BATCH = 5000;

    private static final String NEXT_EVENTS = """
            SELECT c.seq, %s FROM audit_chain c
            JOIN audit_event e ON e.recorded_at = c.recorded_at AND e.id = c.event_id
            WHERE c.seq > $1 ORDER BY c.seq LIMIT $2
            """.formatted(EventRows.COLUMNS);
    private static final String UPSERT = """
            INSERT INTO audit_anomaly (id, kind, dedupe_key, actor_agency, actor_subject, child_id, window_start,
                window_end, event_count, first_event_id, last_event_at, summary, agencies)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (dedupe_key) DO UPDATE SET
                event_count = %s,
                agencies = ARRAY(SELECT DISTINCT a FROM unnest(audit_anomaly.agencies || EXCLUDED.agencies) a ORDER BY a),
                last_event_at = GREATEST(audit_anomaly.last_event_at, EXCLUDED.last_event_at)
            """;
    /** Per-event flags add up across batches; window counts are recounted in full each time. */
    private static final String UPSERT_ADD = UPSERT.formatted("audit_anomaly.event_count + EXCLUDED.event_count");
    private static final String UPSERT_MAX = UPSERT.formatted("GREATEST(audit_anomaly.event_count, EXCLUDED.event_count)");
    private static final String COUNT_READS = """
            SELECT count(DISTINCT child_id) AS n FROM audit_event
            WHERE actor_subject = $1 AND recorded_at >= $2 AND recorded_at < $3 AND decision = 'PERMIT' AND child_id IS NOT NULL
            """;
    private static final String COUNT_DENIALS = """
            SELECT count(*) AS n FROM audit_event
            WHERE actor_subject = $1 AND recorded_at >= $2 AND recorded_at < $3 AND decision = 'DENY'
            """;

    private final Pool pool;
    private final AuditConfig.Anomaly config;
    private final AnomalyRules rules;

    AnomalyDetector(Pool pool, AuditConfig config) {
        this.pool = pool;
        this.config = config.anomaly();
        this.rules = new AnomalyRules(this.config.zone(), this.config.workingDayStart(), this.config.workingDayEnd(),
                this.config.workingDays());
    }

    @Scheduled(identity = "audit-anomalies", every = "${gateway.audit.anomaly.interval:30s}",
            // delayUnit defaults to minutes: without it the first scan came five minutes after start.
            delay = 5, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return detect(false).replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("Anomaly detection failed (%s); retried next interval", e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Reads every sealed event after the cursor; {@code wait} waits for another detector to finish. */
    public Uni<Integer> detect(boolean wait) {
        return batch(wait).chain(n -> n == BATCH ? detect(wait).map(more -> more + n) : Uni.createFrom().item(n));
    }

    private Uni<Integer> batch(boolean wait) {
        return pool.withTransaction(tx -> tx.preparedQuery(wait ? "SELECT true AS locked FROM pg_advisory_xact_lock($1)"
                        : "SELECT pg_try_advisory_xact_lock($1) AS locked").execute(Tuple.of(LOCK))
                .chain(rows -> !rows.iterator().next().getBoolean("locked") ? Uni.createFrom().item(0)
                        : tx.query("SELECT last_seq FROM audit_anomaly_cursor WHERE id = 1").execute()
                                .chain(cursor -> scan(tx, cursor.iterator().next().getLong("last_seq")))));
    }

    private Uni<Integer> scan(SqlClient tx, long after) {
        return tx.preparedQuery(NEXT_EVENTS).execute(Tuple.of(after, BATCH)).chain(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().item(0);
            }
            List<AuditEntry> events = new ArrayList<>(rows.size());
            long last = after;
            for (Row row : rows) {
                events.add(EventRows.read(row));
                last = row.getLong("seq");
            }
            long lastSeq = last;
            return involved(tx, rules.perEvent(events)).chain(flags -> upsert(tx, UPSERT_ADD, flags))
                    .chain(() -> windows(tx, rules.windows(events)))
                    .chain(() -> tx.preparedQuery("UPDATE audit_anomaly_cursor SET last_seq = $1 WHERE id = 1")
                            .execute(Tuple.of(lastSeq)))
                    .map(ignored -> events.size());
        });
    }

    /**
     * An attempt without a relationship on a child other agencies are involved with concerns them too:
     * their DPOs see the flag (an outsider tried to reach records they hold). A child nobody knows, or a
     * random id, adds nobody, so the flag tells no agency more than it already knew.
     */
    private static Uni<List<AnomalyRules.Flag>> involved(SqlClient tx, List<AnomalyRules.Flag> flags) {
        UUID[] children = flags.stream().filter(f -> f.kind().equals("NO_RELATIONSHIP") && f.childId() != null)
                .map(AnomalyRules.Flag::childId).distinct().toArray(UUID[]::new);
        if (children.length == 0) {
            return Uni.createFrom().item(flags);
        }
        return tx.preparedQuery("SELECT child_id, array_agg(DISTINCT agency_id) AS agencies FROM relationship"
                        + " WHERE child_id = ANY($1) GROUP BY child_id").execute(Tuple.of(children))
                .map(rows -> {
                    java.util.Map<UUID, List<String>> byChild = new java.util.HashMap<>();
                    for (Row r : rows) {
                        byChild.put(r.getUUID("child_id"), List.of(r.getArrayOfStrings("agencies")));
                    }
                    List<AnomalyRules.Flag> out = new ArrayList<>(flags.size());
                    for (AnomalyRules.Flag f : flags) {
                        List<String> more = f.kind().equals("NO_RELATIONSHIP") ? byChild.get(f.childId()) : null;
                        out.add(more == null ? f : f.concerning(more));
                    }
                    return out;
                });
    }

    private Uni<Void> windows(SqlClient tx, List<AnomalyRules.Window> windows) {
        return Multi.createFrom().iterable(windows)
                .onItem().transformToUniAndConcatenate(w -> {
                    boolean reads = w.kind().equals("BULK_READS");
                    Instant end = w.start().plus(Duration.ofHours(1));
                    return tx.preparedQuery(reads ? COUNT_READS : COUNT_DENIALS)
                            .execute(Tuple.of(w.subject(), w.start().atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC)))
                            .map(rows -> {
                                long n = rows.iterator().next().getLong("n");
                                boolean flagged = reads ? n > config.bulkReadThreshold() : n >= config.repeatedDenialThreshold();
                                return flagged ? new AnomalyRules.Flag(w.kind(), w.kind() + "|" + w.subject() + "|" + w.start(),
                                        w.agency(), w.subject(), null, w.start(), end, (int) n, w.firstEventId(), w.lastEventAt(),
                                        reads ? "One user read " + n + " different children's records within an hour"
                                                : "One user was refused " + n + " times within an hour") : null;
                            });
                })
                .filter(flag -> flag != null)
                .collect().asList()
                .chain(flags -> upsert(tx, UPSERT_MAX, flags));
    }

    private static Uni<Void> upsert(SqlClient tx, String sql, List<AnomalyRules.Flag> flags) {
        if (flags.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> tuples = new ArrayList<>(flags.size());
        for (AnomalyRules.Flag f : flags) {
            tuples.add(Tuple.from(new Object[] {UUID.randomUUID(), f.kind(), f.dedupeKey(), f.agency(), f.subject(),
                    f.childId(), f.windowStart().atOffset(ZoneOffset.UTC), f.windowEnd().atOffset(ZoneOffset.UTC), f.count(),
                    f.firstEventId(), f.lastEventAt().atOffset(ZoneOffset.UTC), f.summary(),
                    f.agencies().toArray(new String[0])}));
        }
        return tx.preparedQuery(sql).executeBatch(tuples).replaceWithVoid();
    }
}
