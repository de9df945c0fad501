package uk.safeguarding.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The alert benchmark against a running gateway (bench/steps/alert-fanout.sh and alert-drain.sh), so
 * it shares the gateway bench/run already started instead of starting its own.
 * <ol>
 * <li>Fan-out: a missing-episode report (HTTP request sent) to the last of its four webhooks received,
 * six receivers on loopback, one per subscribed agency; p50/p99/max over sequential reports.</li>
 * <li>Drain: N alerts queued at once for the six agencies (one INSERT), time until the receivers have
 * every one of them.</li>
 * </ol>
 *
 * <pre>
 *   AlertsLoad GATEWAY_URL KEYS_DIR JDBC_URL DB_USER DB_PASSWORD EPISODES DRAIN RUNS CSV_OUT
 * </pre>
 * Writes {@code measure,run,value} lines (fanout_p50_ms, fanout_p99_ms, fanout_max_ms, drain_per_s,
 * drain_received) to CSV_OUT.
 */
public final class AlertsLoad {

    static final String PLACING = "la:E09000030";
    static final String HOST_COUNCIL = "la:E10000017";
    static final String HOST_POLICE = "police:lancashire";
    static final String HOME_POLICE = "police:met";
    static final String HOST_HEALTH = "nhs:QE1";
    static final String HOME_HEALTH = "nhs:RQX";
    static final String SCHOOL = "school:100000";
    static final String PROVIDER = "provider:SC123456";
    static final List<String> AGENCIES = List.of(PLACING, HOST_COUNCIL, HOST_POLICE, HOME_POLICE, HOST_HEALTH, PROVIDER);
    /** The protocol's recipients of child-missing: both councils and both police forces. */
    static final List<String> MISSING_RECIPIENTS = List.of(PLACING, HOST_COUNCIL, HOST_POLICE, HOME_POLICE);
    static final int WARM_UP = 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, Receiver> receivers = new LinkedHashMap<>();
    private final String admin;
    private final String practitioner;
    private final String provider;

