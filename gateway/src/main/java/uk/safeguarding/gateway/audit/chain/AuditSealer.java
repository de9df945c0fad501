package uk.safeguarding.gateway.audit.chain;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.audit.AuditConfig;
import uk.safeguarding.gateway.audit.AuditEntry;

/**
 * Links pending audit events into the hash chain, a batch per transaction. Exactly one sealer
 * works at a time across all replicas (a transaction-scoped advisory lock), so the chain has one
 * order without any request ever waiting for it. The order is the order of sealing: an event whose
 * request committed late is simply sealed by a later batch (we never poll "ids above the last").
 */
@ApplicationScoped
public class AuditSealer {

    /** Advisory lock key shared by the sealer and the checkpointer ("SGAUDIT1"). */
    public static final long CHAIN_LOCK = 0x5347_4155_4449_5431L;

    private static final Logger LOG = Logger.getLogger(AuditSealer.class);

    /**
     * Claims and dequeues in one statement: lock the oldest queue rows (FOR UPDATE SKIP LOCKED, in
     * (recorded_at, event_id) order), delete them by ctid (no second index search), and return them
     * with their events. If anything later fails, the transaction rolls back and they are queued again.
     */
    private static final String CLAIM = """
            WITH claimed AS (
                DELETE FROM audit_pending WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM audit_pending ORDER BY recorded_at, event_id LIMIT $1 FOR UPDATE SKIP LOCKED))
                RETURNING recorded_at, event_id)
            SELECT c.recorded_at AS claimed_at, c.event_id AS claimed_id, %s
            FROM claimed c LEFT JOIN audit_event e ON e.recorded_at = c.recorded_at AND e.id = c.event_id
            ORDER BY c.recorded_at, c.event_id
            """.formatted(EventRows.COLUMNS);
    private static final String APPEND = """
            INSERT INTO audit_chain (seq, event_id, recorded_at, prev_hash, hash, encoding)
            SELECT *, %d FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::bytea[], $5::bytea[])
            """.formatted(CanonicalEncoding.VERSION);
    private static final String REQUEUE = "INSERT INTO audit_pending (recorded_at, event_id) VALUES ($1, $2)";
    /**
     * The queue is inserted at one end and deleted at the other thousands of times a second, and
     * autovacuum visits a database at most once a minute: without this the sealer's scan would wade
     * through a minute of dead rows on every claim (measured: PostgreSQL CPU per request rising run
     * after run). Vacuuming a table of a few thousand live rows takes milliseconds. Never with
     * TRUNCATE: that takes an exclusive lock, and every request inserting into the queue would wait.
     * Only the table's owner may vacuum it (PostgreSQL 15; MAINTAIN is 17-only), and the runtime role
     * owns nothing (docs/SECURITY.md, section 13): there, autovacuum keeps the queue (V2's per-table
     * thresholds, and a short autovacuum_naptime on the server: k8s gateway-db, EmbeddedDatabase).
     */
    private static final int VACUUM_EVERY_SEALED = 20_000;
    private static final String OWNS_QUEUE =
            "SELECT pg_has_role(relowner, 'USAGE') AS owner FROM pg_class WHERE oid = 'audit_pending'::regclass";

    private final Pool pool;
    private final int batchSize;
    private final AtomicLong sealedSinceVacuum = new AtomicLong();
    private volatile boolean vacuumAllowed = true;

    @Inject
    AuditSealer(Pool pool, AuditConfig config) {
        this(pool, config.sealer().batchSize());
    }

    /** For bench/audit, which runs the sealer outside Quarkus. */
    public AuditSealer(Pool pool, int batchSize) {
        this.pool = pool;
        this.batchSize = batchSize;
    }

    /** What one sealing transaction did; {@code lockBusy} when another sealer held the chain. */
    public record Batch(int sealed, boolean lockBusy, boolean full) {
    }

    /**
     * Seals batches until the queue is drained. With {@code wait}, waits for the chain lock (on-demand
     * use); without, gives up at once if another sealer has it (the scheduled tick).
     */
    public Uni<Integer> sealAvailable(boolean wait) {
        return sealLoop(wait, 0);
    }

    private Uni<Integer> sealLoop(boolean wait, int sealedSoFar) {
        return sealBatch(wait).chain(batch -> batch.full()
                ? sealLoop(wait, sealedSoFar + batch.sealed())
                : vacuumIfDue(sealedSoFar + batch.sealed()).replaceWith(sealedSoFar + batch.sealed()));
    }

