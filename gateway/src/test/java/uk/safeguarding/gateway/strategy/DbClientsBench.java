package uk.safeguarding.gateway.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.alert.AlertFixtures;
import uk.safeguarding.gateway.alert.AlertRequest;
import uk.safeguarding.gateway.alert.Outbox;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.support.Db;

/**
 * The measurement behind docs/ARCHITECTURE.md "Which client for which path": the same write (a strategy action,
 * its audit row, its alert) through the Vert.x SQL client in one {@code Pool.withTransaction} and through
 * Hibernate Reactive in one {@code Panache.withTransaction} (entity persist + the session forms of the audit and
 * outbox writers), on the tests' embedded PostgreSQL. Not a test (the name does not end in Test, so the normal
 * run skips it): {@code bench/run db-clients}, or {@code -Dtest=DbClientsBench}. Figures go to
 * {@code target/db-clients.properties}.
 */
@QuarkusTest
class DbClientsBench {

    static final int WARMUP = Integer.getInteger("dbClients.warmup", 500);
    static final int OPERATIONS = Integer.getInteger("dbClients.operations", 2000);
    static final int IN_FLIGHT = Integer.getInteger("dbClients.inFlight", 16);
    static final String BENCH_DUTY = "bench@1#db-clients";

    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    AuditTrail audit;
    @Inject
    Outbox outbox;
    @Inject
    ActionRepository actions;

    UUID child;
    UUID discussion;

    @Test
    void compareTheTwoClients() throws Exception {
        child = AlertFixtures.placedChild();
        discussion = UUID.randomUUID();
        Instant now = Instant.now();
        pool.preparedQuery("INSERT INTO strategy_discussion (id, child_id, convener_agency, convened_by_subject, held_at, "
                        + "summary, information_shared, exploitation, created_at) VALUES ($1, $2, 'la:E09000030', 'bench', $3, "
                        + "'bench', '', false, $3)")
                .execute(Tuple.of(discussion, child, now.atOffset(ZoneOffset.UTC))).await().indefinitely();

        Map<String, Object> out = new LinkedHashMap<>();
        // Warm both paths (JIT, prepared statement caches, Hibernate's metamodel) before any measurement.
        sequential(this::viaClient, WARMUP);
        sequential(this::viaSession, WARMUP);
        // Alternate the paths so that drift (autovacuum, the sealer catching up, neighbours) hits both.
        for (int round = 1; round <= 2; round++) {
            measure(out, "client", round, this::viaClient);
            measure(out, "session", round, this::viaSession);
        }
        out.put("hibernate.liveBytes", hibernateHeap()[0]);
        out.put("hibernate.liveObjects", hibernateHeap()[1]);
        out.put("hibernate.loadedClasses", hibernateClasses());
        System.gc();
        out.put("heap.usedAfterGcBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        out.put("operations", OPERATIONS);
        out.put("inFlight", IN_FLIGHT);
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("java", System.getProperty("java.version"));
        StringBuilder text = new StringBuilder();
        out.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(Path.of("target/db-clients.properties"), text);
        System.out.println("db-clients:\n" + text);
        // Every measured write committed its three rows (so both paths did the same work).
        long written = 2L * 2 * (OPERATIONS + OPERATIONS) + 2L * WARMUP;
        assertEquals(written, Db.count("SELECT count(*) FROM strategy_action WHERE discussion_id = ?", discussion));
        assertEquals(written, Db.count("SELECT count(*) FROM alert WHERE duty_ref = ? AND child_id = ?", BENCH_DUTY, child));
        // Its alerts leave the queue, so the dispatcher and the escalator of the tests after it see only their own.
        Db.update("UPDATE alert SET status = 'ACKNOWLEDGED', acknowledged_at = now() WHERE duty_ref = ?", BENCH_DUTY);
    }

    private void measure(Map<String, Object> out, String path, int round, Supplier<Uni<Void>> op) throws Exception {
        long allocatedBefore = allocatedBytes();
        long[] seq = sequential(op, OPERATIONS);
        long allocated = allocatedBytes() - allocatedBefore;
        long started = System.nanoTime();
        long[] conc = concurrent(op, OPERATIONS, IN_FLIGHT);
        double seconds = (System.nanoTime() - started) / 1e9;
        String p = path + "." + round + ".";
        out.put(p + "sequential.p50Us", percentile(seq, 50));
        out.put(p + "sequential.p99Us", percentile(seq, 99));
        out.put(p + "allocatedBytesPerOp", allocated / OPERATIONS);
        out.put(p + "concurrent.p50Us", percentile(conc, 50));
        out.put(p + "concurrent.p99Us", percentile(conc, 99));
        out.put(p + "concurrent.opsPerS", Math.round(OPERATIONS / seconds));
    }

    /** Action, audit row, alert: hand-written INSERT and the client forms of the writers, one transaction. */
    Uni<Void> viaClient() {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO strategy_action (id, discussion_id, child_id, "
                        + "owner_agency, description, due_on, status, created_at, updated_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, 'OPEN', $7, $7)")
                .execute(Tuple.from(new Object[] {id, discussion, child, "police:met", "Map the friendship group",
                        LocalDate.now().plusDays(14), now.atOffset(ZoneOffset.UTC)}))
                .chain(() -> audit.record(tx, entry(id)))
                .chain(() -> outbox.enqueue(tx, alert(id)))
                .replaceWithVoid());
    }

