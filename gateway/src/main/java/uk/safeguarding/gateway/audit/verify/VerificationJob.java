package uk.safeguarding.gateway.audit.verify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.audit.AuditConfig;
import uk.safeguarding.gateway.audit.chain.CheckpointSigner;

/**
 * Verifies the chain as it grows (docs/AUDIT.md, "Incremental and full verification"). Every replica
 * runs the schedule; each batch locks the one state row (FOR UPDATE SKIP LOCKED), continues the chain
 * from the hash stored there and moves the position on, so replicas share the work and never repeat
 * it. A batch holds one pooled JDBC connection for at most {@code batch-size} entries, not for a
 * whole pass. A full pass (POST or daily) reads the whole trail in one snapshot, which takes as long
 * as the trail is big: it runs on a connection of its own, opened for it and closed after, never on
 * the two-connection pool, and at most once per {@code full-pass-min-interval} across the partnership.
 */
@ApplicationScoped
@Startup // so the gauges exist from the start, not from the first tick
public class VerificationJob {

    private static final Logger LOG = Logger.getLogger(VerificationJob.class);

    /** A full pass asked for too soon after the last one. */
    public static final class TooSoon extends Exception {
        private final long retryAfterSeconds;

        TooSoon(long retryAfterSeconds) {
            super("a full verification ran recently", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** What one incremental run did: entries verified, problems found, batches another replica held. */
    public record Run(long entries, long problems, int batches, boolean busy) {
    }

    private final DataSource dataSource;
    private final CheckpointSigner signer;
    private final AuditConfig.Verification config;
    private final String jdbcUrl;
    private final String user;
    private final Optional<String> password;
    private final AtomicLong verifiedSeq = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();
    private final Counter failures;
    private final Counter tampered;
    /** This replica's own memory of its last completed full pass (since start if none): the state row can be rewritten. */
    private volatile long fullPassNanos = System.nanoTime();

    VerificationJob(DataSource dataSource, CheckpointSigner signer, AuditConfig config, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.dataSource = dataSource;
        this.signer = signer;
        this.config = config.verification();
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        Gauge.builder("gateway.audit.verified.sequence", verifiedSeq, AtomicLong::get)
                .description("Last audit chain entry the scheduled verifier has checked").register(registry);
        Gauge.builder("gateway.audit.verification.lag.events", lag, AtomicLong::get)
                .description("Sealed audit chain entries not yet verified").register(registry);
        failures = Counter.builder("gateway.audit.verification.failures")
                .description("Verification runs (incremental batches and full passes) that found problems").register(registry);
        tampered = Counter.builder("gateway.audit.verification.state.tampered")
                .description("Full-pass claims that found the stored start of the last full pass in the future").register(registry);
        Gauge.builder("gateway.audit.full.pass.age.seconds", this, job -> (System.nanoTime() - job.fullPassNanos) / 1e9)
                .description("Seconds since this replica last completed a full verification pass (since start if none)")
                .register(registry);
    }

    @Scheduled(identity = "audit-verification", every = "${gateway.audit.verification.interval:30s}",
            delay = 10, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!config.enabled()) {
            return;
        }
        try {
            incremental();
            fullPass(config.fullPassInterval(), () -> { });
        } catch (TooSoon notDue) {
            // The daily pass ran within the day, here or on another replica.
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Audit verification failed (%s); retried next interval", e.toString());
        }
    }

    /** Verifies every entry sealed since the last run, batch by batch, then refreshes the gauges. */
    public Run incremental() throws SQLException {
        long entries = 0;
        long problems = 0;
        int batches = 0;
        while (true) {
            Batch batch = batch();
            if (batch == null) {
                refreshGauges();
                return new Run(entries, problems, batches, true);
            }
            batches++;
            entries += batch.entries;
            problems += batch.problems;
            if (batch.caughtUp || batch.entries == 0) {
                // No entry read yet not caught up: entries vanished under the batch; the next run retries.
                return new Run(entries, problems, batches, false);
            }
        }
    }

    private record Batch(long entries, long problems, boolean caughtUp) {
    }

    private Batch batch() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                VerificationStore.Position from = VerificationStore.lock(connection);
                if (from == null) {
                    connection.rollback();
                    return null;
                }
                long tip = VerificationStore.tip(connection);
                long to = tip <= from.lastSeq() ? tip : VerificationStore.batchEnd(connection, from.lastSeq(), config.batchSize(), tip);
                VerificationReport report;
                List<Finding> found;
                if (tip < from.lastSeq()) {
                    // Entries already verified are gone: only a deletion at the end of the chain looks like this.
                    report = null;
                    found = List.of(new Finding(Finding.Kind.DELETED, tip + 1, from.lastSeq(), null, "the chain ends at entry "
                            + tip + " but entries up to " + from.lastSeq() + " were verified (the end of the chain was deleted)"));
                } else {
                    report = JdbcAuditSource.verifyAfter(connection, signer.trustedKeys(), from.lastSeq(), from.lastHash(),
                            from.checkpointSeq(), to);
                    found = report.problems();
                }
                long fresh = report == null ? found.stream().filter(f -> !from.findings().contains(f)).count()
                        : report.problemCount() - found.stream().filter(from.findings()::contains).count();
                long toSeq = report == null ? from.lastSeq() : report.lastSeq();
                byte[] toHash = report == null ? from.lastHash() : HexFormat.of().parseHex(report.lastHash());
                long checkpointSeq = report == null || report.lastCheckpoint() == null ? from.checkpointSeq()
                        : Math.max(from.checkpointSeq(), report.lastCheckpoint().lastSeq());
                VerificationStore.saveIncremental(connection, from, toSeq, toHash, checkpointSeq,
                        report == null ? 0 : report.entriesChecked(), fresh, found);
                connection.commit();
                if (!found.isEmpty()) {
                    failures.increment();
                    LOG.errorf("Audit verification found %d problem(s) in entries %d..%d; the first: %s at %s", found.size(),
                            from.lastSeq() + 1, to, found.get(0).kind(), found.get(0).seq());
                }
                verifiedSeq.set(toSeq);
                lag.set(Math.max(0, tip - toSeq));
                return new Batch(report == null ? 0 : report.entriesChecked(), found.size(), toSeq >= tip);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** The gauges from the shared state, for a replica whose turn it was not. */
    private void refreshGauges() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            VerificationStatus status = VerificationStore.status(connection);
            verifiedSeq.set(status.verifiedSeq());
            lag.set(status.lagEvents());
        }
    }