    /**
     * VACUUM cannot run inside a transaction, so it runs after the batches, on its own. A non-owner's
     * VACUUM is no error (PostgreSQL skips the table with a warning), so ownership is asked first.
     */
    private Uni<Void> vacuumIfDue(int sealed) {
        if (!vacuumAllowed || sealedSinceVacuum.addAndGet(sealed) < VACUUM_EVERY_SEALED) {
            return Uni.createFrom().voidItem();
        }
        sealedSinceVacuum.set(0);
        return pool.query(OWNS_QUEUE).execute().map(rows -> rows.iterator().next().getBoolean("owner"))
                .chain(owner -> {
                    if (!owner) {
                        vacuumAllowed = false;
                        LOG.info("The database role does not own audit_pending: autovacuum keeps the queue");
                        return Uni.createFrom().voidItem();
                    }
                    return pool.query("VACUUM (SKIP_LOCKED, TRUNCATE false) audit_pending").execute().replaceWithVoid();
                })
                .onFailure().invoke(e -> {
                    // Whatever stopped it will stop it again: leave it to autovacuum, and say so once.
                    vacuumAllowed = false;
                    LOG.warnf("Cannot vacuum audit_pending (%s); relying on autovacuum", e.getMessage());
                })
                .onFailure().recoverWithNull();
    }

    /** One transaction: take the lock, claim up to batch-size pending events, append them, dequeue them. */
    public Uni<Batch> sealBatch(boolean wait) {
        return pool.withTransaction(tx -> lock(tx, wait).chain(locked -> locked
                ? tip(tx).chain(tip -> claimAndAppend(tx, tip))
                : Uni.createFrom().item(new Batch(0, true, false))));
    }

    /**
     * Takes the chain lock for this transaction. It must be its own statement: under READ COMMITTED
     * the next statement (reading the tip) then gets a snapshot taken after the previous holder
     * committed, so two batches can never start from the same tip.
     */
    static Uni<Boolean> lock(SqlClient tx, boolean wait) {
        String sql = wait ? "SELECT true AS locked FROM pg_advisory_xact_lock($1)" : "SELECT pg_try_advisory_xact_lock($1) AS locked";
        return tx.preparedQuery(sql).execute(Tuple.of(CHAIN_LOCK))
                .map(rows -> rows.iterator().next().getBoolean("locked"));
    }

    /** The last chain entry (seq, hash), or (0, genesis) for an empty chain. */
    static Uni<Tip> tip(SqlClient tx) {
        return tx.query("SELECT seq, hash FROM audit_chain ORDER BY seq DESC LIMIT 1").execute()
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return new Tip(0, ChainHash.GENESIS);
                    }
                    Row row = it.next();
                    return new Tip(row.getLong("seq"), row.getBuffer("hash").getBytes());
                });
    }

    record Tip(long seq, byte[] hash) {
    }

    private Uni<Batch> claimAndAppend(SqlClient tx, Tip tip) {
        return tx.preparedQuery(CLAIM).execute(Tuple.of(batchSize)).chain(rows -> {
            int claimed = rows.size();
            if (claimed == 0) {
                return Uni.createFrom().item(new Batch(0, false, false));
            }
            Appended appended = link(rows, tip);
            int count = appended.seqs.size();
            Uni<Void> append = count == 0 ? Uni.createFrom().voidItem() : tx.preparedQuery(APPEND).execute(Tuple.of(
                            appended.seqs.toArray(new Long[0]), appended.ids.toArray(new UUID[0]),
                            appended.times.toArray(new OffsetDateTime[0]), appended.prevs.toArray(new Buffer[0]),
                            appended.hashes.toArray(new Buffer[0])))
                    .replaceWithVoid();
            return append
                    .chain(() -> appended.orphans.isEmpty() ? Uni.createFrom().voidItem()
                            : tx.preparedQuery(REQUEUE).executeBatch(appended.orphans).replaceWithVoid())
                    // "full" only counts rows actually sealed, so a queue head of orphans cannot loop forever.
                    .map(ignored -> new Batch(count, false, claimed == batchSize && count == claimed));
        });
    }

    private static final class Appended {
        final List<Long> seqs = new ArrayList<>();
        final List<UUID> ids = new ArrayList<>();
        final List<OffsetDateTime> times = new ArrayList<>();
        final List<Buffer> prevs = new ArrayList<>();
        final List<Buffer> hashes = new ArrayList<>();
        final List<Tuple> orphans = new ArrayList<>();
    }

    private static Appended link(RowSet<Row> rows, Tip tip) {
        CanonicalEncoding encoding = new CanonicalEncoding();
        ChainHash chainHash = new ChainHash();
        Appended out = new Appended();
        long seq = tip.seq();
        byte[] previous = tip.hash();
        for (Row row : rows) {
            AuditEntry event = EventRows.read(row);
            if (event == null) {
                // A queue row whose event does not exist: only possible by tampering. Put it back in the
                // queue; the verifier reports it (queued event missing).
                LOG.errorf("Audit queue row %s has no audit event; left queued for the verifier to report",
                        row.getUUID("claimed_id"));
                out.orphans.add(Tuple.of(row.getOffsetDateTime("claimed_at"), row.getUUID("claimed_id")));
                continue;
            }
            byte[] hash = chainHash.link(previous, encoding.encode(event, CanonicalEncoding.VERSION));
            out.seqs.add(++seq);
            out.ids.add(event.id());
            out.times.add(row.getOffsetDateTime("claimed_at"));
            out.prevs.add(Buffer.buffer(previous));
            out.hashes.add(Buffer.buffer(hash));
            previous = hash;
        }
        return out;
    }
}
