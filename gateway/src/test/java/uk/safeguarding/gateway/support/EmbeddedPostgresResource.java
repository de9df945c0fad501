package uk.safeguarding.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * One real PostgreSQL for the whole test run, with its data under target/ (wiped by mvn clean), or the
 * external one named by {@code GATEWAY_TEST_DB_URL} (superuser {@code GATEWAY_TEST_DB_SUPERUSER}, default
 * postgres). Started before Quarkus so the datasource URLs can be handed over as configuration. The
 * gateway runs as the runtime role and Flyway as the owner role, as in production.
 */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    private static TestDatabase database;
    private static final String GENERATION = "gateway.test.embedded-pg.generation";

    @Override
    public synchronized Map<String, String> start() {
        if (database == null) {
            database = open();
        }
        return Map.of(
                "quarkus.datasource.reactive.url", database.reactiveUrl(),
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", EmbeddedDatabase.RUNTIME,
                "quarkus.datasource.password", EmbeddedDatabase.LOCAL_PASSWORD,
                "quarkus.flyway.username", EmbeddedDatabase.OWNER,
                "quarkus.flyway.password", EmbeddedDatabase.LOCAL_PASSWORD);
    }

    private static TestDatabase open() {
        String external = System.getenv("GATEWAY_TEST_DB_URL");
        if (external != null && !external.isBlank()) {
            String superuser = System.getenv().getOrDefault("GATEWAY_TEST_DB_SUPERUSER", EmbeddedDatabase.SUPERUSER);
            return TestDatabase.external(external, superuser);
        }
        // A @TestProfile restarts Quarkus in a new class loader, where the field starts null again while the
        // first instance still holds its data directory: each generation gets its own.
        int generation = Integer.getInteger(GENERATION, 0);
        System.setProperty(GENERATION, Integer.toString(generation + 1));
        try {
            return TestDatabase.embedded(EmbeddedDatabase.start(Path.of("target", "embedded-pg", "data-"
                    + ProcessHandle.current().pid() + (generation == 0 ? "" : "-" + generation)), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The running database, for tests that must look at or tamper with rows directly. */
    public static TestDatabase database() {
        return database;
    }

    @Override
    public synchronized void stop() {
        // Kept for the rest of the JVM: Quarkus restarts between test profiles and reuses it.
    }
}
