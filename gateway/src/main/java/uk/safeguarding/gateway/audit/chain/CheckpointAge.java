package uk.safeguarding.gateway.audit.chain;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;

/**
 * The gauge {@code gateway.audit.checkpoint.age.seconds}: how long the oldest sealed entry not yet
 * covered by a signed checkpoint has waited, 0 when every entry is covered. So it rises only when
 * there is something to sign and nothing signs it (no key, a stuck checkpointer, a refused broken
 * chain), not merely because no request came. Every replica reads it from the database every few
 * seconds (two primary-key lookups), so each reports the same value whichever replica signs; a
 * failed read keeps the last answer, which keeps ageing.
 */
@ApplicationScoped
public class CheckpointAge {

    static final Duration REFRESH = Duration.ofSeconds(5);
    private static final String OLDEST_UNCOVERED = """
            SELECT sealed_at FROM audit_chain
            WHERE seq = (SELECT coalesce(max(last_seq), 0) + 1 FROM audit_checkpoint)""";

    private final Pool pool;
    private final Vertx vertx;
    private volatile Instant oldestUncovered;
    private volatile long timer = -1;

    CheckpointAge(Pool pool, Vertx vertx, MeterRegistry metrics) {
        this.pool = pool;
        this.vertx = vertx;
        Gauge.builder("gateway.audit.checkpoint.age.seconds", this, CheckpointAge::seconds)
                .description("Seconds the oldest sealed audit entry not covered by a signed checkpoint has waited (0: all covered)")
                .register(metrics);
    }

    void start(@Observes StartupEvent event) {
        refresh();
        timer = vertx.setPeriodic(REFRESH.toMillis(), id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    double seconds() {
        Instant oldest = oldestUncovered;
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, Instant.now()).toMillis() / 1000.0);
    }

    /** Reads the database now; the gauge answers from the result until the next read. */
    public io.smallrye.mutiny.Uni<Void> refreshNow() {
        return pool.query(OLDEST_UNCOVERED).execute().invoke(rows -> {
            var it = rows.iterator();
            oldestUncovered = it.hasNext() ? it.next().getOffsetDateTime("sealed_at").toInstant() : null;
        }).replaceWithVoid();
    }

    private void refresh() {
        refreshNow().subscribe().with(ok -> { }, failure -> { });
    }
}
