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
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.audit.AuditConfig;
import uk.safeguarding.gateway.audit.witness.WitnessDelivery;

/**
 * Signs checkpoints: an Ed25519 signature over the RFC 6962 Merkle root of the chain entries not yet
 * covered, and over the chain hash at the last of them. Before signing, the range must link up,
 * entry by entry, from the last signed hash; a broken chain is never signed, and the error is logged
 * at once. The events are not re-hashed here: the sealer hashed them moments ago, an edited event
 * stays detectable under any checkpoint (its entry's hash was computed from the original), and
 * re-reading every event would double the chain's database work (measured in bench/audit).
 */
@ApplicationScoped
public class AuditCheckpointer {

    private static final Logger LOG = Logger.getLogger(AuditCheckpointer.class);

    private static final String RANGE = "SELECT seq, prev_hash, hash FROM audit_chain WHERE seq BETWEEN $1 AND $2 ORDER BY seq";

    private final Pool pool;
    private final CheckpointSigner signer;
    private final int everyEntries;
    private final Duration maxInterval;
    private final int maxRange;
    private final Consumer<Checkpoint> onSigned;
    private volatile long refusedAtSeq = -1;

    @Inject
    AuditCheckpointer(Pool pool, CheckpointSigner signer, AuditConfig config, WitnessDelivery witnesses) {
        this(pool, signer, config.checkpoint().everyEntries(), config.checkpoint().maxInterval(),
                config.checkpoint().maxRange(), witnesses::signed);
    }

    /** For bench/audit, which runs the checkpointer outside Quarkus. */
    public AuditCheckpointer(Pool pool, CheckpointSigner signer, int everyEntries, Duration maxInterval, int maxRange) {
        this(pool, signer, everyEntries, maxInterval, maxRange, checkpoint -> { });
    }

    /** Outside Quarkus, with {@code onSigned} told of each checkpoint once its transaction committed (the witness push). */
    public AuditCheckpointer(Pool pool, CheckpointSigner signer, int everyEntries, Duration maxInterval, int maxRange,
            Consumer<Checkpoint> onSigned) {
        this.onSigned = onSigned;
        this.pool = pool;
        this.signer = signer;
        this.everyEntries = everyEntries;
        this.maxInterval = maxInterval;
        this.maxRange = maxRange;
    }

    /**
     * Signs one checkpoint if enough entries, or old enough ones, are uncovered; with {@code force},
     * whenever any are (and waiting for the chain lock). Empty when nothing was signed.
     */
    public Uni<Optional<Checkpoint>> checkpointIfDue(boolean force) {
        if (!signer.enabled()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.withTransaction(tx -> AuditSealer.lock(tx, force).chain(locked -> !locked
                ? Uni.createFrom().item(Optional.<Checkpoint>empty())
                : last(tx).chain(last -> AuditSealer.tip(tx).chain(tip -> {
                    long from = last.lastSeq() + 1;
                    if (tip.seq() < from) {
                        return Uni.createFrom().item(Optional.<Checkpoint>empty());
                    }
                    long to = Math.min(tip.seq(), last.lastSeq() + maxRange);
                    Uni<Boolean> due = force || tip.seq() - last.lastSeq() >= everyEntries
                            ? Uni.createFrom().item(true) : oldestUncoveredIsOld(tx, from);
                    return due.chain(yes -> yes ? sign(tx, from, to, last.lastHash())
                            : Uni.createFrom().item(Optional.<Checkpoint>empty()));
                })))).invoke(signed -> signed.ifPresent(this::delivered));
    }

    /** After the commit only: a witness must never hold a checkpoint the database rolled back. */
    private void delivered(Checkpoint checkpoint) {
        try {
            onSigned.accept(checkpoint);
        } catch (RuntimeException e) {
            LOG.warnf("Could not queue checkpoint %d..%d for the witnesses (%s)", checkpoint.firstSeq(),
                    checkpoint.lastSeq(), e.toString());
        }
    }

    /** Signs until every sealed entry is covered (on demand: tests, the verify endpoint). */
    public Uni<Integer> checkpointAll() {
        return checkpointIfDue(true).chain(signed -> signed.isEmpty()
                ? Uni.createFrom().item(0)
                : checkpointAll().map(more -> more + 1));
    }

    private record Last(long lastSeq, byte[] lastHash) {
    }

    private static Uni<Last> last(SqlClient tx) {
        return tx.query("SELECT last_seq, last_hash FROM audit_checkpoint ORDER BY last_seq DESC LIMIT 1").execute()
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return new Last(0, ChainHash.GENESIS);
                    }
                    Row row = it.next();
                    return new Last(row.getLong("last_seq"), row.getBuffer("last_hash").getBytes());
                });
    }

    private Uni<Boolean> oldestUncoveredIsOld(SqlClient tx, long seq) {
        return tx.preparedQuery("SELECT sealed_at FROM audit_chain WHERE seq = $1").execute(Tuple.of(seq))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() && it.next().getOffsetDateTime("sealed_at").toInstant()
                            .isBefore(Instant.now().minus(maxInterval));
                });
    }

    private Uni<Optional<Checkpoint>> sign(SqlClient tx, long from, long to, byte[] previousHash) {
        return tx.preparedQuery(RANGE).execute(Tuple.of(from, to)).chain(rows -> {
            MerkleTree tree = new MerkleTree();
            String problem = recheck(rows, from, to, previousHash, tree);
            if (problem != null) {
                if (refusedAtSeq != from) {
                    refusedAtSeq = from;
                    LOG.errorf("Audit chain does not verify (%s); no checkpoint signed. Run the verifier now.", problem);
                }
                return Uni.createFrom().item(Optional.<Checkpoint>empty());
            }
            refusedAtSeq = -1;
            byte[] lastHash = lastHash(rows);
            Instant signedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Checkpoint checkpoint = signer.sign(from, to, tree.root(), lastHash, signedAt);
            return tx.preparedQuery("""
                            INSERT INTO audit_checkpoint (last_seq, first_seq, root, last_hash, signed_at, key_id, algorithm, signature)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                            """)
                    .execute(Tuple.from(new Object[] {to, from, Buffer.buffer(checkpoint.root()),
                            Buffer.buffer(lastHash), OffsetDateTime.ofInstant(signedAt, ZoneOffset.UTC),
                            checkpoint.keyId(), checkpoint.algorithm(), Buffer.buffer(checkpoint.signature())}))
                    .map(ignored -> Optional.of(checkpoint));
        });
    }

    /** Null when entries from..to are all there and link up; otherwise what is wrong, by seq only. */
    private static String recheck(RowSet<Row> rows, long from, long to, byte[] previousHash, MerkleTree tree) {
        long expected = from;
        byte[] previous = previousHash;
        for (Row row : rows) {
            long seq = row.getLong("seq");
            if (seq != expected) {
                return "entry " + expected + " missing";
            }
            byte[] prev = row.getBuffer("prev_hash").getBytes();
            byte[] hash = row.getBuffer("hash").getBytes();
            if (!Arrays.equals(prev, previous)) {
                return "entry " + seq + " does not link to entry " + (seq - 1);
            }
            tree.addEntry(hash);
            previous = hash;
            expected++;
        }
        return expected == to + 1 ? null : "entries " + expected + ".." + to + " missing";
    }

    private static byte[] lastHash(RowSet<Row> rows) {
        byte[] last = null;
        for (Row row : rows) {
            last = row.getBuffer("hash").getBytes();
        }
        return last;
    }
}
