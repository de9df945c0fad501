package uk.safeguarding.gateway;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import uk.safeguarding.gateway.database.EmbeddedDatabase;

/**
 * Starts the embedded PostgreSQL before Quarkus when no database is configured, because the
 * datasource URLs are read once at boot. Tests start theirs from a test resource instead.
 */
@QuarkusMain
public final class GatewayMain {

    /** Profiles in which a missing database configuration means "start an embedded one". */
    private static final Set<String> EMBEDDED_PROFILES = Set.of("dev", "demo", "test");

    private GatewayMain() {
    }

    public static void main(String... args) throws Exception {
        String profile = activeProfile();
        if (setting("GATEWAY_DB_URL", "gateway.db.url") != null
                || setting("QUARKUS_DATASOURCE_REACTIVE_URL", "quarkus.datasource.reactive.url") != null) {
            Quarkus.run(args);
            return;
        }
        if (!EMBEDDED_PROFILES.contains(profile)) {
            System.err.println("No database configured: set GATEWAY_DB_URL (for example"
                    + " postgresql://db.example:5432/gateway), GATEWAY_DB_USER and GATEWAY_DB_PASSWORD,"
                    + " or run with the 'demo' profile (-Dquarkus.profile=demo) for an embedded PostgreSQL.");
            System.exit(78);
        }
        Path dataDir = Path.of(orDefault(setting("GATEWAY_EMBEDDED_DB_DIR", "gateway.embedded-db.dir"), ".local/postgres"));
        int port = Integer.parseInt(orDefault(setting("GATEWAY_EMBEDDED_DB_PORT", "gateway.embedded-db.port"), "15432"));
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir, port)) {
            System.setProperty("GATEWAY_DB_URL", database.reactiveUrl());
            System.setProperty("GATEWAY_DB_USER", EmbeddedDatabase.USER);
            System.setProperty("GATEWAY_DB_PASSWORD", "");
            Quarkus.run(args);
        }
    }

    private static String activeProfile() {
        String explicit = setting("QUARKUS_PROFILE", "quarkus.profile");
        if (explicit != null) {
            return explicit.split(",")[0].trim().toLowerCase(Locale.ROOT);
        }
        return LaunchMode.current().getDefaultProfile();
    }

    private static String setting(String envName, String propertyName) {
        String value = System.getProperty(propertyName, System.getProperty(envName, System.getenv(envName)));
        return value == null || value.isBlank() ? null : value;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
