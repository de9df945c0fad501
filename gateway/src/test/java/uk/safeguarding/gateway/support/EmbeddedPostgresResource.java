package uk.safeguarding.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * One real PostgreSQL for the whole test run, with its data under target/ (wiped by mvn clean).
 * Started before Quarkus so the datasource URLs can be handed over as configuration.
 */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedDatabase database;
    private static final String GENERATION = "gateway.test.embedded-pg.generation";

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (database == null) {
                // A @TestProfile restarts Quarkus in a new class loader, where this field starts null again
                // while the first instance still holds its data directory: each generation gets its own.
                int generation = Integer.getInteger(GENERATION, 0);
                System.setProperty(GENERATION, Integer.toString(generation + 1));
                database = EmbeddedDatabase.start(Path.of("target", "embedded-pg", "data-" + ProcessHandle.current().pid()
                        + (generation == 0 ? "" : "-" + generation)), 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "quarkus.datasource.reactive.url", database.reactiveUrl(),
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", EmbeddedDatabase.USER,
                "quarkus.datasource.password", "");
    }

    /** The running database, for tests that must look at or tamper with rows directly. */
    public static EmbeddedDatabase database() {
        return database;
    }

    @Override
    public synchronized void stop() {
        // Kept for the rest of the JVM: Quarkus restarts between test profiles and reuses it.
    }
}
