package uk.safeguarding.gateway.packaging;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.ProdProfileTestSettings;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * The packaged gateway started as production starts it (prod profile, a real PostgreSQL) but without
 * its secrets: it must refuse, saying which setting is missing and how to provide it, rather than run
 * on a dev default or sign nothing. No Keycloak needed (the issuer points at a closed port).
 */
class ProductionSecretsRefusalIT {

    private static final Path APP = Path.of("target", "quarkus-app").toAbsolutePath();

    private static String start(EmbeddedDatabase db, Map<String, String> env) throws Exception {
        Path log = Files.createTempFile("prod-refusal", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", APP.resolve("quarkus-run.jar").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).directory(Files.createTempDirectory("prod-refusal").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_") || k.startsWith("QUARKUS_"));
        builder.environment().putAll(db.gatewayEnvironment());
        builder.environment().putAll(Map.of("GATEWAY_HTTP_PORT", "0", "GATEWAY_OIDC_ISSUER", "http://127.0.0.1:9/realms/safeguarding"));
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the gateway should refuse and stop by itself: " + Files.readString(log));
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertNotEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    void aProductionStartWithoutItsSecretsIsRefusedNamingEachOne() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(Files.createTempDirectory("prod-refusal-pg"), 0, false)) {
            String none = start(db, Map.of("GATEWAY_ONBOARDING_CLIENT_SECRET", "dev-secret-gateway-onboarding"));
            for (String named : List.of("Refusing to start in production", "gateway.secrets.key (GATEWAY_SECRETS_KEY)",
                    "quarkus.oidc.credentials.secret is not set", "quarkus.keycloak.admin-client.client-secret has a dev-only default",
                    "gateway.identity.match-key (GATEWAY_IDENTITY_MATCH_KEY)")) {
                assertTrue(none.contains(named), "names " + named + ":\n" + none);
            }

            String noSigningKey = start(db, Map.of("GATEWAY_SECRETS_KEY", ProdProfileTestSettings.ENCRYPTION_KEY,
                    "GATEWAY_CONSOLE_CLIENT_SECRET", "prod-refusal-test-only", "GATEWAY_AUDIT_SIGNING_DIR", "/nonexistent/audit-signing",
                    "GATEWAY_IDENTITY_MATCH_KEY", "it-only-matching-key-not-for-production-use"));
            for (String named : List.of("/nonexistent/audit-signing/private.pem", "GATEWAY_AUDIT_SIGNING_PRIVATE_KEY",
                    "gateway-audit-signing-key")) {
                assertTrue(noSigningKey.contains(named), "names " + named + ":\n" + noSigningKey);
            }
        }
    }
}
