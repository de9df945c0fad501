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
 * covered by a valid signed checkpoint ({@link NewestCheckpoint}) has waited, 0 when every entry is
 * covered; measured from the earlier of its sealed_at and when this replica first saw it uncovered. So it rises only when
 * there is something to sign and nothing signs it (no key, a stuck checkpointer, a refused broken
 * chain), not merely because no request came. Every replica reads it from the database every few
 * seconds (two primary-key lookups), so each reports the same value whichever replica signs; a
 * failed read keeps the last answer, which keeps ageing.
 */
@ApplicationScoped
public class CheckpointAge {

    static final Duration REFRESH = Duration.ofSeconds(5);
    private static final String SEALED_AT = "SELECT sealed_at FROM audit_chain WHERE seq = $1";

    private final Pool pool;
    private final Vertx vertx;
    private final CheckpointSigner signer;
    private volatile Instant oldestUncovered;
    /** The first entry not covered by a valid checkpoint, and when this replica first saw it so (its own clock). */
    private volatile long seenSeq = -1;
    private volatile Instant seenAt;
    private volatile long timer = -1;

    /** Quarkus builds it; public for tests that run a chain outside Quarkus (ScratchChain). */
    public CheckpointAge(Pool pool, Vertx vertx, MeterRegistry metrics, CheckpointSigner signer) {
        this.signer = signer;
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
        return NewestCheckpoint.read(pool, signer.trustedKeys()).chain(newest -> {
            long seq = newest.coveredTo() + 1;
            return pool.preparedQuery(SEALED_AT).execute(io.vertx.mutiny.sqlclient.Tuple.of(seq)).invoke(rows -> {
                var it = rows.iterator();
                Instant sealedAt = it.hasNext() ? it.next().getOffsetDateTime("sealed_at").toInstant() : null;
                oldestUncovered = oldest(seq, sealedAt, newest.valid());
            });
        }).replaceWithVoid();
    }

    /**
     * The earlier of the entry's sealed_at and when this replica first saw it uncovered: a sealed_at moved
     * into the future must not hold the gauge at 0. An invalid newest row counts as uncovered even when
     * the chain has no entry after the row before it.
     */
    private Instant oldest(long seq, Instant sealedAt, boolean valid) {
        if (sealedAt == null && valid) {
            seenSeq = -1;
            return null;
        }
        Instant now = Instant.now();
        if (seenSeq != seq) {
            seenSeq = seq;
            seenAt = now;
        }
        return sealedAt != null && sealedAt.isBefore(seenAt) ? sealedAt : seenAt;
    }

    private void refresh() {
        refreshNow().subscribe().with(ok -> { }, failure -> { });
    }
}