    /** The same three rows: the entity persisted and flushed, the session forms of the writers, one transaction. */
    Uni<Void> viaSession() {
        StrategyAction a = new StrategyAction();
        a.id = UUID.randomUUID();
        a.discussionId = discussion;
        a.childId = child;
        a.ownerAgency = "police:met";
        a.description = "Map the friendship group";
        a.dueOn = LocalDate.now().plusDays(14);
        a.status = StrategyAction.OPEN;
        a.createdAt = Instant.now();
        a.updatedAt = a.createdAt;
        return Panache.withTransaction(() -> actions.persistAndFlush(a).chain(() -> Panache.getSession())
                .chain(s -> audit.record(s, entry(a.id)).chain(() -> outbox.enqueue(s, alert(a.id)))))
                .replaceWithVoid();
    }

    private AuditEntry entry(UUID action) {
        return new AuditEntry(UUID.randomUUID(), Instant.now(), "bench-" + action, "sw-1", null, "USER", "la:E09000030",
                List.of("practitioner"), "SAFEGUARDING", "strategy.action", "strategy-action", action.toString(), child,
                List.of("missing"), "PERMIT", List.of("rule-a"), null, "ukgdpr-6-1-e", null, null, 201, "10.0.0.1",
                List.of("police:met"));
    }

    private AlertRequest alert(UUID action) {
        // No escalation target and a far deadline: the tests that share this database never see them escalate.
        return new AlertRequest("police:met", Strategy.INVITED, child, "strategy-action", action.toString(),
                Map.of("actionId", action.toString()), List.of("missing"), BENCH_DUTY, Instant.now().plusSeconds(3_650L * 86_400),
                null);
    }

    /** One at a time, each on a fresh duplicated Vert.x context (as a request runs); latencies in microseconds. */
    private long[] sequential(Supplier<Uni<Void>> op, int n) throws Exception {
        long[] latencies = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            onVertx(op).get(30, TimeUnit.SECONDS);
            latencies[i] = (System.nanoTime() - t) / 1_000;
        }
        return latencies;
    }

    /** {@code inFlight} at a time until {@code n} are done; latencies in microseconds. */
    private long[] concurrent(Supplier<Uni<Void>> op, int n, int inFlight) throws Exception {
        long[] latencies = new long[n];
        AtomicInteger next = new AtomicInteger();
        CompletableFuture<Void> all = new CompletableFuture<>();
        AtomicInteger done = new AtomicInteger();
        for (int w = 0; w < inFlight; w++) {
            startNext(op, latencies, next, done, all);
        }
        all.get(300, TimeUnit.SECONDS);
        return latencies;
    }

    private void startNext(Supplier<Uni<Void>> op, long[] latencies, AtomicInteger next, AtomicInteger done,
            CompletableFuture<Void> all) {
        int i = next.getAndIncrement();
        if (i >= latencies.length) {
            return;
        }
        long t = System.nanoTime();
        onVertx(op).whenComplete((v, e) -> {
            if (e != null) {
                all.completeExceptionally(e);
                return;
            }
            latencies[i] = (System.nanoTime() - t) / 1_000;
            if (done.incrementAndGet() == latencies.length) {
                all.complete(null);
            } else {
                startNext(op, latencies, next, done, all);
            }
        });
    }

    private CompletableFuture<Void> onVertx(Supplier<Uni<Void>> work) {
        Context ctx = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(ctx, true);
        CompletableFuture<Void> done = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            ManagedContext request = Arc.container().requestContext();
            request.activate();
            work.get().subscribe().with(done::complete, done::completeExceptionally);
        });
        return done;
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** Bytes allocated by every live thread of the JVM so far (HotSpot's per-thread counters). */
    private static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(b -> b > 0).sum();
    }

    /** Live heap held by Hibernate's objects (ORM, Reactive, the Quarkus integration): bytes and instances. */
    private static long[] hibernateHeap() throws IOException, InterruptedException {
        long bytes = 0;
        long objects = 0;
        for (String line : jcmd("GC.class_histogram")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[3].matches("(org\\.hibernate|io\\.quarkus\\.hibernate).*")) {
                objects += Long.parseLong(f[1]);
                bytes += Long.parseLong(f[2]);
            }
        }
        return new long[] {bytes, objects};
    }

    private static long hibernateClasses() throws IOException, InterruptedException {
        return jcmd("VM.class_hierarchy").stream()
                .filter(l -> l.contains("org.hibernate") || l.contains("io.quarkus.hibernate")).count();
    }

    private static List<String> jcmd(String command) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jcmd = Path.of(java).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(ProcessHandle.current().pid()), command)
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>(new String(p.getInputStream().readAllBytes()).lines().toList());
        p.waitFor(60, TimeUnit.SECONDS);
        return lines;
    }
}
