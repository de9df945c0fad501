package uk.safeguarding.gateway.operations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The meters operators alert on (docs/OPERATIONS.md, Metrics). The gauges that describe the shared
 * database are refreshed by one query every {@code gateway.operations.gauge-refresh} per replica and
 * served from memory, so a scrape never reaches the database however often Prometheus asks; every
 * replica reports the same values, and the alert rules take their maximum.
 */
@Startup
@ApplicationScoped
public class BusinessMeters {

    private static final Logger LOG = Logger.getLogger(BusinessMeters.class);
    /** Every count is served by a partial index (PENDING: alert_due_by_agency; DEAD: alert_dead) or a small queue. */
    static final String QUERY = """
            SELECT (SELECT count(*) FROM alert WHERE status = 'PENDING') AS pending,
                   (SELECT min(created_at) FROM alert WHERE status = 'PENDING') AS oldest_pending,
                   (SELECT count(*) FROM alert WHERE status = 'DEAD') AS dead,
                   (SELECT count(*) FROM audit_pending) AS unsealed
            """;
    private static final Pattern CODE = Pattern.compile("[A-Z0-9_]{1,64}");

    /** The database's answer at the last refresh; NaN until the first. */
    private record Snapshot(double pending, Instant oldestPending, double dead, double unsealed) {
        static final Snapshot UNKNOWN = new Snapshot(Double.NaN, null, Double.NaN, Double.NaN);
    }

    private final Pool pool;
    private final MeterRegistry registry;
    private final Counter escalations;
    private final Counter rateLimited;
    private final Map<String, Counter> denials = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot = Snapshot.UNKNOWN;

    BusinessMeters(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        this.registry = registry;
        Gauge.builder("gateway.alerts.pending", this, m -> m.snapshot.pending())
                .description("Alerts queued and not yet delivered (refreshed every gauge-refresh)").register(registry);
        Gauge.builder("gateway.alerts.oldest.pending.age.seconds", this, BusinessMeters::oldestPendingAge)
                .description("Age of the oldest undelivered alert; 0 when none is pending").register(registry);
        Gauge.builder("gateway.dead.letters", this, m -> m.snapshot.dead())
                .description("Alerts given up on and not yet resolved (status DEAD)").register(registry);
        Gauge.builder("gateway.audit.seal.lag.events", this, m -> m.snapshot.unsealed())
                .description("Audit events written but not yet sealed into the chain").register(registry);
        escalations = Counter.builder("gateway.escalations")
                .description("Alerts escalated because their acknowledgement deadline passed").register(registry);
        rateLimited = Counter.builder("gateway.http.rate.limited")
                .description("Requests refused with 429 (per-client limits)").register(registry);
    }

    @Scheduled(every = "${gateway.operations.gauge-refresh:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // Stale values are kept: readiness already says when the database is unreachable.
            LOG.debugf("Business gauges not refreshed: %s", e.toString());
        }
    }

    /** Reads the database's figures now (the scheduled job does this; tests call it to skip the wait). */
    public void refresh() {
        Row row = pool.query(QUERY).execute().await().atMost(Duration.ofSeconds(10)).iterator().next();
        OffsetDateTime oldest = row.getOffsetDateTime("oldest_pending");
        snapshot = new Snapshot(row.getLong("pending"), oldest == null ? null : oldest.toInstant(),
                row.getLong("dead"), row.getLong("unsealed"));
    }

    private double oldestPendingAge() {
        Snapshot s = snapshot;
        if (Double.isNaN(s.pending())) {
            return Double.NaN;
        }
        // Computed at scrape time, so the age keeps growing between refreshes while the alert waits.
        return s.oldestPending() == null ? 0 : Math.max(0, Duration.between(s.oldestPending(), Instant.now()).toMillis() / 1000.0);
    }

    /** Alerts just escalated (after their transaction committed). */
    public void escalated(int count) {
        if (count > 0) {
            escalations.increment(count);
        }
    }

    /** A request answered 429. */
    public void rateLimited() {
        rateLimited.increment();
    }

    /** A request refused by the policy or an access check, by its stable code (the audit record's denial code). */
    public void denied(String code) {
        String tag = code != null && CODE.matcher(code).matches() ? code : "UNSPECIFIED";
        denials.computeIfAbsent(tag, c -> Counter.builder("gateway.denials").tag("code", c)
                .description("Requests refused by the policy or an access check, by denial code").register(registry)).increment();
    }
}
