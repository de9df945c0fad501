package uk.safeguarding.gateway.audit.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The scheduled verifier's position and open findings: the one row of audit_verification, over JDBC. */
final class VerificationStore {

    /** Findings kept in the row; the count goes on beyond this. */
    static final int MAX_LISTED = 100;

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    /** Where the last run stopped, and the findings still open. */
    record Position(long lastSeq, byte[] lastHash, long checkpointSeq, List<Finding> findings) {
    }

    private static final String LOCK = """
            SELECT last_seq, last_hash, checkpoint_seq, findings::text FROM audit_verification WHERE id = 1
            FOR UPDATE SKIP LOCKED""";
    private static final String SAVE_INCREMENTAL = """
            UPDATE audit_verification SET last_seq = ?, last_hash = ?, checkpoint_seq = ?, verified_at = now(),
                failures = failures + ?, problem_count = problem_count + ?, findings = ?::jsonb, last_run_kind = 'INCREMENTAL',
                last_run_at = now(), last_run_entries = ?, last_run_problems = ?
            WHERE id = 1""";
    /** A full pass moves the position only forward: a shorter chain than once verified stays a finding. */
    private static final String SAVE_FULL = """
            UPDATE audit_verification SET
                last_hash = CASE WHEN ? > last_seq THEN ? ELSE last_hash END,
                last_seq = GREATEST(last_seq, ?), checkpoint_seq = GREATEST(checkpoint_seq, ?), verified_at = now(),
                failures = failures + ?, problem_count = ?, findings = ?::jsonb, last_run_kind = 'FULL', last_run_at = now(),
                last_run_entries = ?, last_run_problems = ?, full_finished_at = now(), full_passes = full_passes + 1
            WHERE id = 1""";
    /** A start in the future (beyond clock skew) is tampering: the slot is taken anyway, and the caller told. */
    private static final String CLAIM_FULL = """
            WITH old AS (SELECT full_started_at FROM audit_verification WHERE id = 1)
            UPDATE audit_verification v SET full_started_at = now() FROM old
            WHERE v.id = 1 AND (v.full_started_at IS NULL OR v.full_started_at <= now() - make_interval(secs => ?)
                                OR v.full_started_at > now() + interval '1 minute')
            RETURNING coalesce(old.full_started_at > now() + interval '1 minute', false)""";
    private static final String RETRY_AFTER = """
            SELECT ceil(extract(epoch FROM full_started_at + make_interval(secs => ?) - now()))::bigint
            FROM audit_verification WHERE id = 1""";
    private static final String STATUS = """
            SELECT v.last_seq, v.last_hash, v.verified_at, coalesce((SELECT max(seq) FROM audit_chain), 0), v.failures,
                v.problem_count, v.findings::text, v.last_run_kind, v.last_run_at, v.last_run_entries, v.last_run_problems,
                v.full_finished_at, v.full_passes
            FROM audit_verification v WHERE v.id = 1""";

    private VerificationStore() {
    }

