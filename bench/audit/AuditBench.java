import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.chain.AuditCheckpointer;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.audit.chain.CheckpointSigner;
import uk.safeguarding.gateway.audit.chain.SigningKeys;
import uk.safeguarding.gateway.audit.verify.JdbcAuditSource;
import uk.safeguarding.gateway.audit.verify.VerificationReport;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * Chained vs unchained audit writes at 16 concurrent clients, and verification speed; see
 * bench/audit/README.md. One embedded PostgreSQL 17 (fsync on), two databases with the same schema:
 * "chained" writes through AuditTrail.record (event + queue row) with the real sealer and
 * checkpointer running every 150 ms, "unchained" runs the same event INSERT alone. Runs alternate
 * (U C U C U C) so table growth and cache warmth hit both alike.
 */
public class AuditBench {

    static final int CLIENTS = Integer.getInteger("clients", 16);
    static final int RUNS = Integer.getInteger("runs", 5);
    static final Duration RUN = Duration.ofSeconds(Long.getLong("seconds", 15));
    static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("warmupSeconds", 5));
    static final int VERIFY_EVENTS = Integer.getInteger("verifyEvents", 1_000_000);
    static final int VERIFY_RUNS = Integer.getInteger("verifyRuns", 3);
    static final int VERIFY_WARMUPS = Integer.getInteger("verifyWarmups", 1);

    public static void main(String[] args) throws Exception {
        // The gateway logs at INFO. Left unset here, JUL's root logger is jboss-logmanager's, at ALL, with
        // Quarkus's delayed handler queuing every record: pgjdbc's FINEST line for each getString/getBytes
        // then cost more than the decoding itself (JFR, 2026-12-06), in this benchmark only.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        Path results = Path.of(args.length > 0 ? args[0] : "bench/audit/results");
        Files.createDirectories(results);
        Path data = Files.createTempDirectory("audit-bench-pg");
        String loadAtStart = Files.readString(Path.of("/proc/loadavg")).trim();
        long started = System.nanoTime();
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data.resolve("data"), 0)) {
            try (Connection c = dataSource(db, "postgres").getConnection(); Statement s = c.createStatement();
                    var rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                postmaster = Long.parseLong(statFields(Files.readString(Path.of("/proc/" + rs.getLong(1) + "/stat")))[1]);
            }
            createDatabase(db, "chained");
            createDatabase(db, "unchained");

            Vertx vertx = Vertx.vertx();
            Pool chainedPool = pool(vertx, db, "chained");
            Pool unchainedPool = pool(vertx, db, "unchained");
            AuditTrail trail = new AuditTrail(chainedPool);
            AuditSealer sealer = new AuditSealer(chainedPool, 2000);
            CheckpointSigner signer = new CheckpointSigner(SigningKeys.generate());
            AuditCheckpointer checkpointer = new AuditCheckpointer(chainedPool, signer, 1000, Duration.ofSeconds(30), 10_000);

            System.out.println("warm-up " + WARM_UP.toSeconds() + " s each");
            run("unchained", unchainedPool, null, null, WARM_UP, vertx);
            run("chained", chainedPool, trail, new Chain(sealer, checkpointer), WARM_UP, vertx);

            List<Result> unchained = new ArrayList<>();
            List<Result> chained = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                unchained.add(run("unchained", unchainedPool, null, null, RUN, vertx));
                chained.add(run("chained", chainedPool, trail, new Chain(sealer, checkpointer), RUN, vertx));
            }

            System.out.printf("bulk-loading the chained database to %,d events for the verification runs%n", VERIFY_EVENTS);
            Drain drain = bulkLoad(sealer, checkpointer, db);
            // One unmeasured pass first: the JIT, and the hint bits the first read after a bulk load
            // writes to every page (a chain a DPO verifies has been read before); measured 64k events/s
            // on that first pass against 119-137k on the next two (run 20261130T042513Z).
            for (int i = 0; i < VERIFY_WARMUPS; i++) {
                Verification w = verifyOnce(db, signer);
                System.out.printf(Locale.ROOT, "verify warm-up %d (not counted): %,d events/s%n", i + 1, w.report().eventsPerSecond());
            }
            List<Verification> verifications = new ArrayList<>();
            for (int i = 0; i < VERIFY_RUNS; i++) {
                Verification v = verifyOnce(db, signer);
                verifications.add(v);
                System.out.printf(Locale.ROOT, "verify %d: %,d entries in %,d ms = %,d events/s (CPU: verifier %.2f s, PostgreSQL %.2f s)%n",
                        i + 1, v.report().entriesChecked(), v.report().elapsedMillis(), v.report().eventsPerSecond(),
                        v.javaCpuSeconds(), v.postgresCpuSeconds());
            }
            chainedPool.close().await().indefinitely();
            unchainedPool.close().await().indefinitely();
            vertx.close().await().indefinitely();
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            String report = Report.markdown(unchained, chained, drain, verifications, Duration.ofNanos(System.nanoTime() - started),
                    loadAtStart, load);
            Files.writeString(results.resolve("latest.md"), report);
            Files.writeString(results.resolve("latest.csv"), Report.csv(unchained, chained, verifications));
            System.out.println();
            System.out.println(report);
        } finally {
            deleteTree(data);
        }
    }

    /** The sealer and checkpointer, on the same 150 ms tick as the gateway's ChainJobs. */
    record Chain(AuditSealer sealer, AuditCheckpointer checkpointer) {
    }

    record Result(String mode, long transactions, double seconds, long maxPending, long drainMillis, double postgresCpu,
            double jvmCpu) {
        double perSecond() {
            return transactions / seconds;
        }

        /** CPU microseconds per committed transaction: what the mode costs, whatever the neighbours do. */
        double postgresUsPerTx() {
            return postgresCpu * 1e6 / transactions;
        }

        double jvmUsPerTx() {
            return jvmCpu * 1e6 / transactions;
        }
    }

    static long postmaster;

    /** CPU seconds of the whole PostgreSQL server: live processes plus the reaped children's totals. */
    static double postgresCpu() throws IOException {
        double total = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String[] f = statFields(Files.readString(proc.resolve("stat")));
                    long pid = Long.parseLong(proc.getFileName().toString());
                    if (pid == postmaster) {
                        total += (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
                    } else if (Long.parseLong(f[1]) == postmaster) {
                        total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
                    }
                } catch (IOException | RuntimeException gone) {
                    // The process ended meanwhile; its time is in the postmaster's children totals.
                }
            }
        }
        return total;
    }

    /** Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime. */
    static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    static double jvmCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    static Result run(String mode, Pool pool, AuditTrail trail, Chain chain, Duration duration, Vertx vertx)
            throws InterruptedException, IOException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong maxPending = new AtomicLong();
        AtomicBoolean ticking = new AtomicBoolean();
        long timer = chain == null ? -1 : vertx.setPeriodic(150, id -> {
            if (ticking.compareAndSet(false, true)) {
                chain.sealer().sealAvailable(false).chain(() -> chain.checkpointer().checkpointIfDue(false))
                        .eventually(() -> ticking.set(false)).subscribe().with(x -> { }, Throwable::printStackTrace);
            }
        });
        long sampler = chain == null ? -1 : vertx.setPeriodic(100, id -> pool.query("SELECT count(*) AS n FROM audit_pending")
                .execute().subscribe().with(rows -> maxPending.accumulateAndGet(rows.iterator().next().getLong("n"), Math::max),
                        e -> { }));
        CountDownLatch clients = new CountDownLatch(CLIENTS);
        double pgBefore = postgresCpu();
        double jvmBefore = jvmCpu();
        long begin = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            loop(pool, trail, stop, done, clients);
        }
        Thread.sleep(duration.toMillis());
        stop.set(true);
        clients.await();
        double seconds = (System.nanoTime() - begin) / 1e9;
        long drainMillis = 0;
        if (chain != null) {
            vertx.cancelTimer(sampler);
            long drainStart = System.nanoTime();
            while (pending(pool) > 0) {
                Thread.sleep(20);
            }
            drainMillis = (System.nanoTime() - drainStart) / 1_000_000;
            vertx.cancelTimer(timer);
            while (ticking.get()) {
                Thread.sleep(10);
            }
        }
        // CPU includes the drain: sealing the run's events is part of what the chained mode costs.
        Result result = new Result(mode, done.get(), seconds, maxPending.get(), drainMillis, postgresCpu() - pgBefore,
                jvmCpu() - jvmBefore);
        System.out.printf(Locale.ROOT, "%-9s %8.0f tx/s  (%,d in %.1f s)  CPU/tx: PostgreSQL %.0f us, JVM %.0f us%s%n", mode,
                result.perSecond(), result.transactions(), seconds, result.postgresUsPerTx(), result.jvmUsPerTx(),
                chain == null ? "" : String.format(Locale.ROOT, "  queue max %,d, drained %d ms after the run",
                        result.maxPending(), drainMillis));
        return result;
    }

    /** One client: a request transaction after another, each with one audit record, until told to stop. */
    static void loop(Pool pool, AuditTrail trail, AtomicBoolean stop, AtomicLong done, CountDownLatch finished) {
        if (stop.get()) {
            finished.countDown();
            return;
        }
        AuditEntry entry = entry();
        Uni<Void> write = pool.withTransaction(tx -> trail != null ? trail.record(tx, entry)
                : tx.preparedQuery(AuditTrail.unchainedInsertForBenchmark()).execute(AuditTrail.tuple(entry)).replaceWithVoid());
        write.subscribe().with(ok -> {
            done.incrementAndGet();
            loop(pool, trail, stop, done, finished);
        }, failure -> {
            failure.printStackTrace();
            finished.countDown();
        });
    }

    /** A typical read by a practitioner: realistic sizes for every column. */
    static AuditEntry entry() {
        return new AuditEntry(UUID.randomUUID(), Instant.now(), UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                "police-met", "USER", "police:met", List.of("practitioner"), "SAFEGUARDING", "GET ChildResource.read", "Child",
                UUID.randomUUID().toString(), UUID.randomUUID(), List.of("identity", "risk", "missing"), "PERMIT",
                List.of("missing-from-care@1.0.0#share-missing-episode"), null, "ukgdpr-9-2-g+dpa-sch1-p18", null, null, 200,
                "10.1.2.3");
    }

    /**
     * Fills the chained database up to VERIFY_EVENTS with one INSERT ... SELECT (events and their queue
     * rows, as AuditTrail writes them), then lets the real sealer and checkpointer drain the backlog.
     */
    static Drain bulkLoad(AuditSealer sealer, AuditCheckpointer checkpointer, EmbeddedDatabase db) throws Exception {
        try (Connection c = dataSource(db, "chained").getConnection(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT count(*) FROM audit_event");
            rs.next();
            long missing = VERIFY_EVENTS - rs.getLong(1);
            if (missing > 0) {
                s.execute("""
                        WITH e AS (
                            INSERT INTO audit_event (id, recorded_at, request_id, actor_subject, actor_client, actor_kind,
                                actor_agency, actor_roles, purpose, action, resource_type, resource_id, child_id, categories,
                                decision, reasons, lawful_basis, outcome, source_address)
                            SELECT gen_random_uuid(), clock_timestamp(), gen_random_uuid()::text, gen_random_uuid()::text,
                                'police-met', 'USER', 'police:met', '["practitioner"]', 'SAFEGUARDING', 'GET ChildResource.read',
                                'Child', gen_random_uuid()::text, gen_random_uuid(), '["identity", "risk", "missing"]', 'PERMIT',
                                '["missing-from-care@1.0.0#share-missing-episode"]', 'ukgdpr-9-2-g+dpa-sch1-p18', 200, '10.1.2.3'
                            FROM generate_series(1, %d)
                            RETURNING recorded_at, id)
                        INSERT INTO audit_pending (recorded_at, event_id) SELECT recorded_at, id FROM e""".formatted(missing));
            }
        }
        long start = System.nanoTime();
        int sealed = sealer.sealAvailable(true).await().indefinitely();
        double sealSeconds = (System.nanoTime() - start) / 1e9;
        int signed = checkpointer.checkpointAll().await().indefinitely();
        try (Connection c = dataSource(db, "chained").getConnection(); Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE");
        }
        System.out.printf(Locale.ROOT, "sealer drained a backlog of %,d events in %.1f s (%,.0f events/s); %d checkpoints%n",
                sealed, sealSeconds, sealed / sealSeconds, signed);
        return new Drain(sealed, sealSeconds);
    }

    record Drain(int events, double seconds) {
    }

    /** One verification, timed by the wall clock and by the CPU of the verifying JVM and its PostgreSQL backend. */
    record Verification(VerificationReport report, double javaCpuSeconds, double postgresCpuSeconds) {
    }

    static Verification verifyOnce(EmbeddedDatabase db, CheckpointSigner signer) throws Exception {
        try (Connection connection = dataSource(db, "chained").getConnection()) {
            long backend;
            try (Statement s = connection.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                backend = rs.getLong(1);
            }
            // The whole JVM's CPU, not the calling thread's: the verifier hands decoding and hashing to a
            // second thread. The write benchmark's pools are idle by now, so little else is counted.
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long javaBefore = os.getProcessCpuTime();
            double pgBefore = processCpuSeconds(backend);
            VerificationReport report = JdbcAuditSource.verify(connection, signer.trustedKeys());
            double java = (os.getProcessCpuTime() - javaBefore) / 1e9;
            double pg = processCpuSeconds(backend) - pgBefore;
            if (!report.intact()) {
                throw new IllegalStateException("bench chain does not verify: " + report.firstProblem());
            }
            return new Verification(report, java, pg);
        }
    }

    /** utime + stime of a local process, from /proc (clock ticks of 10 ms on Linux). */
    static double processCpuSeconds(long pid) throws IOException {
        String[] fields = statFields(Files.readString(Path.of("/proc/" + pid + "/stat")));
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    static long pending(Pool pool) {
        return pool.query("SELECT count(*) AS n FROM audit_pending").execute().await().indefinitely()
                .iterator().next().getLong("n");
    }

    static Pool pool(Vertx vertx, EmbeddedDatabase db, String database) {
        PgConnectOptions connect = new PgConnectOptions().setHost("127.0.0.1").setPort(db.port()).setDatabase(database)
                .setUser(EmbeddedDatabase.RUNTIME).setCachePreparedStatements(true);
        // The gateway's default pool size; the sealer and the queue sampler share it with the 16 clients.
        return Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(20)).connectingTo(connect)
                .using(vertx.getDelegate()).build());
    }

    static void createDatabase(EmbeddedDatabase db, String name) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " OWNER " + EmbeddedDatabase.OWNER);
        }
        // As in production: migrated by the owner role, measured through the runtime role (pool above).
        Flyway.configure().dataSource(dataSource(db, name, EmbeddedDatabase.OWNER)).locations("classpath:db/migration").load().migrate();
    }

    static DataSource dataSource(EmbeddedDatabase db, String database) {
        return dataSource(db, database, EmbeddedDatabase.SUPERUSER);
    }

    static DataSource dataSource(EmbeddedDatabase db, String database, String role) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[] {"127.0.0.1"});
        source.setPortNumbers(new int[] {db.port()});
        source.setDatabaseName(database);
        source.setUser(role);
        return source;
    }

    static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
