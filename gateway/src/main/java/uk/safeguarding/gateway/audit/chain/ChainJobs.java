package uk.safeguarding.gateway.audit.chain;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.audit.AuditConfig;

/**
 * The background tick: seal what is pending, then sign a checkpoint if one is due. A Vert.x timer,
 * not quarkus-scheduler, because the scheduler cannot run more often than once a second and the
 * chain should trail the requests by a few hundred milliseconds. Every replica runs it; the
 * advisory lock lets one work and the others skip that tick, so a replica dying never stops the
 * chain. Non-blocking, and a tick never overlaps the previous one.
 */
@ApplicationScoped
public class ChainJobs {

    private static final Logger LOG = Logger.getLogger(ChainJobs.class);
    private static final long LOG_FAILURES_EVERY_MILLIS = 60_000;

    private final AuditSealer sealer;
    private final AuditCheckpointer checkpointer;
    private final AuditConfig config;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long timer = -1;
    private volatile long lastFailureLogged;

    ChainJobs(AuditSealer sealer, AuditCheckpointer checkpointer, AuditConfig config, Vertx vertx) {
        this.sealer = sealer;
        this.checkpointer = checkpointer;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        if (config.sealer().enabled()) {
            timer = vertx.setPeriodic(config.sealer().interval().toMillis(), id -> tick());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void tick() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        sealer.sealAvailable(false)
                .chain(() -> checkpointer.checkpointIfDue(false))
                .onFailure().invoke(this::logThrottled)
                .onFailure().recoverWithNull()
                .eventually(() -> running.set(false))
                .subscribe().with(ignored -> { }, failure -> running.set(false));
    }

    /** A database outage would otherwise log every tick; the pending queue keeps the work meanwhile. */
    private void logThrottled(Throwable failure) {
        long now = System.currentTimeMillis();
        if (now - lastFailureLogged >= LOG_FAILURES_EVERY_MILLIS) {
            lastFailureLogged = now;
            LOG.warnf("Audit sealing failed (%s); pending events stay queued and are sealed on a later tick",
                    failure.toString());
        }
    }
}