    /** Locks the row for one batch, or null when another replica holds it (it is doing the work). */
    static Position lock(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LOCK); ResultSet rs = statement.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            return new Position(rs.getLong(1), rs.getBytes(2), rs.getLong(3), findings(rs.getString(4)));
        }
    }

    /** The last chain entry's seq, 0 for an empty chain (an index-only look at the primary key). */
    static long tip(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT coalesce(max(seq), 0) FROM audit_chain");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The last seq of the next batch: the {@code size}-th entry after {@code afterSeq}, or the tip. Counted
     * in entries, not seqs, so a batch always holds an entry while any is left, even after a gap.
     */
    static long batchEnd(Connection connection, long afterSeq, int size, long tip) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT seq FROM audit_chain WHERE seq > ? ORDER BY seq OFFSET ? LIMIT 1")) {
            statement.setLong(1, afterSeq);
            statement.setLong(2, size - 1L);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getLong(1) : tip;
            }
        }
    }

    static void saveIncremental(Connection connection, Position from, long toSeq, byte[] toHash, long checkpointSeq,
            long entries, long problems, List<Finding> found) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SAVE_INCREMENTAL)) {
            statement.setLong(1, toSeq);
            statement.setBytes(2, toHash);
            statement.setLong(3, checkpointSeq);
            statement.setLong(4, problems > 0 ? 1 : 0);
            statement.setLong(5, problems);
            statement.setString(6, json(merge(from.findings(), found)));
            statement.setLong(7, entries);
            statement.setLong(8, problems);
            statement.executeUpdate();
        }
    }

    static void saveFull(Connection connection, VerificationReport report) throws SQLException {
        byte[] hash = HexFormat.of().parseHex(report.lastHash());
        long checkpointSeq = report.lastCheckpoint() == null ? 0 : report.lastCheckpoint().lastSeq();
        try (PreparedStatement statement = connection.prepareStatement(SAVE_FULL)) {
            statement.setLong(1, report.lastSeq());
            statement.setBytes(2, hash);
            statement.setLong(3, report.lastSeq());
            statement.setLong(4, Math.min(checkpointSeq, report.lastSeq()));
            statement.setLong(5, report.intact() ? 0 : 1);
            statement.setLong(6, report.problemCount());
            statement.setString(7, json(report.problems()));
            statement.setLong(8, report.entriesChecked());
            statement.setLong(9, report.problemCount());
            statement.executeUpdate();
        }
    }

    /**
     * Takes the full-pass slot if the last full pass started at least {@code minInterval} ago, for every
     * replica at once; otherwise answers the seconds until it may (at least 1). Zero means claimed;
     * {@link #CLAIMED_OVER_FUTURE_START} claimed, though the stored start lay in the future (tampering).
     */
    static final long CLAIMED_OVER_FUTURE_START = -1;

    static long claimFullPass(Connection connection, Duration minInterval) throws SQLException {
        double seconds = minInterval.toMillis() / 1000.0;
        try (PreparedStatement claim = connection.prepareStatement(CLAIM_FULL)) {
            claim.setDouble(1, seconds);
            try (ResultSet rs = claim.executeQuery()) {
                if (rs.next()) {
                    return rs.getBoolean(1) ? CLAIMED_OVER_FUTURE_START : 0;
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(RETRY_AFTER)) {
            statement.setDouble(1, seconds);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Math.max(1, rs.getLong(1)) : 1;
            }
        }
    }

    static VerificationStatus status(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(STATUS); ResultSet rs = statement.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("audit_verification has no row: is migration V69_2 applied?");
            }
            long verified = rs.getLong(1);
            long chain = rs.getLong(4);
            long problemCount = rs.getLong(6);
            List<Finding> findings = findings(rs.getString(7));
            return new VerificationStatus(problemCount == 0, verified, HexFormat.of().formatHex(rs.getBytes(2)),
                    MergedChainReader.instant(rs, 3), chain, Math.max(0, chain - verified), rs.getLong(5), problemCount,
                    findings.isEmpty() ? null : findings.get(0), findings, rs.getString(8), MergedChainReader.instant(rs, 9),
                    rs.getLong(10), rs.getLong(11), MergedChainReader.instant(rs, 12), rs.getLong(13));
        }
    }

    /** The open findings and the new ones, each once, the first {@value #MAX_LISTED}. */
    static List<Finding> merge(List<Finding> open, List<Finding> found) {
        Set<Finding> all = new LinkedHashSet<>(open);
        all.addAll(found);
        List<Finding> merged = new ArrayList<>(all);
        return merged.size() > MAX_LISTED ? merged.subList(0, MAX_LISTED) : merged;
    }

    private static List<Finding> findings(String json) throws SQLException {
        try {
            return json == null ? List.of() : JSON.readValue(json, new TypeReference<List<Finding>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("audit_verification.findings is not a list of findings", e);
        }
    }

    private static String json(List<Finding> findings) {
        try {
            return JSON.writeValueAsString(findings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A finding is plain data", e);
        }
    }
}
