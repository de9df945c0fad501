package uk.safeguarding.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Starts the embedded PostgreSQL, then the packaged gateway as a child JVM pointed at it, and stops
 * both in that order (gateway first, so it never sees its database vanish). Used by bin/run, the demo,
 * the benchmarks and the end-to-end tests; production runs the gateway's own jar with GATEWAY_DB_URL.
 *
 * <pre>
 * java -jar dev-launcher/target/dev-launcher-runnable.jar [--gateway-jar JAR] [--pid-file FILE] [-- JVM options...]
 * </pre>
 *
 * Environment: GATEWAY_EMBEDDED_DB_DIR (.local/postgres), GATEWAY_EMBEDDED_DB_PORT (15432),
 * QUARKUS_PROFILE (demo). With GATEWAY_DB_URL set no database is started: the gateway gets that one.
 * Everything else in the environment is passed to the gateway unchanged.
 */
public final class DevLauncher {

    /** What zonky says when the classpath has no binaries for this platform. */
    private static final String NO_BINARIES = "Missing embedded postgres binaries";
    /** Exit status for a configuration the launcher cannot run (sysexits EX_CONFIG). */
    private static final int EX_CONFIG = 78;

    private DevLauncher() {
    }

    public static void main(String[] args) throws Exception {
        // zonky logs PostgreSQL's own output at INFO; the gateway's log is what a developer reads.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path gatewayJar = Path.of("gateway/target/quarkus-app/quarkus-run.jar");
        Path pidFile = null;
        List<String> jvmOptions = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway-jar" -> gatewayJar = Path.of(args[++i]);
                case "--pid-file" -> pidFile = Path.of(args[++i]);
                case "--" -> {
                    jvmOptions.addAll(List.of(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (!Files.isRegularFile(gatewayJar)) {
            usage("no gateway at " + gatewayJar + ": build it first (./mvnw -DskipTests package)");
        }
        EmbeddedDatabase database = null;
        if (env("GATEWAY_DB_URL") == null) {
            Path dataDir = Path.of(orDefault(env("GATEWAY_EMBEDDED_DB_DIR"), ".local/postgres"));
            int port = Integer.parseInt(orDefault(env("GATEWAY_EMBEDDED_DB_PORT"), "15432"));
            database = startDatabase(dataDir, port);
        }
        Process gateway = startGateway(gatewayJar, jvmOptions, database);
        if (pidFile != null) {
            Files.writeString(pidFile, gateway.pid() + "\n");
        }
        EmbeddedDatabase toStop = database;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(gateway, toStop), "dev-launcher-stop"));
        int status = gateway.waitFor();
        System.exit(status);
    }

    private static EmbeddedDatabase startDatabase(Path dataDir, int port) throws IOException {
        try {
            return EmbeddedDatabase.start(dataDir, port, false);
        } catch (IOException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (String.valueOf(t.getMessage()).contains(NO_BINARIES)) {
                    System.err.printf(Locale.ROOT, "dev-launcher: no embedded PostgreSQL binaries for %s %s (the"
                            + " build declares them for linux and macOS on amd64 and arm64). Point the gateway at an"
                            + " external PostgreSQL instead: GATEWAY_DB_URL=postgresql://127.0.0.1:5432/gateway"
                            + " GATEWAY_DB_USER=gateway_app GATEWAY_DB_PASSWORD=... GATEWAY_DB_OWNER_PASSWORD=... bin/run (README, \"Using an external"
                            + " PostgreSQL\").%n", System.getProperty("os.name"), System.getProperty("os.arch"));
                    System.exit(EX_CONFIG);
                }
            }
            throw e;
        }
    }

    private static Process startGateway(Path jar, List<String> jvmOptions, EmbeddedDatabase database)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dquarkus.profile=" + orDefault(env("QUARKUS_PROFILE"), "demo"));
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        if (database != null) {
            builder.environment().putAll(database.gatewayEnvironment());
        }
        return builder.start();
    }

    /** Gateway first (SIGTERM, its graceful shutdown), then the database it was using. */
    private static void stop(Process gateway, EmbeddedDatabase database) {
        try {
            if (gateway.isAlive()) {
                gateway.destroy();
                if (!gateway.waitFor(60, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (database != null) {
                try {
                    database.close();
                } catch (IOException e) {
                    System.err.println("dev-launcher: could not stop the embedded PostgreSQL: " + e.getMessage());
                }
            }
        }
    }

    private static void usage(String problem) {
        System.err.println("dev-launcher: " + problem);
        System.err.println("usage: java -jar dev-launcher/target/dev-launcher-runnable.jar [--gateway-jar JAR] [--pid-file FILE]"
                + " [-- JVM options for the gateway]");
        System.exit(64);
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : value;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