    private AlertsLoad(String gateway, PrivateKey key) {
        this.gateway = gateway;
        this.admin = BenchKeys.sign(BenchKeys.keycloakClaims("bench-admin", PLACING, List.of("admin"), 7200), key);
        this.practitioner = BenchKeys.sign(BenchKeys.keycloakClaims("council-westminster", PLACING, List.of("practitioner"), 7200), key);
        this.provider = BenchKeys.sign(BenchKeys.keycloakClaims("provider-sc123456", PROVIDER, List.of("provider"), 7200), key);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 9) {
            System.err.println("usage: AlertsLoad GATEWAY_URL KEYS_DIR JDBC_URL DB_USER DB_PASSWORD EPISODES DRAIN RUNS CSV_OUT");
            System.exit(64);
        }
        int episodes = Integer.parseInt(args[5]);
        int drain = Integer.parseInt(args[6]);
        int runs = Integer.parseInt(args[7]);
        AlertsLoad load = new AlertsLoad(args[0], BenchKeys.readPrivateKey(Path.of(args[1], "private-key.pem")));
        try (Connection db = DriverManager.getConnection(args[2], args[3], args[4])) {
            StringBuilder csv = new StringBuilder("measure,run,value\n");
            load.run(db, episodes, drain, runs, csv);
            Files.writeString(Path.of(args[8]), csv);
            System.out.print(csv);
        } finally {
            load.receivers.values().forEach(Receiver::close);
        }
    }

    private void run(Connection db, int episodes, int drain, int runs, StringBuilder csv) throws Exception {
        // A reused database may hold an earlier run's subscriptions: replace them (through the admin API).
        for (JsonNode existing : send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/admin/subscriptions")).GET(), admin, 200)) {
            if (AGENCIES.contains(existing.path("agency").asText())) {
                send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/admin/subscriptions/" + existing.path("id").asText()))
                        .DELETE(), admin, 204);
            }
        }
        for (String agency : AGENCIES) {
            Receiver receiver = Receiver.start();
            receivers.put(agency, receiver);
            post("/api/v1/admin/subscriptions", admin, null, Map.of("agency", agency, "url", receiver.url()), 201);
        }
        log("6 receivers subscribed; placing " + (runs * episodes + WARM_UP) + " children");
        List<UUID> children = new ArrayList<>();
        for (int i = 0; i < runs * episodes + WARM_UP; i++) {
            children.add(placedChild());
        }
        // Their placement alerts (and any backlog for these agencies) go first, so the reports are timed alone.
        awaitNonePending(db, Duration.ofMinutes(5));

        List<List<Long>> latencies = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            latencies.add(new ArrayList<>());
        }
        for (int i = 0; i < children.size(); i++) {
            UUID child = children.get(i);
            long t0 = System.nanoTime();
            post("/api/v1/children/" + child + "/missing-episodes", provider, "MISSING-RESPONSE", Map.of("circumstances", "bench"), 201);
            long last = 0;
            for (String agency : MISSING_RECIPIENTS) {
                last = Math.max(last, receivers.get(agency).await("child-missing/" + child, Duration.ofSeconds(30)));
            }
            if (i >= WARM_UP) {
                latencies.get((i - WARM_UP) / episodes).add(last - t0);
            }
        }
        for (int r = 0; r < runs; r++) {
            List<Long> l = latencies.get(r);
            Collections.sort(l);
            row(csv, "fanout_p50_ms", r, l.get(l.size() / 2) / 1e6);
            row(csv, "fanout_p99_ms", r, l.get((int) Math.ceil(l.size() * 0.99) - 1) / 1e6);
            row(csv, "fanout_max_ms", r, l.get(l.size() - 1) / 1e6);
        }
        log("fan-out measured; draining " + runs + " x " + drain + " alerts");

        for (int r = 0; r < runs; r++) {
            String tag = "bench-drain-" + System.nanoTime();
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO alert (id, recipient_agency, event, payload) "
                    + "SELECT gen_random_uuid(), (?::text[])[1 + g % 6], ?, '{\"bench\": true}'::jsonb FROM generate_series(1, ?) g")) {
                insert.setArray(1, db.createArrayOf("text", AGENCIES.toArray()));
                insert.setString(2, tag);
                insert.setInt(3, drain);
                insert.executeUpdate();
            }
            // From the commit of the queued alerts to the last of them received by its receiver.
            long t0 = System.nanoTime();
            long deadline = t0 + Duration.ofMinutes(10).toNanos();
            long received;
            while ((received = distinct(tag)) < drain && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long lastArrival = receivers.values().stream().mapToLong(rc -> rc.lastArrival(tag)).filter(at -> at > 0).max()
                    .orElse(System.nanoTime());
            double seconds = (lastArrival - t0) / 1e9;
            row(csv, "drain_per_s", r, received / seconds);
            csv.append("drain_received,").append(r + 1).append(',').append(received).append('\n');
            log(String.format(Locale.ROOT, "drain %d: %d of %d received in %.2f s", r + 1, received, drain, seconds));
            // A failed delivery waits for its back-off: how many needed more than one attempt, and why.
            long retried = 0;
            try (PreparedStatement errors = db.prepareStatement("SELECT coalesce(last_error, '(delivered on a retry)'), count(*) "
                    + "FROM alert WHERE event = ? AND attempts > 1 GROUP BY 1 ORDER BY 2 DESC")) {
                errors.setString(1, tag);
                try (ResultSet rs = errors.executeQuery()) {
                    while (rs.next()) {
                        retried += rs.getLong(2);
                        log("  retried " + rs.getLong(2) + ": " + rs.getString(1));
                    }
                }
            }
            csv.append("drain_retried,").append(r + 1).append(',').append(retried).append('\n');
        }
    }

    private long distinct(String tag) {
        return receivers.values().stream().mapToLong(rc -> rc.distinctIds(tag)).sum();
    }

    private UUID placedChild() throws Exception {
        String value = Long.toString(9_000_000_000L + ThreadLocalRandom.current().nextLong(999_999_999L));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("child", Map.of("system", "https://fhir.nhs.uk/Id/nhs-number", "value", value));
        body.put("provider", PROVIDER);
        body.put("hostCouncil", HOST_COUNCIL);
        body.put("hostPolice", HOST_POLICE);
        body.put("hostHealth", HOST_HEALTH);
        body.put("homePolice", HOME_POLICE);
        body.put("homeHealth", HOME_HEALTH);
        body.put("school", SCHOOL);
        body.put("rhiService", PLACING);
        body.put("startDate", LocalDate.now().plusDays(7).toString());
        body.put("emergency", false);
        body.put("identity", Map.of("name", "Bench Child", "dateOfBirth", "2011-04-02"));
        body.put("placement", Map.of("address", "1 Hill Road, Preston PR1 1AA"));
        return UUID.fromString(post("/api/v1/placements", practitioner, "CARE-PLANNING", body, 201).get("childId").asText());
    }

    private JsonNode post(String path, String token, String purpose, Object body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (purpose != null) {
            request.header("Purpose-Of-Use", purpose);
        }
        return send(request, token, expected);
    }

    private JsonNode send(HttpRequest.Builder request, String token, int expected) throws Exception {
        HttpRequest built = request.timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token).build();
        HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(built.method() + " " + built.uri().getPath() + " answered " + response.statusCode()
                    + ", not " + expected + ": " + response.body().substring(0, Math.min(600, response.body().length())));
        }
        return response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
    }

    private static void awaitNonePending(Connection db, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PreparedStatement pending = db.prepareStatement("SELECT count(*) FROM alert a WHERE status = 'PENDING' "
                + "AND EXISTS (SELECT 1 FROM alert_subscription s WHERE s.agency_id = a.recipient_agency)")) {
            while (true) {
                try (ResultSet rs = pending.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(rs.getLong(1) + " alerts still pending after " + timeout);
                    }
                }
                Thread.sleep(50);
            }
        }
    }

    private static void row(StringBuilder csv, String measure, int run, double value) {
        csv.append(String.format(Locale.ROOT, "%s,%d,%.2f%n", measure, run + 1, value));
    }

    private static void log(String message) {
        System.err.println("[AlertsLoad] " + message);
    }

    /** A webhook receiver on loopback: answers 204 at once and remembers when each event first arrived. */
    static final class Receiver {
        private final HttpServer server;
        /** "type/childId" -> System.nanoTime() of the first delivery. */
        private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
        /** type -> webhook-ids received (redeliveries count once). */
        private final Map<String, Set<String>> idsByType = new ConcurrentHashMap<>();
        private final Map<String, Long> lastArrivalByType = new ConcurrentHashMap<>();

        private Receiver(HttpServer server) {
            this.server = server;
        }

        static Receiver start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            Receiver receiver = new Receiver(server);
            server.createContext("/", exchange -> {
                long now = System.nanoTime();
                try (InputStream in = exchange.getRequestBody()) {
                    JsonNode body = JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    String type = body.path("type").asText();
                    String child = body.path("data").path("childId").asText("");
                    receiver.firstArrival.putIfAbsent(type + "/" + child, now);
                    String id = exchange.getRequestHeaders().getFirst("webhook-id");
                    receiver.idsByType.computeIfAbsent(type, t -> ConcurrentHashMap.newKeySet()).add(id == null ? UUID.randomUUID().toString() : id);
                    receiver.lastArrivalByType.merge(type, now, Math::max);
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.setExecutor(Executors.newFixedThreadPool(4, task -> {
                Thread thread = new Thread(task, "receiver");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return receiver;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        long await(String key, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            Long at;
            while ((at = firstArrival.get(key)) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no delivery of " + key + " within " + timeout);
                }
                Thread.sleep(1);
            }
            return at;
        }

        long distinctIds(String type) {
            Set<String> ids = idsByType.get(type);
            return ids == null ? 0 : ids.size();
        }

        long lastArrival(String type) {
            return lastArrivalByType.getOrDefault(type, 0L);
        }

        void close() {
            server.stop(0);
        }
    }
}
