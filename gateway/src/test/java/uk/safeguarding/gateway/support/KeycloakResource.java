package uk.safeguarding.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Keycloak for the end-to-end suite, started through the same bin/keycloak launcher the
 * README's run command uses (so the launcher itself is tested), and stopped afterwards only if
 * this run started it.
 */
public class KeycloakResource implements QuarkusTestResourceLifecycleManager {

    /** Same variable as bin/keycloak, so parallel checkouts can each run their own Keycloak. */
    public static final int PORT = Integer.getInteger("keycloak.port",
            Integer.parseInt(System.getenv().getOrDefault("KEYCLOAK_PORT", "8180")));
    public static final String BASE_URL = "http://127.0.0.1:" + PORT;
    public static final String REALM_URL = BASE_URL + "/realms/safeguarding";
    /** A test-only second realm with the same client and secret: its tokens must be refused. */
    public static final String OTHER_REALM_URL = BASE_URL + "/realms/safeguarding-test-other";

    private boolean startedHere;

    @Override
    public Map<String, String> start() {
        startedHere = run("status", 60) != 0;
        if (startedHere && run("start", 600) != 0) {
            throw new IllegalStateException("bin/keycloak start failed; see .local/keycloak/keycloak.log");
        }
        Path keys = projectRoot().resolve("gateway/src/test/resources/audit-keys");
        Map<String, String> config = new java.util.HashMap<>(ProdProfileTestSettings.settings());
        config.putAll(Map.of(
                // A small skew lets the suite show a real expired token refused within seconds.
                "mp.jwt.verify.clock.skew", "1",
                "mp.jwt.verify.issuer", REALM_URL,
                "mp.jwt.verify.publickey.location", REALM_URL + "/protocol/openid-connect/certs",
                // Onboarding talks to this Keycloak with the realm's dev-only onboarding account.
                "quarkus.keycloak.admin-client.server-url", BASE_URL,
                "quarkus.keycloak.admin-client.client-secret", "dev-secret-gateway-onboarding",
                // The packaged jar runs the prod profile against the dev realm, whose client secrets are the
                // dev-only ones: production's refusal of those is switched off here, and only here.
                "gateway.secrets.refuse-dev-defaults", "false",
                "quarkus.oidc.credentials.secret", "dev-secret-gateway-console",
                // The checkpoint key production requires: the test-only pair.
                "gateway.audit.signing.private-key", keys.resolve("ed25519-private.pem").toString(),
                "gateway.audit.signing.public-key", keys.resolve("ed25519-public.pem").toString()));
        return config;
    }

    @Override
    public void stop() {
        if (startedHere) {
            run("stop", 120);
        }
    }

    static Path projectRoot() {
        String configured = System.getProperty("project.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..").toAbsolutePath().normalize();
        if (!Files.isExecutable(root.resolve("bin/keycloak"))) {
            throw new IllegalStateException("bin/keycloak not found under " + root);
        }
        return root;
    }

    private static int run(String command, long timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(List.of(projectRoot().resolve("bin/keycloak").toString(), command))
                    .directory(projectRoot().toFile())
                    .inheritIO()
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("bin/keycloak " + command + " did not finish in " + timeoutSeconds + " s");
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run bin/keycloak " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
