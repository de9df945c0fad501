package uk.safeguarding.gateway.e2e.console;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import uk.safeguarding.gateway.support.KeycloakResource;

/**
 * The packaged gateway, started as bin/run starts it (the development launcher: demo profile, embedded
 * PostgreSQL), on the fixed port the realm's console client lists as a redirect URI (Keycloak matches
 * redirect URIs exactly, port included), so the browser can complete the real login.
 */
final class ConsoleGateway implements AutoCloseable {

    /** Must be one of gateway-console's redirect URIs in keycloak/realm-safeguarding.json. */
    static final int PORT = Integer.parseInt(System.getenv().getOrDefault("CONSOLE_IT_PORT", "8093"));
    static final String BASE_URL = "http://127.0.0.1:" + PORT;

    private final Process process;

    private ConsoleGateway(Process process) {
        this.process = process;
    }

    static ConsoleGateway start() throws IOException, InterruptedException {
        Path target = Path.of("target").toAbsolutePath();
        Path jar = target.resolve("quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("Package the gateway first: " + jar + " is missing");
        }
        // Started as bin/run starts it: the development launcher (embedded PostgreSQL, then the jar).
        Path launcher = target.resolve("../../dev-launcher/target/dev-launcher-runnable.jar").normalize();
        if (!Files.exists(launcher)) {
            throw new IllegalStateException("Package the development launcher first: " + launcher + " is missing");
        }
        Path dir = target.resolve("console-it");
        Files.createDirectories(dir);
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", launcher.toString(), "--gateway-jar", jar.toString(), "--",
                // Flags appear within seconds, so the DPO journey can review one.
                "-Dgateway.audit.anomaly.interval=2s"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("GATEWAY_HTTP_PORT", Integer.toString(PORT));
        env.put("GATEWAY_EMBEDDED_DB_PORT", Integer.toString(freePort()));
        env.put("GATEWAY_EMBEDDED_DB_DIR", dir.resolve("pg-" + ProcessHandle.current().pid()).toString());
        env.put("GATEWAY_OIDC_ISSUER", KeycloakResource.REALM_URL);
        ConsoleGateway gateway = new ConsoleGateway(builder.start());
        gateway.awaitReady(Duration.ofMinutes(4));
        return gateway;
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The gateway stopped while starting; see target/console-it/gateway.log");
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(BASE_URL + "/q/health/ready").toURL().openConnection();
                c.setConnectTimeout(1000);
                // A stale gateway on the port (an earlier run killed half-way) must not hang the wait.
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("The gateway was not ready within " + timeout);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
