package uk.safeguarding.gateway.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the database answers through the reactive pool the requests use and Flyway's
 * migrations are recorded as applied.
 */
@Readiness
@ApplicationScoped
public class DatabaseSchemaReadiness implements AsyncHealthCheck {

    private static final String QUERY = "SELECT count(*) AS applied, max(version) AS version "
            + "FROM flyway_schema_history WHERE success AND version IS NOT NULL";

    private final Pool pool;

    DatabaseSchemaReadiness(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query(QUERY).execute()
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    long applied = row.getLong("applied");
                    return HealthCheckResponse.named("database-schema")
                            .status(applied > 0)
                            .withData("migrationsApplied", applied)
                            .withData("schemaVersion", String.valueOf(row.getString("version")))
                            .build();
                })
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named("database-schema")
                        .down()
                        .withData("error", failure.getClass().getSimpleName())
                        .build());
    }
}
