package uk.safeguarding.gateway.audit.verify;

import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.chain.Checkpoint;

/**
 * Feeds {@link ChainVerifier} from PostgreSQL over plain JDBC, so the same code serves the DPO API
 * (the gateway's JDBC datasource) and the CLI (a bare connection). Everything is read in one
 * REPEATABLE READ snapshot: the sealer may keep appending meanwhile without confusing the result.
 * Three index scans in all (checkpoints, chain, events); no join, sort or aggregate on the server.
 */
public final class JdbcAuditSource {

    private static final String CHECKPOINTS = """
            SELECT first_seq, last_seq, root, last_hash, signed_at, key_id, algorithm, signature
            FROM audit_checkpoint ORDER BY last_seq
            """;
    /** Checkpoints signed since the last run, with the chain's hash at each one's last entry now. */
    private static final String CHECKPOINTS_IN_RANGE = """
            SELECT cp.first_seq, cp.last_seq, cp.root, cp.last_hash, cp.signed_at, cp.key_id, cp.algorithm, cp.signature, c.hash
            FROM audit_checkpoint cp LEFT JOIN audit_chain c ON c.seq = cp.last_seq
            WHERE cp.last_seq > ? AND cp.last_seq <= ? ORDER BY cp.last_seq
            """;

    private JdbcAuditSource() {
    }

    /** Verifies the whole trail visible to {@code connection}; leaves the connection as it found it. */
    public static VerificationReport verify(Connection connection, Map<String, PublicKey> trustedKeys) throws SQLException {
        return verify(connection, trustedKeys, List.of());
    }

    /** As {@link #verify(Connection, Map)}, and compares the chain with the witnesses' copies of the checkpoints. */
    public static VerificationReport verify(Connection connection, Map<String, PublicKey> trustedKeys, List<WitnessCopy> witnesses)
            throws SQLException {
        return verify(connection, trustedKeys, witnesses, WitnessCheck.DEFAULT_MAX_UNWITNESSED);
    }

    /** As above; an event recorded more than {@code maxUnwitnessed} ago and not yet witnessed is a finding. */
    public static VerificationReport verify(Connection connection, Map<String, PublicKey> trustedKeys, List<WitnessCopy> witnesses,
            java.time.Duration maxUnwitnessed) throws SQLException {
        return inSnapshot(connection, () -> {
            long started = System.nanoTime();
            List<Checkpoint> inDatabase = checkpoints(connection);
            ChainVerifier verifier = new ChainVerifier(trustedKeys, inDatabase);
            WitnessCheck witnessCheck = witnesses.isEmpty() ? null : new WitnessCheck(trustedKeys, witnesses, inDatabase,
                    maxUnwitnessed, Instant.now());
            Map<UUID, Instant> pending = pending(connection);
            int queued = pending.size();
            // The unsealed-event callback runs on the worker thread, which alone touches pending until
            // OverlappedSink.run returns (the join orders it before the forEach below).
            MergedChainReader reader = new MergedChainReader(connection);
            OverlappedSink.run(sink(verifier, row -> {
                if (witnessCheck != null) {
                    witnessCheck.accept(row);
                }
            }, event -> {
                if (pending.remove(event.id()) == null) {
                    verifier.eventOutsideChain(event.id(), event.recordedAt());
                }
            }), rows -> reader.readRaw(1, Long.MAX_VALUE, rows));
            // Queue rows whose event never came by: the event was deleted before it was sealed.
            pending.forEach(verifier::pendingWithoutEvent);
            VerificationReport report = verifier.finish(queued, System.nanoTime() - started);
            return witnessCheck == null ? report : witnessCheck.finish(report);
        });
    }

