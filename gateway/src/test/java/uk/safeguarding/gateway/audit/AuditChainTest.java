package uk.safeguarding.gateway.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.chain.AuditCheckpointer;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;
import uk.safeguarding.gateway.support.TestTokens;
import uk.safeguarding.launcher.EmbeddedDatabase;

/** The chain under concurrent writers and late commits, and its append-only protection. */
@QuarkusTest
class AuditChainTest {

    private static final int CLIENTS = 16;
    private static final int REQUESTS_EACH = 20;

    @Inject
    AuditSealer sealer;
    @Inject
    AuditCheckpointer checkpointer;
    @Inject
    AuditTrail trail;
    @Inject
    Pool pool;

    @Test
    void concurrentRequestsAreEachSealedExactlyOnceInOneGapFreeOrder() throws Exception {
        String prefix = "concurrent-" + System.nanoTime();
        String token = TestTokens.police();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 2);
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Future<?>> work = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                work.add(clients.submit(() -> {
                    for (int i = 0; i < REQUESTS_EACH; i++) {
                        given().auth().oauth2(token).header("X-Request-Id", prefix + "-" + client + "-" + i)
                                .when().get("/api/v1/whoami").then().statusCode(200);
                    }
                }));
            }
            // Two on-demand sealers race each other and the scheduled one for the whole run.
            List<Future<Integer>> racers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                racers.add(clients.submit(() -> {
                    int sealed = 0;
                    while (loading.get()) {
                        sealed += sealer.sealAvailable(false).await().atMost(Duration.ofSeconds(30));
                    }
                    return sealed;
                }));
            }
            for (Future<?> f : work) {
                f.get(5, TimeUnit.MINUTES);
            }
            loading.set(false);
            for (Future<Integer> racer : racers) {
                racer.get(1, TimeUnit.MINUTES);
            }
        } finally {
            loading.set(false);
            clients.shutdownNow();
        }
        AuditTestSupport.sealEverything(sealer);

        List<Map<String, Object>> mine = Db.query("""
                SELECT c.seq, e.request_id FROM audit_chain c
                JOIN audit_event e ON e.recorded_at = c.recorded_at AND e.id = c.event_id
                WHERE e.request_id LIKE ? ORDER BY c.seq""", prefix + "-%");
        assertEquals(CLIENTS * REQUESTS_EACH, mine.size(), "every request's audit event is in the chain");
        assertEquals(CLIENTS * REQUESTS_EACH, new HashSet<>(mine.stream().map(r -> r.get("request_id")).toList()).size(),
                "and each exactly once");
        Map<String, Object> chain = Db.query("SELECT count(*) AS n, count(DISTINCT event_id) AS events, min(seq) AS first, "
                + "max(seq) AS last FROM audit_chain").get(0);
        assertEquals(1L, chain.get("first"));
        assertEquals(chain.get("n"), chain.get("last"), "seq has no gaps and no duplicates");
        assertEquals(chain.get("n"), chain.get("events"), "no event sealed twice");

        JsonPath report = AuditTestSupport.verify();
        assertTrue(report.getBoolean("intact"), report.prettify());
    }

    @Test
    void anEventCommittedLateIsSealedLaterNotSkipped() {
        // A request transaction that stays open while later events are sealed (slow request, lock wait).
        AuditEntry late = AuditTestSupport.Entry.permit().at(Instant.now().minusSeconds(5)).build();
        AuditEntry early;
        SqlConnection connection = pool.getConnection().await().indefinitely();
        try {
            Transaction tx = connection.begin().await().indefinitely();
            trail.record(connection, late).await().indefinitely();

            early = AuditTestSupport.Entry.permit().record(trail);
            AuditTestSupport.sealEverything(sealer);
            seqOf(early);
            assertEquals(0, Db.count("SELECT count(*) FROM audit_chain WHERE event_id = ?", late.id()),
                    "an uncommitted event is invisible to the sealer");
            tx.commit().await().indefinitely();
        } finally {
            connection.close().await().indefinitely();
        }
        AuditTestSupport.sealEverything(sealer);

        assertTrue(late.recordedAt().isBefore(early.recordedAt()));
        assertTrue(seqOf(late) > seqOf(early), "chain order is sealing order: the older event is sealed after the newer");
        assertTrue(AuditTestSupport.verify().getBoolean("intact"));
    }

    @Test
    void neitherTheApplicationNorTheOwnerCanUpdateDeleteOrTruncateChainRowsOrCheckpoints() {
        AuditTestSupport.Entry.permit().record(trail);
        AuditTestSupport.sealAndSign(sealer, checkpointer);
        byte[] before = (byte[]) Db.query("SELECT hash FROM audit_chain WHERE seq = 1").get(0).get("hash");
        long checkpoints = Db.count("SELECT count(*) FROM audit_checkpoint");
        for (String sql : List.of(
                "UPDATE audit_chain SET hash = prev_hash WHERE seq = 1",
                "DELETE FROM audit_chain WHERE seq = 1",
                "TRUNCATE audit_chain",
                "UPDATE audit_checkpoint SET key_id = 'forged'",
                "DELETE FROM audit_checkpoint",
                "TRUNCATE audit_checkpoint")) {
            // The gateway's role lacks the privilege (docs/SECURITY.md, section 13) ...
            Throwable refused = assertThrows(Throwable.class, () -> pool.query(sql).execute().await().indefinitely(), sql);
            assertTrue(refused.getMessage().contains("permission denied"), sql + ": " + refused.getMessage());
            // ... and the owner, who has it, still meets the append-only trigger.
            java.sql.SQLException asOwner = assertThrows(java.sql.SQLException.class, () -> {
                try (java.sql.Connection c = EmbeddedPostgresResource.database().dataSource(EmbeddedDatabase.OWNER).getConnection();
                        java.sql.Statement s = c.createStatement()) {
                    s.execute(sql);
                }
            }, sql);
            assertTrue(asOwner.getMessage().contains("append-only"), sql + " as the owner: " + asOwner.getMessage());
        }
        assertEquals(java.util.HexFormat.of().formatHex(before), java.util.HexFormat.of().formatHex(
                (byte[]) Db.query("SELECT hash FROM audit_chain WHERE seq = 1").get(0).get("hash")));
        assertEquals(checkpoints, Db.count("SELECT count(*) FROM audit_checkpoint"));
    }

    private static long seqOf(AuditEntry entry) {
        List<Map<String, Object>> rows = Db.query("SELECT seq FROM audit_chain WHERE event_id = ?", entry.id());
        assertEquals(1, rows.size(), "sealed once: " + entry.id());
        return (Long) rows.get(0).get("seq");
    }
}
