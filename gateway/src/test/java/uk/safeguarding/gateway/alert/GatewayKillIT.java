package uk.safeguarding.gateway.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.safeguarding.launcher.EmbeddedDatabase;
import uk.safeguarding.gateway.support.TestTokens;
import uk.safeguarding.gateway.support.WebhookReceiver;

/**
 * The packaged gateway as real processes on one PostgreSQL: two replicas dispatching at once, one
 * killed with SIGKILL mid-delivery, then the other killed too and the first restarted. Every alert
 * reaches the slow loopback receiver; a repeat only ever carries the same {@code webhook-id}; every
 * delivery verifies with the published Standard Webhooks library (not the gateway's code).
 *
 * <p>Ports 8097/8098 and database port 15497 (never the developer's 8080/15432).
 */
class GatewayKillIT {

    static final int PORT_A = 8097;
    static final int PORT_B = 8098;
    static final int DB_PORT = 15497;
    static final String AGENCY = "provider:SC654321";
    static final Path WORK = Path.of("target", "gateway-kill-it").toAbsolutePath();

    static EmbeddedDatabase database;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void startDatabase() throws IOException {
        Path data = WORK.resolve("postgres-" + System.nanoTime());
        database = EmbeddedDatabase.start(data, DB_PORT);
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    /** Starts {@code target/quarkus-app/quarkus-run.jar} as its own JVM on this database. */
    static Process startGateway(String name, int port) throws IOException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), "package the gateway first: " + jar);
        Path jwks = Path.of("target", "test-classes", "test-keys", "jwks.json").toAbsolutePath();
        Path dir = Files.createDirectories(WORK.resolve(name));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dquarkus.profile=demo",
                // Flyway at start on a loaded shared machine: wait for a connection rather than fail.
                "-Dquarkus.datasource.jdbc.acquisition-timeout=PT120S",
                "-Dmp.jwt.verify.issuer=" + TestTokens.ISSUER,
                "-Dmp.jwt.verify.publickey.location=file:" + jwks,
                // Short lease and small batches so a kill lands mid-delivery and the take-over is quick.
                "-Dgateway.alert.lease=PT3S",
                "-Dgateway.alert.batch-size=8",
                "-Dgateway.alert.parallel-claims=1",
                "-Dgateway.alert.dispatch-interval=250ms",
                "-Dgateway.alert.initial-backoff=PT0.2S",
                "-Dgateway.alert.max-backoff=PT1S",
                "-jar", jar.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("gateway.log").toFile()));
        pb.environment().put("GATEWAY_HTTP_PORT", Integer.toString(port));
        pb.environment().putAll(database.gatewayEnvironment());
        pb.environment().put("GATEWAY_PUBLIC_BASE_URL", "http://127.0.0.1:" + port);
        Process process = pb.start();
        // Registered before the wait, so a replica that never became ready is still killed at the end.
        STARTED.add(process);
        await(Duration.ofSeconds(300), () -> {
            assertTrue(process.isAlive(), name + " exited; see " + dir.resolve("gateway.log"));
            // Live is enough: the dispatcher needs the database (migrated at start), not the FHIR warm-up.
            return status(port, "/q/health/live") == 200;
        });
        return process;
    }

    static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGKILL: no shutdown hook, no graceful drain, claims left as they were. */
    static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        // Process.destroyForcibly is SIGKILL on Linux; the process must be gone, whatever status it reports.
        assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the gateway is dead");
    }

    static void await(Duration atMost, BooleanSupplier condition) {
        Instant end = Instant.now().plus(atMost);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("condition not met within " + atMost);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static String subscribe(int port, WebhookReceiver receiver) throws Exception {
        String admin = TestTokens.forAgency("la:E09000030").roles("admin").subject("admin-kill-it").sign();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/admin/subscriptions"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"agency\": \"" + AGENCY + "\", \"url\": \"" + receiver.url(AGENCY) + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return new io.vertx.core.json.JsonObject(response.body()).getString("secret");
    }

    /** Queues n alerts as a committed event would (the outbox row is all the dispatcher sees). */
    static Set<String> queue(int n) throws SQLException {
        String tag = "kill-it-" + System.nanoTime();
        DataSource ds = database.dataSource();
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO alert (id, recipient_agency, event, payload) "
                    + "SELECT gen_random_uuid(), ?, ?, jsonb_build_object('n', g) FROM generate_series(1, ?) g")) {
                insert.setString(1, AGENCY);
                insert.setString(2, tag);
                insert.setInt(3, n);
                insert.executeUpdate();
            }
            return strings(c, "SELECT id::text FROM alert WHERE event = ?", tag);
        }
    }

    static long delivered(Set<String> ids) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement q = c.prepareStatement(
                        "SELECT count(*) FROM alert WHERE id::text = ANY(?) AND status = 'DELIVERED'")) {
            q.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<String> strings(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, param);
            try (ResultSet rs = q.executeQuery()) {
                Set<String> result = new HashSet<>();
                while (rs.next()) {
                    result.add(rs.getString(1));
                }
                return result;
            }
        }
    }

    static List<WebhookReceiver.Delivery> of(WebhookReceiver receiver, Set<String> ids) {
        return receiver.deliveries().stream().filter(d -> ids.contains(d.webhookId())).toList();
    }

    /** Every alert received; a repeat is the same alert under the same webhook-id; each verifies independently. */
    static void assertEveryAlertDeliveredOnceOrRepeatedUnderItsId(WebhookReceiver receiver, Set<String> ids,
            String secret) throws Exception {
        List<WebhookReceiver.Delivery> got = of(receiver, ids);
        assertEquals(ids, got.stream().map(WebhookReceiver.Delivery::webhookId).collect(Collectors.toSet()),
                "every alert reached the receiver");
        Map<String, Set<String>> bodiesById = got.stream().collect(Collectors.groupingBy(
                WebhookReceiver.Delivery::webhookId,
                Collectors.mapping(d -> d.json().getJsonObject("data").encode(), Collectors.toSet())));
        for (Map.Entry<String, Set<String>> e : bodiesById.entrySet()) {
            assertEquals(1, e.getValue().size(), "a repeat of " + e.getKey() + " carries the same alert");
            assertTrue(e.getValue().iterator().next().contains("\"alertId\":\"" + e.getKey() + "\""));
        }
        Webhook verifier = new Webhook(secret);
        for (WebhookReceiver.Delivery d : got) {
            verifier.verify(d.body(), Map.of("webhook-id", List.of(d.webhookId()),
                    "webhook-timestamp", List.of(d.header("webhook-timestamp")),
                    "webhook-signature", List.of(d.header("webhook-signature"))));
        }
    }

    @Test
    void replicasKilledMidDeliveryLoseNoAlertAndRepeatOnlyUnderTheSameWebhookId() throws Exception {
        Process a = null;
        Process b = null;
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            // Two replicas race for the same outbox, then A dies mid-delivery: B takes over A's claims.
            Process[] started = new Process[2];
            Thread startB = new Thread(() -> {
                try {
                    started[1] = startGateway("b", PORT_B);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            startB.start();
            a = startGateway("a", PORT_A);
            startB.join();
            b = started[1];
            assertTrue(b != null && b.isAlive(), "replica B started");
            String secret = subscribe(PORT_A, receiver);
            receiver.answerAfter(Duration.ofMillis(150));

            Set<String> first = queue(240);
            await(Duration.ofSeconds(60), () -> of(receiver, first).size() >= 40);
            kill(a);
            long atKill = delivered(first);
            assertTrue(atKill < first.size(), "the kill landed mid-delivery (" + atKill + " delivered)");
            await(Duration.ofSeconds(120), () -> delivered(first) == first.size());
            assertEveryAlertDeliveredOnceOrRepeatedUnderItsId(receiver, first, secret);

            // Now the last replica dies mid-delivery and A is restarted: it resumes B's unfinished claims.
            Set<String> second = queue(240);
            await(Duration.ofSeconds(60), () -> of(receiver, second).size() >= 40);
            kill(b);
            long beforeRestart = delivered(second);
            assertTrue(beforeRestart < second.size(), "the kill landed mid-delivery (" + beforeRestart + " delivered)");
            Thread.sleep(1000);
            assertEquals(beforeRestart, delivered(second), "nothing moves while no gateway runs");
            a = startGateway("a-restarted", PORT_A);
            await(Duration.ofSeconds(120), () -> delivered(second) == second.size());
            assertEveryAlertDeliveredOnceOrRepeatedUnderItsId(receiver, second, secret);
            long repeats = of(receiver, first).size() + of(receiver, second).size() - first.size() - second.size();
            System.out.printf("GatewayKillIT: %d alerts, %d repeats (each under its own webhook-id)%n",
                    first.size() + second.size(), repeats);
        } finally {
            for (Process p : STARTED) {
                if (p.isAlive()) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
    }
}