    /**
     * Verifies chain entries {@code afterSeq+1..toSeq}, continuing from {@code afterHash}, the hash of
     * entry {@code afterSeq} when it was verified (an incremental run). Checks links, event hashes,
     * element types, and the checkpoints after {@code afterCheckpointSeq} that end by {@code toSeq};
     * events outside the chain and the queue are left to a full pass. Runs in the caller's transaction (autocommit off), which it leaves open.
     */
    public static VerificationReport verifyAfter(Connection connection, Map<String, PublicKey> trustedKeys, long afterSeq,
            byte[] afterHash, long afterCheckpointSeq, long toSeq) throws SQLException {
        long started = System.nanoTime();
        List<Checkpoint> checkpoints = new ArrayList<>();
        Map<Long, byte[]> hashAtEnd = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(CHECKPOINTS_IN_RANGE)) {
            statement.setLong(1, afterCheckpointSeq);
            statement.setLong(2, toSeq);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Checkpoint cp = checkpoint(rs);
                    checkpoints.add(cp);
                    if (cp.lastSeq() <= afterSeq) {
                        hashAtEnd.put(cp.lastSeq(), rs.getBytes(9));
                    }
                }
            }
        }
        ChainVerifier verifier = new ChainVerifier(trustedKeys, checkpoints, afterSeq, afterHash, afterCheckpointSeq);
        for (Checkpoint cp : checkpoints) {
            if (cp.lastSeq() <= afterSeq) {
                verifier.checkpointBehind(cp, hashAtEnd.get(cp.lastSeq()));
            }
        }
        // An event of the range's time sealed by no entry of it: sealed outside the range, queued, or
        // outside the chain; only a full pass can tell which.
        MergedChainReader reader = new MergedChainReader(connection);
        OverlappedSink.run(sink(verifier, row -> { }, event -> { }), rows -> reader.readRaw(afterSeq + 1, toSeq, rows));
        return verifier.finish(0, System.nanoTime() - started);
    }

    private static MergedChainReader.Sink sink(ChainVerifier verifier, Consumer<ChainVerifier.ChainRow> alsoRow,
            Consumer<AuditEntry> unsealed) {
        return new MergedChainReader.Sink() {
            @Override
            public void row(ChainVerifier.ChainRow row) {
                verifier.accept(row);
                alsoRow.accept(row);
            }

            @Override
            public void sealedAgain(UUID eventId, long seq) {
                verifier.sealedTwice(eventId, seq);
            }

            @Override
            public void unsealed(AuditEntry event) {
                unsealed.accept(event);
            }
        };
    }

    /** Every chain entry from {@code fromSeq} with its event, in seq order (for tools and tests). */
    public static void readChain(Connection connection, long fromSeq, Consumer<ChainVerifier.ChainRow> sink) throws SQLException {
        MergedChainReader.rows(connection, fromSeq, sink);
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private static <T> T inSnapshot(Connection connection, Work<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        int isolation = connection.getTransactionIsolation();
        boolean readOnly = connection.isReadOnly();
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        try {
            return work.run();
        } finally {
            connection.rollback();
            connection.setReadOnly(readOnly);
            connection.setTransactionIsolation(isolation);
            connection.setAutoCommit(autoCommit);
        }
    }

    private static List<Checkpoint> checkpoints(Connection connection) throws SQLException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(CHECKPOINTS)) {
            while (rs.next()) {
                checkpoints.add(checkpoint(rs));
            }
        }
        return checkpoints;
    }

    private static Checkpoint checkpoint(ResultSet rs) throws SQLException {
        return new Checkpoint(rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getBytes(4),
                MergedChainReader.instant(rs, 5), rs.getString(6), rs.getString(7), rs.getBytes(8));
    }

    /** The queue is small (events of the last few hundred milliseconds), so it is held in memory. */
    private static Map<UUID, Instant> pending(Connection connection) throws SQLException {
        Map<UUID, Instant> pending = new HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT event_id, recorded_at FROM audit_pending")) {
            while (rs.next()) {
                pending.put(rs.getObject(1, UUID.class), MergedChainReader.instant(rs, 2));
            }
        }
        return pending;
    }
}
