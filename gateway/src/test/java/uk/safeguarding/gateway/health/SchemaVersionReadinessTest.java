package uk.safeguarding.gateway.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.EmbeddedPostgresResource;
import uk.safeguarding.gateway.support.TestDatabase;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * A serving pod does not migrate in production: it must stay unready while its jar carries migrations the
 * database lacks (the migration Job has not run yet), and become ready once they are applied.
 */
@QuarkusTest
class SchemaVersionReadinessTest {

    @Inject
    Pool pool;

    @Test
    void unreadyUntilEveryMigrationOfTheJarIsApplied() throws Exception {
        TestDatabase database = EmbeddedPostgresResource.database();
        String name = "readiness_" + ProcessHandle.current().pid();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("CREATE DATABASE " + name + " OWNER " + EmbeddedDatabase.OWNER);
        }
        try {
            // An older release's schema, as the owner would have left it.
            Flyway.configure().dataSource(database.dataSource(name, EmbeddedDatabase.OWNER)).locations("classpath:db/migration")
                    .target(MigrationVersion.fromVersion("66.1")).load().migrate();
            // What a serving pod has: the jar's migrations, read through the runtime role.
            Flyway asRuntime = Flyway.configure().dataSource(database.dataSource(name, EmbeddedDatabase.RUNTIME))
                    .locations("classpath:db/migration").load();
            HealthCheckResponse before = new DatabaseSchemaReadiness(pool, asRuntime).call().await().atMost(Duration.ofSeconds(30));
            assertEquals(HealthCheckResponse.Status.DOWN, before.getStatus(), "an older schema: not ready " + before.getData());

            Flyway.configure().dataSource(database.dataSource(name, EmbeddedDatabase.OWNER)).locations("classpath:db/migration")
                    .load().migrate();
            HealthCheckResponse after = new DatabaseSchemaReadiness(pool, asRuntime).call().await().atMost(Duration.ofSeconds(30));
            assertEquals(HealthCheckResponse.Status.UP, after.getStatus(), after.getData().toString());
            assertEquals(0L, ((Number) after.getData().orElseThrow().get("migrationsPending")).longValue());

            // The newest migration of the jar not recorded as applied: the runtime role reads the history and waits.
            try (Connection c = database.dataSource(name, database.superuser()).getConnection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM flyway_schema_history WHERE installed_rank = (SELECT max(installed_rank) FROM flyway_schema_history)");
            }
            HealthCheckResponse behind = new DatabaseSchemaReadiness(pool, asRuntime).call().await().atMost(Duration.ofSeconds(30));
            assertEquals(HealthCheckResponse.Status.DOWN, behind.getStatus(), behind.getData().toString());
            assertEquals(1L, ((Number) behind.getData().orElseThrow().get("migrationsPending")).longValue(), behind.getData().toString());
        } finally {
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }
}
