package uk.safeguarding.gateway.audit.chain;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
    private final Counter invalid;
    private volatile long refusedAtSeq = -1;
    private volatile long invalidAtSeq = -1;
    /** The first uncovered entry as this replica first saw it, and when (its own clock, not sealed_at). */
    private volatile long seenSeq = -1;
    private volatile Instant seenAt = Instant.MAX;

    @Inject
    AuditCheckpointer(Pool pool, CheckpointSigner signer, AuditConfig config, WitnessDelivery witnesses, MeterRegistry metrics) {
        this(pool, signer, config.checkpoint().everyEntries(), config.checkpoint().maxInterval(),
                config.checkpoint().maxRange(), witnesses::signed, metrics);
    }

    /** For bench/audit, which runs the checkpointer outside Quarkus. */
    public AuditCheckpointer(Pool pool, CheckpointSigner signer, int everyEntries, Duration maxInterval, int maxRange) {
        this(pool, signer, everyEntries, maxInterval, maxRange, checkpoint -> { }, new SimpleMeterRegistry());
    }

    /** Outside Quarkus, with {@code onSigned} told of each checkpoint once its transaction committed (the witness push). */
    public AuditCheckpointer(Pool pool, CheckpointSigner signer, int everyEntries, Duration maxInterval, int maxRange,
            Consumer<Checkpoint> onSigned, MeterRegistry metrics) {
        this.invalid = Counter.builder("gateway.audit.checkpoint.invalid")
                .description("Times the newest checkpoint row did not verify (bad signature, beyond the chain, wrong hash): nothing is signed after it")
                .register(metrics);
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
                : NewestCheckpoint.read(tx, signer.trustedKeys()).chain(last -> AuditSealer.tip(tx).chain(tip -> {
                    if (!last.valid()) {
                        return refuseInvalid(last);
                    }
                    long lastSeq = last.coveredTo();
                    long from = lastSeq + 1;
                    if (tip.seq() < from) {
                        return Uni.createFrom().item(Optional.<Checkpoint>empty());
                    }
                    long to = Math.min(tip.seq(), lastSeq + maxRange);
                    Uni<Boolean> due = force || tip.seq() - lastSeq >= everyEntries
                            ? Uni.createFrom().item(true) : oldestUncoveredIsOld(tx, from);
                    return due.chain(yes -> yes ? sign(tx, from, to, last.lastHash())
                            : Uni.createFrom().item(Optional.<Checkpoint>empty()));
                })))).invoke(signed -> signed.ifPresent(this::delivered));
    }

    /**
     * A newest row that does not verify is never built on (signing after a fake row far beyond the chain
     * would be impossible anyway, and after a wrong hash would sign a lie). Said at ERROR once per row and
     * counted every time; the checkpoint age gauge keeps ageing, so the stale alert fires.
     */
    private Uni<Optional<Checkpoint>> refuseInvalid(NewestCheckpoint last) {
        invalid.increment();
        long seq = last.checkpoint().lastSeq();
        if (invalidAtSeq != seq) {
            invalidAtSeq = seq;
            LOG.errorf("The newest audit checkpoint row (%d..%d, key %s) does not verify: %s. Nothing is signed after it "
                    + "until it is explained; run bin/audit-verify --witness now (docs/AUDIT.md)", last.checkpoint().firstSeq(),
                    seq, last.checkpoint().keyId(), last.problem());
        }
        return Uni.createFrom().item(Optional.empty());
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

    /**
     * Due when the entry was sealed long enough ago, or this replica has seen it uncovered that long:
     * a sealed_at set in the future (by a superuser) must not postpone signing.
     */
    private Uni<Boolean> oldestUncoveredIsOld(SqlClient tx, long seq) {
        Instant now = Instant.now();
        if (seenSeq != seq) {
            seenSeq = seq;
            seenAt = now;
        }
        Instant deadline = now.minus(maxInterval);
        if (!seenAt.isAfter(deadline)) {
            return Uni.createFrom().item(true);
        }
        return tx.preparedQuery("SELECT sealed_at FROM audit_chain WHERE seq = $1").execute(Tuple.of(seq))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() && it.next().getOffsetDateTime("sealed_at").toInstant().isBefore(deadline);
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
