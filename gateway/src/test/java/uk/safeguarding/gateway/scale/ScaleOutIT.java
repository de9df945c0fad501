package uk.safeguarding.gateway.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.chain.SigningKeys;
import uk.safeguarding.gateway.audit.verify.JdbcAuditSource;
import uk.safeguarding.gateway.audit.verify.VerificationReport;
import uk.safeguarding.launcher.EmbeddedDatabase;
import uk.safeguarding.gateway.support.TestTokens;
import uk.safeguarding.gateway.support.WebhookReceiver;

/**
 * Scale-out proof (issue 11, docs/SCALING.md): three gateway processes (the packaged jar) on different
 * ports against ONE PostgreSQL, under concurrent FHIR referrals, placements and missing-episode
 * reports spread over all three. Then: the audit trail verifies as one chain (every event of every
 * replica in one order, signed checkpoints intact), every alert was delivered to its agency's
 * loopback receiver, no alert arrived twice except as a retry with the same webhook-id, the outbox is
 * drained, and no replica logged HR000069 (a reactive session used from the wrong thread).
 */
class ScaleOutIT {

    static final String PLACING = "la:E09000030";
    static final String HOST_COUNCIL = "la:E10000017";
    static final String PROVIDER = "provider:SC123456";
    /** Every agency the shipped protocols alert for these events; each gets a receiver path. */
    static final List<String> AGENCIES = List.of(PLACING, HOST_COUNCIL, "police:lancashire", "police:met", "nhs:QE1",
            "nhs:RQX", "school:100000", PROVIDER, "provider:SC654321");
    static final int REPLICAS = 3;
    static final int REFERRALS = 36;
    static final int MISSING_EPISODES = 12;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void threeReplicasOnOneDatabaseKeepOneAuditOrderAndDeliverEveryAlertOnce() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "scale-it").toAbsolutePath());
        deleteTree(work.resolve("postgres"));
        List<GatewayReplica> replicas = new ArrayList<>();
        try (EmbeddedDatabase db = EmbeddedDatabase.start(work.resolve("postgres"), GatewayReplica.port(15496));
                WebhookReceiver receiver = WebhookReceiver.start()) {
            // All three start at once: their Flyway migrations race on the same schema, as rolling out does.
            for (int i = 0; i < REPLICAS; i++) {
                replicas.add(GatewayReplica.start("replica-" + (i + 1), GatewayReplica.port(8097 + i), db, work));
            }
            for (GatewayReplica r : replicas) {
                // Generous: three JVMs boot and warm HAPI FHIR at once on whatever cores CI has (77 s for the FHIR
                // context alone was seen at a load average of 40 on 2 cores).
                r.awaitReady(Duration.ofSeconds(360));
            }
            for (String agency : AGENCIES) {
                post(replicas.get(0), "/api/v1/admin/subscriptions", admin(), null,
                        Map.of("agency", agency, "url", receiver.url(agency)), 201);
            }

            // Placements first (a missing episode needs a placed child), then referrals and missing
            // episodes at the same time, each request on the next replica.
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<String>> placed = new ArrayList<>();
            for (int i = 0; i < MISSING_EPISODES; i++) {
                GatewayReplica r = replicas.get(i % REPLICAS);
                placed.add(clients.submit(() -> post(r, "/api/v1/placements", practitioner(PLACING), "CARE-PLANNING",
                        placement(nhsNumber()), 201).path("childId").asText()));
            }
            List<String> children = new ArrayList<>();
            for (Future<String> f : placed) {
                children.add(f.get(120, TimeUnit.SECONDS));
            }
            List<Future<?>> load = new ArrayList<>();
            String bundle = new String(ScaleOutIT.class.getResourceAsStream("/fhir/transaction-bundle.json").readAllBytes(),
                    StandardCharsets.UTF_8);
            for (int i = 0; i < Math.max(REFERRALS, MISSING_EPISODES); i++) {
                int n = i;
                if (i < REFERRALS) {
                    load.add(clients.submit(() -> postFhir(replicas.get(n % REPLICAS), bundle.replace("${nhsNumber}", nhsNumber()))));
                }
                if (i < MISSING_EPISODES) {
                    GatewayReplica r = replicas.get((n + 1) % REPLICAS);
                    load.add(clients.submit(() -> post(r, "/api/v1/children/" + children.get(n) + "/missing-episodes",
                            provider(), "MISSING-RESPONSE", Map.of("circumstances", "not back by curfew"), 201)));
                }
            }
            for (Future<?> f : load) {
                f.get(120, TimeUnit.SECONDS);
            }
            clients.shutdown();

            try (Connection c = db.dataSource().getConnection()) {
                // The outbox drains and the sealer catches up (each within a few ticks).
                awaitZero(c, "SELECT count(*) FROM alert WHERE status = 'PENDING'", Duration.ofSeconds(60));
                awaitZero(c, "SELECT count(*) FROM audit_pending", Duration.ofSeconds(60));
                assertEquals(0, count(c, "SELECT count(*) FROM alert WHERE status <> 'DELIVERED'"), "every alert delivered");
                assertEquals(REFERRALS, count(c, "SELECT count(*) FROM referral"));
                // Both councils, both police forces and (since issue 22) the child's school.
                assertEquals(MISSING_EPISODES * 5L, count(c, "SELECT count(*) FROM alert WHERE event = 'child-missing'"),
                        "each missing episode alerts both councils, both police forces and the school");

                // One audit order: every event of every replica is in the one chain, which verifies.
                PublicKey key = SigningKeys.publicKey(Files.readString(Path.of("target/test-classes/audit-keys/ed25519-public.pem")));
                VerificationReport report = JdbcAuditSource.verify(c, Map.of(SigningKeys.keyId(key), key));
                assertTrue(report.intact(), () -> "audit chain broken: " + report.problems());
                long events = count(c, "SELECT count(*) FROM audit_event");
                assertEquals(events, report.entriesChecked(), "every audit event is in the chain");
                assertEquals(0, report.pendingEvents());
                assertEquals(events, count(c, "SELECT count(DISTINCT seq) FROM audit_chain"), "one position per event");
                assertEquals(events, count(c, "SELECT max(seq) - min(seq) + 1 FROM audit_chain"), "no gaps in the order");
                assertTrue(events >= REFERRALS + 2L * MISSING_EPISODES + AGENCIES.size(), "audited: " + events);

                // Every alert reached its own agency's receiver; a repeat is only a retry of the same webhook-id.
                Map<String, String> agencyOf = new HashMap<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, recipient_agency FROM alert")) {
                    while (rs.next()) {
                        agencyOf.put(rs.getString(1), rs.getString(2));
                    }
                }
                List<WebhookReceiver.Delivery> deliveries = receiver.deliveries();
                Set<String> ids = new HashSet<>();
                Map<String, Integer> repeats = new LinkedHashMap<>();
                for (WebhookReceiver.Delivery d : deliveries) {
                    String id = d.webhookId();
                    assertTrue(agencyOf.containsKey(id), "delivery with an unknown webhook-id " + id);
                    assertEquals(URI.create(receiver.url(agencyOf.get(id))).getPath(), d.path(), "delivered to its agency");
                    if (!ids.add(id)) {
                        repeats.merge(id, 1, Integer::sum);
                    }
                    // The same alert content never arrives under two ids: the data names the alert's own resource.
                }
                assertEquals(agencyOf.keySet(), ids, "every alert delivered, under its own webhook-id");
                System.out.printf("scale-out: %d replicas, %d alerts delivered (%d retries with the same id), "
                        + "%d audit events in one chain, last seq %d%n", REPLICAS, ids.size(), repeats.size(), events, report.lastSeq());
                // Alerts created by the placements and referrals of every replica were sent by more than one.
                assertTrue(count(c, "SELECT count(*) FROM referral_recipient") >= REFERRALS);
            }
            for (GatewayReplica r : replicas) {
                String log = r.logText();
                assertFalse(log.contains("HR000069"), r.name + " logged HR000069:\n" + r.tail());
            }
        } finally {
            for (GatewayReplica r : replicas) {
                r.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------- helpers

    private JsonNode post(GatewayReplica r, String path, String token, String purpose, Object body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(r.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        if (purpose != null) {
            request.header("Purpose-Of-Use", purpose);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), () -> r.name + " " + path + ": " + response.body());
        return response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body());
    }

    private Void postFhir(GatewayReplica r, String bundle) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(r.url() + "/fhir"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + practitioner(HOST_COUNCIL))
                .header("Purpose-Of-Use", "SAFEGUARDING").header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(bundle)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> r.name + " POST /fhir: " + response.body());
        return null;
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitZero(Connection c, String sql, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long left = count(c, sql);
        while (left > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            left = count(c, sql);
        }
        assertEquals(0, left, "still not zero after " + timeout + ": " + sql);
    }

    private static String admin() {
        return TestTokens.forAgency(PLACING).roles("admin").subject("admin-1").sign();
    }

    private static String practitioner(String agency) {
        return TestTokens.forAgency(agency).roles("practitioner").subject("pr-" + agency).sign();
    }

    private static String provider() {
        return TestTokens.forAgency(PROVIDER).roles("provider").subject("staff-" + PROVIDER).sign();
    }

    private static Map<String, Object> placement(String nhs) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("child", Map.of("system", "https://fhir.nhs.uk/Id/nhs-number", "value", nhs));
        body.put("provider", PROVIDER);
        body.put("hostCouncil", HOST_COUNCIL);
        body.put("hostPolice", "police:lancashire");
        body.put("hostHealth", "nhs:QE1");
        body.put("homePolice", "police:met");
        body.put("homeHealth", "nhs:RQX");
        body.put("school", "school:100000");
        body.put("rhiService", PLACING);
        body.put("startDate", LocalDate.now().plusDays(7).toString());
        body.put("emergency", false);
        body.put("identity", Map.of("name", "Child " + nhs, "dateOfBirth", "2011-04-02"));
        body.put("placement", Map.of("address", "1 Hill Road, Preston PR1 1AA"));
        return body;
    }

    /** A random NHS number that passes the modulus-11 check. */
    static String nhsNumber() {
        while (true) {
            StringBuilder digits = new StringBuilder();
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                int d = ThreadLocalRandom.current().nextInt(i == 0 ? 1 : 0, 10);
                digits.append(d);
                sum += d * (10 - i);
            }
            int check = (11 - sum % 11) % 11;
            if (check != 10) {
                return digits.append(check).toString();
            }
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
