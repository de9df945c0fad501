package uk.safeguarding.gateway;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Refuses to start without a database, with the fix in the message, instead of failing later inside
 * the datasource. The gateway never starts a database itself: the embedded PostgreSQL of bin/run, the
 * demo and the end-to-end tests belongs to the development launcher (dev-launcher/), so the production
 * artifact carries no PostgreSQL binaries.
 */
@QuarkusMain
public final class GatewayMain {

    /** sysexits EX_CONFIG: the configuration is incomplete. */
    private static final int EX_CONFIG = 78;

    private GatewayMain() {
    }

    public static void main(String... args) {
        if (setting("GATEWAY_DB_URL", "gateway.db.url") == null
                && setting("QUARKUS_DATASOURCE_REACTIVE_URL", "quarkus.datasource.reactive.url") == null) {
            System.err.println("No database configured: set GATEWAY_DB_URL (for example"
                    + " postgresql://db.example:5432/gateway), GATEWAY_DB_USER and GATEWAY_DB_PASSWORD."
                    + " For a local embedded PostgreSQL, start the gateway with bin/run (it uses the development"
                    + " launcher, dev-launcher/target/dev-launcher-runnable.jar).");
            System.exit(EX_CONFIG);
        }
        Quarkus.run(args);
    }

    private static String setting(String envName, String propertyName) {
        String value = System.getProperty(propertyName, System.getProperty(envName, System.getenv(envName)));
        return value == null || value.isBlank() ? null : value;
    }
}
