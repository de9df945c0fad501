package uk.safeguarding.gateway.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import uk.safeguarding.launcher.EmbeddedDatabase;

/**
 * One gateway replica as production runs it: the packaged jar ({@code target/quarkus-app}) in its own
 * JVM and working folder, prod profile, against a given PostgreSQL, with tokens checked against the
 * test realm's JWKS file and the test checkpoint-signing key (every replica signs with the same key,
 * as a Kubernetes Secret would give them).
 */
final class GatewayReplica implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String name;
    final int port;
    final Path log;
    private final Process process;

    private GatewayReplica(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    static GatewayReplica start(String name, int port, EmbeddedDatabase db, Path workRoot) throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Path jar = target.resolve("quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no packaged gateway at " + jar + ": run the integration tests with `verify`");
        }
        Path testClasses = target.resolve("test-classes");
        Path dir = Files.createDirectories(workRoot.resolve(name));
        Path log = dir.resolve("gateway.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small heaps and the C1 compiler only: three JVMs share a CI machine's cores with the test.
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dgateway.audit.signing.private-key=" + testClasses.resolve("audit-keys/ed25519-private.pem"),
                "-Dgateway.audit.signing.public-key=" + testClasses.resolve("audit-keys/ed25519-public.pem"),
                "-jar", jar.toString()));
        // Before -jar: the prod profile's test-only settings (encryption key, receivers on loopback).
        uk.safeguarding.gateway.support.ProdProfileTestSettings.settings()
                .forEach((key, value) -> command.add(command.size() - 2, "-D" + key + "=" + value));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("GATEWAY_HTTP_PORT", Integer.toString(port));
        env.putAll(db.gatewayEnvironment());
        env.put("GATEWAY_DB_POOL_SIZE", "10");
        env.put("GATEWAY_OIDC_ISSUER", uk.safeguarding.gateway.support.TestTokens.ISSUER);
        env.put("GATEWAY_OIDC_JWKS_URL", "file:" + testClasses.resolve("test-keys/jwks.json"));
        env.put("GATEWAY_PUBLIC_BASE_URL", "http://127.0.0.1:" + port);
        env.put("GATEWAY_ALERT_DISPATCH_INTERVAL", "500ms");
        // Production refuses to start without the console's client secret; these replicas never use the console.
        env.put("GATEWAY_CONSOLE_CLIENT_SECRET", "scale-out-test-only-console-secret");
        return new GatewayReplica(name, port, log, builder.start());
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log + ":\n" + tail());
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + "; log " + log + ":\n" + tail());
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The preferred port when it is free (the CI machine's convention), otherwise any free one. */
    static int port(int preferred) {
        for (int candidate : new int[] {preferred, 0}) {
            try (ServerSocket socket = new ServerSocket(candidate)) {
                socket.setReuseAddress(true);
                return socket.getLocalPort();
            } catch (IOException taken) {
                // Try the next.
            }
        }
        throw new UncheckedIOException(new IOException("no free port"));
    }
}
