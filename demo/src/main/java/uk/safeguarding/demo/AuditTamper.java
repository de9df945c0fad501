package uk.safeguarding.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Optional;
import java.util.UUID;

/**
 * What a database administrator with superuser rights could do behind the gateway's back: change one
 * sealed audit row. The audit table refuses UPDATE through a trigger, so the session switches
 * triggers off (session_replication_role = replica, superuser only) for that one statement.
 */
public final class AuditTamper {

    /** The row that was altered: where it sits in the chain and the outcome it had before. */
    public record Altered(UUID eventId, Timestamp recordedAt, long seq, String action, String agency, int oldOutcome,
            int newOutcome) {
    }

    private final String jdbcUrl;
    private final String user;

    public AuditTamper(String jdbcUrl, String user) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
    }

    /** The newest sealed audit event about the child with this action and HTTP outcome, if any. */
    public Optional<Altered> find(UUID childId, String action, int outcome) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
                PreparedStatement s = c.prepareStatement("""
                        SELECT e.id, e.recorded_at, c.seq, e.action, e.actor_agency, e.outcome FROM audit_event e
                        JOIN audit_chain c ON c.event_id = e.id AND c.recorded_at = e.recorded_at
                        WHERE e.child_id = ? AND e.action = ? AND e.outcome = ? ORDER BY c.seq DESC LIMIT 1""")) {
            s.setObject(1, childId);
            s.setString(2, action);
            s.setInt(3, outcome);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Altered((UUID) rs.getObject(1), rs.getTimestamp(2), rs.getLong(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getInt(6)));
            }
        }
    }

    /** Sets the row's HTTP outcome to {@code outcome}, with the append-only trigger off for this one UPDATE. */
    public Altered setOutcome(Altered row, int outcome) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL session_replication_role = replica");
            }
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE audit_event SET outcome = ? WHERE recorded_at = ? AND id = ?")) {
                s.setInt(1, outcome);
                s.setTimestamp(2, row.recordedAt());
                s.setObject(3, row.eventId());
                if (s.executeUpdate() != 1) {
                    c.rollback();
                    throw new SQLException("audit event " + row.eventId() + " not found");
                }
            }
            c.commit();
        }
        return new Altered(row.eventId(), row.recordedAt(), row.seq(), row.action(), row.agency(), row.oldOutcome(), outcome);
    }
}