    /** The state as the last runs left it (no verification). */
    public VerificationStatus status() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return VerificationStore.status(connection);
        }
    }

    /**
     * A full pass, if none started within {@code minInterval} on any replica; records its findings as
     * the open ones and moves the position forward to where it ended. {@code first} runs once the pass
     * is granted (the API seals what is queued, so the report covers events up to the request).
     */
    public VerificationReport fullPass(Duration minInterval, Runnable first) throws SQLException, TooSoon {
        try (Connection connection = dataSource.getConnection()) {
            long retryAfter = VerificationStore.claimFullPass(connection, minInterval);
            if (retryAfter > 0) {
                throw new TooSoon(retryAfter);
            }
            if (retryAfter == VerificationStore.CLAIMED_OVER_FUTURE_START) {
                // Only a rewrite of the state row puts it there; left alone it would skip every daily pass, silently.
                tampered.increment();
                LOG.error("audit_verification.full_started_at was in the future: the verification state was tampered "
                        + "with; running the full pass anyway. Run bin/audit-verify --witness (docs/AUDIT.md)");
            }
        }
        first.run();
        VerificationReport report;
        try (Connection own = ownConnection()) {
            report = JdbcAuditSource.verify(own, signer.trustedKeys());
        }
        try (Connection connection = dataSource.getConnection()) {
            VerificationStore.saveFull(connection, report);
        }
        fullPassNanos = System.nanoTime();
        if (!report.intact()) {
            failures.increment();
            LOG.errorf("Full audit verification found %d problem(s); the first: %s at %s", report.problemCount(),
                    report.firstProblem().kind(), report.firstProblem().seq());
        }
        refreshGauges();
        return report;
    }

    /** Outside the pool, so a long pass never starves Flyway or the incremental batches of the pool's two. */
    private Connection ownConnection() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password.orElse(""));
        props.setProperty("ApplicationName", "gateway-audit-full-verification");
        return DriverManager.getConnection(jdbcUrl, props);
    }
}
