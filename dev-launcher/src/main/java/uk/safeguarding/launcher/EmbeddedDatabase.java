package uk.safeguarding.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL 17 (zonky's embedded binaries) for demo, dev, benchmarks and tests, started before
 * the gateway reads its datasource URLs. Lives outside the gateway so that the production artifact
 * carries no PostgreSQL binaries; never used when an external database is configured.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** The database the gateway's schema lives in. */
    public static final String DATABASE = "gateway";
    /** Zonky's superuser; trust authentication on loopback, which is acceptable for a local-only server. */
    public static final String USER = "postgres";

    private static final System.Logger LOG = System.getLogger(EmbeddedDatabase.class.getName());

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts PostgreSQL with its data in {@code dataDirectory}; existing data is kept, so a demo
     * survives restarts. {@code port} 0 picks a free port.
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port) throws IOException {
        return start(dataDirectory, port, true);
    }

    /**
     * As {@link #start(Path, int)}; with {@code stopAtExit} false the caller stops it with {@link #close()}
     * (the launcher must stop the gateway before its database, which zonky's own exit hook would race).
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port, boolean stopAtExit) throws IOException {
        Path absolute = dataDirectory.toAbsolutePath().normalize();
        Files.createDirectories(absolute.getParent());
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(absolute)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(stopAtExit)
                .setPGStartupWait(Duration.ofSeconds(60))
                // Durable commits, as in production: benchmarks must not flatter the gateway.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200");
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder.start();
        createDatabaseIfMissing(postgres);
        LOG.log(System.Logger.Level.INFO, "Embedded PostgreSQL started on 127.0.0.1:{0,number,#} with data in {1}",
                postgres.getPort(), absolute);
        return new EmbeddedDatabase(postgres);
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres postgres) throws IOException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            statement.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IOException("Could not create the embedded database '" + DATABASE + "'", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** A JDBC data source on the gateway database, for set-up and for tests that inspect rows. */
    public javax.sql.DataSource dataSource() {
        return postgres.getDatabase(USER, DATABASE);
    }

    /** The URL without the {@code jdbc:} prefix, the form the reactive client takes. */
    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    public String jdbcUrl() {
        return "jdbc:" + reactiveUrl();
    }

    @Override
    public void close() throws IOException {
        postgres.close();
        LOG.log(System.Logger.Level.INFO, "Embedded PostgreSQL stopped");
    }
}
