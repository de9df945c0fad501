package uk.safeguarding.gateway.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.flywaydb.core.Flyway;

/**
 * Ready only when the database answers through the reactive pool the requests use and every migration
 * this jar carries is applied. In production the serving pods do not migrate (a Job does, as the owner
 * role), so a pod of a new release must stay unready until the Job has brought the schema up to it.
 */
@Readiness
@ApplicationScoped
public class DatabaseSchemaReadiness implements AsyncHealthCheck {

    private static final String QUERY = "SELECT count(*) AS applied, max(version) AS version "
            + "FROM flyway_schema_history WHERE success AND version IS NOT NULL";

    private final Pool pool;
    private final Flyway flyway;
    /** Once nothing is pending it stays so: the jar's migrations are fixed and the schema only moves forward. */
    private volatile boolean upToDate;

    DatabaseSchemaReadiness(Pool pool, Flyway flyway) {
        this.pool = pool;
        this.flyway = flyway;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query(QUERY).execute()
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .chain(rows -> pending().map(pending -> {
                    Row row = rows.iterator().next();
                    long applied = row.getLong("applied");
                    return HealthCheckResponse.named("database-schema")
                            .status(applied > 0 && pending == 0)
                            .withData("migrationsApplied", applied)
                            .withData("migrationsPending", pending)
                            .withData("schemaVersion", String.valueOf(row.getString("version")))
                            .build();
                }))
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named("database-schema")
                        .down()
                        .withData("error", failure.getClass().getSimpleName())
                        .build());
    }

    /** Flyway reads the history table over the JDBC pool (the runtime role may read it: V67_1). */
    private Uni<Integer> pending() {
        if (upToDate) {
            return Uni.createFrom().item(0);
        }
        return Uni.createFrom().item(() -> {
                    int pending = flyway.info().pending().length;
                    upToDate = pending == 0;
                    return pending;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(Duration.ofSeconds(3)).fail();
    }
}
