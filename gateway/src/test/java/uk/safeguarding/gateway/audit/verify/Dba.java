package uk.safeguarding.gateway.audit.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;

/**
 * One database session with the powers of a DBA who wants to rewrite history: session_replication_role
 * = replica switches off the append-only triggers for this session only.
 */
final class Dba implements AutoCloseable {

    final Connection connection;

    Dba() throws SQLException {
        connection = EmbeddedPostgresResource.database().dataSource().getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET session_replication_role = replica");
        }
    }

    int exec(String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            // execute(), not executeUpdate(): some statements here are SELECTs (taking a lock).
            return statement.execute() ? 0 : statement.getUpdateCount();
        }
    }

    @Override
    public void close() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET session_replication_role = origin");
        } finally {
            connection.close();
        }
    }
}
