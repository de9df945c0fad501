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
    /**
     * Zonky's superuser; trust authentication on loopback, which is acceptable for a local-only server.
     * Only set-up and tests that play the DBA or the attacker use it: never the gateway.
     */
    public static final String SUPERUSER = "postgres";
    /** Owns the database, its schema and every object in it; Flyway migrates as this role. */
    public static final String OWNER = "gateway_owner";
    /** The serving gateway's role: owns nothing, holds the grants of V67_1 (docs/SECURITY.md). */
    public static final String RUNTIME = "gateway_app";
    /**
     * Trust authentication accepts any password; Quarkus' Flyway uses its own credentials only when a
     * password is given, so the launcher and the tests hand over this one.
     */
    public static final String LOCAL_PASSWORD = "local-trust-auth";

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
                .setServerConfig("max_connections", "200")
                // The gateway's role may not vacuum the sealer's queue (it owns nothing): autovacuum
                // must visit often, as in production (k8s/base/postgres/gateway-db.yaml).
                .setServerConfig("autovacuum_naptime", "10s");
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder.start();
        createRolesAndDatabase(postgres);
        LOG.log(System.Logger.Level.INFO, "Embedded PostgreSQL started on 127.0.0.1:{0,number,#} with data in {1}",
                postgres.getPort(), absolute);
        return new EmbeddedDatabase(postgres);
    }

    /**
     * The two roles, and the database owned by the owner role. A data directory from before the roles
     * existed has its objects owned by the superuser that migrated it: they are handed to the owner role,
     * so the next migration (run as the owner) can grant on them.
     */
    private static void createRolesAndDatabase(EmbeddedPostgres postgres) throws IOException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            for (String role : new String[] {OWNER, RUNTIME}) {
                if (!exists(statement, "SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'")) {
                    statement.execute("CREATE ROLE " + role + " LOGIN");
                }
            }
            if (exists(statement, "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                statement.execute("ALTER DATABASE " + DATABASE + " OWNER TO " + OWNER);
            } else {
                statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + OWNER);
            }
        } catch (SQLException e) {
            throw new IOException("Could not create the embedded database '" + DATABASE + "' and its roles", e);
        }
        try (Connection connection = postgres.getDatabase(SUPERUSER, DATABASE).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(REASSIGN_TO_OWNER);
        } catch (SQLException e) {
            throw new IOException("Could not hand the embedded database's objects to " + OWNER, e);
        }
    }

    private static boolean exists(Statement statement, String query) throws SQLException {
        try (ResultSet rs = statement.executeQuery(query)) {
            return rs.next();
        }
    }

    /** REASSIGN OWNED BY postgres is refused (it owns the system catalogs): each object is moved instead. */
    private static final String REASSIGN_TO_OWNER = """
            DO $$
            DECLARE r record;
            BEGIN
                FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
                         JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                           AND c.relowner <> '%1$s'::regrole LOOP
                    EXECUTE format('ALTER %%s %%s OWNER TO %1$s',
                        CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                       WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                        r.name);
                END LOOP;
                FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                         WHERE n.nspname = 'public' AND p.proowner <> '%1$s'::regrole LOOP
                    EXECUTE format('ALTER ROUTINE %%s OWNER TO %1$s', r.name);
                END LOOP;
            END
            $$""".formatted(OWNER);

    public int port() {
        return postgres.getPort();
    }

    /** A superuser JDBC data source on the gateway database, for set-up and for tests that play the DBA. */
    public javax.sql.DataSource dataSource() {
        return postgres.getDatabase(SUPERUSER, DATABASE);
    }

    /** A JDBC data source on the gateway database as {@code role} ({@link #OWNER} or {@link #RUNTIME}). */
    public javax.sql.DataSource dataSource(String role) {
        return postgres.getDatabase(role, DATABASE);
    }

    /** The URL without the {@code jdbc:} prefix, the form the reactive client takes. */
    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    public String jdbcUrl() {
        return "jdbc:" + reactiveUrl();
    }

    /**
     * What a gateway process started on this database is given (application.properties): it serves as
     * the runtime role and migrates as the owner role.
     */
    public java.util.Map<String, String> gatewayEnvironment() {
        return java.util.Map.of(
                "GATEWAY_DB_URL", reactiveUrl(),
                "GATEWAY_DB_USER", RUNTIME,
                "GATEWAY_DB_PASSWORD", LOCAL_PASSWORD,
                "GATEWAY_DB_OWNER_USER", OWNER,
                "GATEWAY_DB_OWNER_PASSWORD", LOCAL_PASSWORD);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
        LOG.log(System.Logger.Level.INFO, "Embedded PostgreSQL stopped");
    }
}
