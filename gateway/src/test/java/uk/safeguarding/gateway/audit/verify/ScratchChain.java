package uk.safeguarding.gateway.audit.verify;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import uk.safeguarding.gateway.alert.WebhookSigner;
import uk.safeguarding.gateway.audit.AuditTestSupport;
import uk.safeguarding.gateway.audit.AuditTrail;
import uk.safeguarding.gateway.audit.chain.AuditCheckpointer;
import uk.safeguarding.gateway.audit.chain.AuditSealer;
import uk.safeguarding.gateway.audit.chain.CheckpointSigner;
import uk.safeguarding.gateway.audit.chain.SigningKeys;
import uk.safeguarding.gateway.audit.witness.WitnessPusher;
import uk.safeguarding.gateway.audit.witness.WitnessServer;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * An audit chain of its own, outside Quarkus, for tests that must do what the shared suite database
 * cannot survive: delete its tail, rewrite it, stop it and restore a copy. A real embedded PostgreSQL
 * with the real migrations, the real AuditTrail, sealer and checkpointer (the test key), whose
 * checkpoints the real WitnessPusher delivers to a real witness (bin/audit-witness's server).
 */
public final class ScratchChain implements AutoCloseable {

    public static final String WITNESS_SECRET = WebhookSigner.newSecret();

    public final EmbeddedDatabase database;
    public final String name;
    private final boolean ownsDatabase;
    public final Vertx vertx = Vertx.vertx();
    public final Pool pool;
    public final AuditTrail trail;
    public final AuditSealer sealer;
    public final AuditCheckpointer checkpointer;
    public final WitnessPusher pusher;
    public final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    /** Starts PostgreSQL on {@code dataDirectory} (new or existing), migrates, and pushes checkpoints to {@code witnessUrl}. */
    public static ScratchChain start(Path dataDirectory, URI witnessUrl) throws IOException {
        EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0, false);
        Flyway.configure().dataSource(dataSource(database, EmbeddedDatabase.DATABASE)).locations("classpath:db/migration")
                .load().migrate();
        return new ScratchChain(database, EmbeddedDatabase.DATABASE, witnessUrl, true);
    }

    /** A migrated template database in {@code database}, to copy a fresh chain from per test. */
    public static void createTemplate(EmbeddedDatabase database, String template) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + template);
        }
        Flyway.configure().dataSource(dataSource(database, template)).locations("classpath:db/migration").load().migrate();
    }

    /** A fresh chain in a new database copied from {@code template} (fast: no migrations). */
    public static ScratchChain fromTemplate(EmbeddedDatabase database, String template, String name, URI witnessUrl)
            throws SQLException, IOException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            // FILE_COPY: the default (WAL_LOG) dirties every copied page, and the shutdown checkpoint then outlasts pg_ctl's wait.
            s.execute("CREATE DATABASE " + name + " TEMPLATE " + template + " STRATEGY FILE_COPY");
        }
        return new ScratchChain(database, name, witnessUrl, false);
    }

    private ScratchChain(EmbeddedDatabase database, String name, URI witnessUrl, boolean ownsDatabase) throws IOException {
        this.database = database;
        this.name = name;
        this.ownsDatabase = ownsDatabase;
        PgConnectOptions connect = new PgConnectOptions().setHost("127.0.0.1").setPort(database.port())
                .setDatabase(name).setUser(EmbeddedDatabase.SUPERUSER);
        pool = Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connect)
                .using(vertx.getDelegate()).build());
        trail = new AuditTrail(pool);
        sealer = new AuditSealer(pool, 2000);
        pusher = new WitnessPusher(witnessUrl == null ? List.of()
                : List.of(new WitnessPusher.Endpoint("dpo-test", witnessUrl, WITNESS_SECRET)), 100,
                Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(5), metrics);
        checkpointer = new AuditCheckpointer(pool, new CheckpointSigner(keyPair()), 1000, Duration.ofSeconds(8), 10_000,
                pusher::offer, metrics);
    }

    /** The test suite's checkpoint key pair (dev-only, gateway/src/test/resources/audit-keys). */
    public static KeyPair keyPair() throws IOException {
        return new KeyPair(publicKey(), SigningKeys.privateKey(SigningKeys.read("classpath:audit-keys/ed25519-private.pem")));
    }

    public static PublicKey publicKey() throws IOException {
        return SigningKeys.publicKey(SigningKeys.read("classpath:audit-keys/ed25519-public.pem"));
    }

    public static Map<String, PublicKey> trustedKeys() throws IOException {
        PublicKey key = publicKey();
        return Map.of(SigningKeys.keyId(key), key);
    }

    /** A witness as an agency would run it, its copy under {@code directory}, on a free port. */
    public static WitnessServer witness(Path directory) throws IOException {
        return new WitnessServer(directory, new InetSocketAddress("127.0.0.1", 0), List.of(WITNESS_SECRET), trustedKeys());
    }

    public static URI pushUrl(WitnessServer witness) {
        return URI.create("http://127.0.0.1:" + witness.port() + "/checkpoints");
    }

    /** {@code n} audited requests, sealed and covered by one signed checkpoint (pushed to the witness). */
    public void checkpointed(int n) {
        sealed(n);
        checkpointer.checkpointAll().await().atMost(Duration.ofSeconds(30));
    }

    /** {@code n} audited requests, sealed but not yet checkpointed. */
    public void sealed(int n) {
        for (int i = 0; i < n; i++) {
            AuditTestSupport.Entry.permit().record(trail);
        }
        sealer.sealAvailable(true).await().atMost(Duration.ofSeconds(30));
    }

    /** Waits until the witness has acknowledged every checkpoint this chain signed. */
    public void witnessed() {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> pusher.behind("dpo-test") == 0);
    }

    public Connection connect() throws SQLException {
        return dataSource(database, name).getConnection();
    }

    /** A superuser session with the append-only triggers switched off: the attacker. */
    public Connection attacker() throws SQLException {
        Connection connection = connect();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET session_replication_role = replica");
        }
        return connection;
    }

    public VerificationReport verify(WitnessCopy... witnesses) throws IOException, SQLException {
        try (Connection connection = connect()) {
            return JdbcAuditSource.verify(connection, trustedKeys(), List.of(witnesses));
        }
    }

    private static PGSimpleDataSource dataSource(EmbeddedDatabase database, String name) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[] {"127.0.0.1"});
        source.setPortNumbers(new int[] {database.port()});
        source.setDatabaseName(name);
        source.setUser(EmbeddedDatabase.SUPERUSER);
        return source;
    }

    /**
     * Stops the pusher and the pool, and PostgreSQL if this chain started it (a clean shutdown: the data
     * directory can then be copied).
     */
    @Override
    public void close() throws IOException {
        pusher.close();
        pool.close().await().atMost(Duration.ofSeconds(10));
        vertx.close().await().atMost(Duration.ofSeconds(10));
        if (ownsDatabase) {
            database.close();
        }
    }

    /** A filesystem backup: the stopped data directory copied elsewhere. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                    // PostgreSQL refuses a data directory others can read (0700 or 0750 only).
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(path));
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = new ArrayList<>(paths.toList());
            all.sort(Comparator.reverseOrder());
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
