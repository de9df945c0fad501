import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The drills' tools (compiled by reliability/run with javac, no build tool): keys and tokens shaped
 * like Keycloak's, a JWKS server standing in for Keycloak, a flaky webhook receiver, a referral load
 * generator that records every answer, and the invariant check against the database; the soak's
 * burst and verdict are in Soak.java.
 */
public final class Drill {

    static final String ISSUER = "https://drill.local/realms/safeguarding";
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "keys" -> keys(Path.of(args[1]));
            case "token" -> System.out.println(token(Path.of(args[1]), args[2], args[3], args[4], args[5], Long.parseLong(args[6])));
            case "serve-jwks" -> serveJwks(Integer.parseInt(args[1]), Path.of(args[2]));
            case "webhook" -> webhook(Integer.parseInt(args[1]), Path.of(args[2]), Integer.parseInt(args[3]),
                    Long.parseLong(args[4]), Long.parseLong(args[5]));
            case "load" -> load(args);
            case "burst" -> Soak.burst(args[1], Path.of(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
            case "soak-verdict" -> Soak.verdict(Path.of(args[1]), Long.parseLong(args[2]), Double.parseDouble(args[3]), args[4], args[5]);
            case "check" -> check(args[1], Path.of(args[2]), args.length > 3 ? Path.of(args[3]) : null);
            case "subscribe" -> subscribe(args[1], args[2]);
            case "get" -> System.out.println(get(args[1], args.length > 2 ? args[2] : null));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    // ------------------------------------------------------------------ keys and tokens

    static void keys(Path dir) throws Exception {
        Files.createDirectories(dir);
        StringBuilder jwks = new StringBuilder("{\"keys\":[");
        for (String kid : List.of("drill-key-1", "drill-key-2")) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.write(dir.resolve(kid + ".key"), pair.getPrivate().getEncoded());
            RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
            String jwk = "{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"n\":\""
                    + B64.encodeToString(unsigned(pub.getModulus())) + "\",\"e\":\"" + B64.encodeToString(unsigned(pub.getPublicExponent())) + "\"}";
            Files.writeString(dir.resolve(kid + ".jwk"), jwk);
            if (kid.equals("drill-key-1")) {
                jwks.append(jwk);
            }
        }
        // The second key is published only when the Keycloak drill "rotates" (jwks-rotated.json).
        Files.writeString(dir.resolve("jwks.json"), jwks.append("]}").toString());
        Files.writeString(dir.resolve("jwks-rotated.json"), "{\"keys\":[" + Files.readString(dir.resolve("drill-key-1.jwk")) + ","
                + Files.readString(dir.resolve("drill-key-2.jwk")) + "]}");
    }

    static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    static String token(Path dir, String kid, String client, String agency, String roles, long seconds) throws Exception {
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(dir.resolve(kid + ".key"))));
        long now = System.currentTimeMillis() / 1000;
        StringBuilder roleList = new StringBuilder();
        for (String role : roles.split(",")) {
            roleList.append(roleList.length() == 0 ? "" : ",").append('"').append(role).append('"');
        }
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
        String payload = "{\"iss\":\"" + ISSUER + "\",\"aud\":[\"safeguarding-gateway\",\"account\"],\"sub\":\"" + UUID.randomUUID()
                + "\",\"azp\":\"" + client + "\",\"client_id\":\"" + client + "\",\"agency\":\"" + agency
                + "\",\"typ\":\"Bearer\",\"realm_access\":{\"roles\":[" + roleList + "]},\"iat\":" + now + ",\"exp\":" + (now + seconds) + "}";
        String signingInput = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64.encodeToString(rsa.sign());
    }

    /** Stands in for Keycloak's certs endpoint; reads the file on every call so the drill can rotate keys. */
    static void serveJwks(int port, Path file) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("jwks on " + port);
    }

    // ------------------------------------------------------------------ webhook receiver

    /** Fails FAIL_PCT % of calls with 500, and refuses connections from DOWN_AFTER s for DOWN_FOR s. */
    static void webhook(int port, Path log, int failPercent, long downAfter, long downFor) throws Exception {
        Random random = new Random(42);
        AtomicLong calls = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
        java.util.function.Supplier<HttpServer> start = () -> {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
                server.setExecutor(Executors.newFixedThreadPool(4));
                server.createContext("/", exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    calls.incrementAndGet();
                    String id = exchange.getRequestHeaders().getFirst("webhook-id");
                    int status;
                    synchronized (random) {
                        status = random.nextInt(100) < failPercent ? 500 : 204;
                    }
                    if (status == 204 && id != null) {
                        if (seen.add(id)) {
                            out.println(id);
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                });
                server.start();
                return server;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        HttpServer server = start.get();
        System.out.println("webhook receiver on " + port + ", failing " + failPercent + "%");
        if (downFor > 0) {
            Thread.sleep(downAfter * 1000);
            server.stop(0);
            System.out.println("webhook receiver DOWN for " + downFor + " s after " + calls.get() + " calls");
            Thread.sleep(downFor * 1000);
            server = start.get();
            System.out.println("webhook receiver UP again");
        }
        while (true) {
            Thread.sleep(10_000);
            System.out.println("webhook calls " + calls.get() + ", failed on purpose " + failed.get() + ", distinct delivered " + seen.size());
        }
    }

    // ------------------------------------------------------------------ load

    record Outcome(long startMs, String key, int status, String id, long millis, boolean retryAfter) {
    }

    /** load URL TOKEN_FILE SECONDS CONCURRENCY RATE OUT [LABEL]: referrals with unique children and keys. */
    static void load(String[] args) throws Exception {
        String url = args[1];
        List<String> tokens = Files.readAllLines(Path.of(args[2])).stream().filter(s -> !s.isBlank()).toList();
        long seconds = Long.parseLong(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        double rate = Double.parseDouble(args[5]);
        Path out = Path.of(args[6]);
        String label = args.length > 7 ? args[7] : "load";
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).build();
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        long start = System.currentTimeMillis();
        long end = start + seconds * 1000;
        AtomicLong issued = new AtomicLong();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        String runId = Long.toString(System.nanoTime(), 36);
        // The sigkill drill times its kill from here, not from launching this JVM (seconds on a busy machine).
        System.out.println("LOAD started " + label);
        System.out.flush();
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            workers.submit(() -> {
                Random random = new Random(worker * 7919L + start);
                while (System.currentTimeMillis() < end) {
                    long n = issued.incrementAndGet();
                    if (rate > 0) {
                        long due = start + (long) (n * 1000 / rate);
                        long wait = due - System.currentTimeMillis();
                        if (wait > 0) {
                            try {
                                Thread.sleep(wait);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        if (System.currentTimeMillis() >= end) {
                            return;
                        }
                    }
                    String key = label + "-" + runId + "-" + n;
                    String body = referral(nhsNumber(random));
                    long t0 = System.currentTimeMillis();
                    int status;
                    String id = "";
                    boolean retryAfter = false;
                    try {
                        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/referrals"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + tokens.get((int) (n % tokens.size())))
                                .header("Purpose-Of-Use", "SAFEGUARDING").header("Content-Type", "application/json")
                                .header("Idempotency-Key", key)
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        status = response.statusCode();
                        retryAfter = response.headers().firstValue("Retry-After").isPresent();
                        if (status / 100 == 2) {
                            int at = response.body().indexOf("\"id\":\"");
                            id = at < 0 ? "" : response.body().substring(at + 6, at + 42);
                        }
                    } catch (Exception e) {
                        status = -1;
                    }
                    outcomes.add(new Outcome(t0 - start, key, status, id, System.currentTimeMillis() - t0, retryAfter));
                    if (status == -1) {
                        // The gateway is down (killed or restarting): do not spin on refused connections.
                        try {
                            Thread.sleep(250);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
        }
        workers.shutdown();
        workers.awaitTermination(seconds + 60, TimeUnit.SECONDS);
        List<Outcome> all = new ArrayList<>(outcomes);
        all.sort((a, b) -> Long.compare(a.startMs(), b.startMs()));
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            for (Outcome o : all) {
                w.printf("%d\t%s\t%d\t%s\t%d\t%s%n", o.startMs(), o.key(), o.status(), o.id(), o.millis(), o.retryAfter());
            }
        }
        summarise(label, all, seconds);
        System.exit(0);
    }

    static void summarise(String label, List<Outcome> all, long seconds) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        all.forEach(o -> statuses.merge(o.status(), 1, Integer::sum));
        long ok = all.stream().filter(o -> o.status() / 100 == 2).count();
        long errors = all.size() - ok;
        long without = all.stream().filter(o -> (o.status() == 503 || o.status() == 429) && !o.retryAfter()).count();
        System.out.printf("RESULT %s requests=%d ok=%d rps=%.1f errorRate=%.4f statuses=%s p50=%d p99=%d max=%d 503or429WithoutRetryAfter=%d%n",
                label, all.size(), ok, ok / (double) seconds, all.isEmpty() ? 0 : errors / (double) all.size(), statuses,
                pct(all, 50), pct(all, 99), all.stream().mapToLong(Outcome::millis).max().orElse(0), without);
        // p99 per window: drift over the run.
        long window = seconds >= 300 ? 60_000 : 15_000;
        Map<Long, List<Outcome>> windows = new TreeMap<>();
        all.forEach(o -> windows.computeIfAbsent(o.startMs() / window, k -> new ArrayList<>()).add(o));
        StringBuilder drift = new StringBuilder();
        windows.forEach((w, list) -> drift.append(w * window / 1000).append("s:").append(pct(list, 99)).append(' '));
        System.out.printf("WINDOWS %s p99ms-by-%ds %s%n", label, window / 1000, drift.toString().trim());
    }

    static long pct(List<Outcome> list, int p) {
        if (list.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(list.stream().map(Outcome::millis).toList());
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
    }

    static String referral(String nhs) {
        return "{\"requesterAgency\":\"police:met\",\"requesterContact\":\"mash-police@met.police.example\","
                + "\"homeCouncil\":\"la:E09000030\",\"child\":{\"nhsNumber\":\"" + nhs + "\",\"givenName\":\"Drill\","
                + "\"familyName\":\"Child\",\"birthDate\":\"2011-04-02\"},\"riskLevel\":\"high\","
                + "\"concernCategories\":[\"child-sexual-exploitation\",\"missing\"],"
                + "\"summary\":\"Reliability drill referral: seen near the school with adult males.\"}";
    }

    static String nhsNumber(Random random) {
        while (true) {
            StringBuilder digits = new StringBuilder();
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                int d = random.nextInt(i == 0 ? 1 : 0, 10);
                digits.append(d);
                sum += d * (10 - i);
            }
            int check = (11 - sum % 11) % 11;
            if (check != 10) {
                return digits.append(check).toString();
            }
        }
    }

    // ------------------------------------------------------------------ invariants

    /**
     * check JDBC_URL OUTCOMES [WEBHOOK_LOG]: every acknowledged referral has its row, exactly one
     * audit record and one outbox alert per recipient; no refused request left a referral; and,
     * with a receiver log, every alert of the drill was delivered.
     */
    static void check(String jdbc, Path outcomesFile, Path webhookLog) throws Exception {
        List<String[]> rows = Files.readAllLines(outcomesFile).stream().filter(s -> !s.isBlank()).map(s -> s.split("\t", -1)).toList();
        int acknowledged = 0;
        int lost = 0;
        int incomplete = 0;
        int refused = 0;
        int refusedWithRows = 0;
        int unanswered = 0;
        int unansweredCommitted = 0;
        long auditRows = 0;
        long outboxRows = 0;
        List<String> examples = new ArrayList<>();
        Set<String> alertIds = new HashSet<>();
        try (Connection db = DriverManager.getConnection(jdbc, "gateway", "")) {
            PreparedStatement byKey = db.prepareStatement("SELECT id::text FROM referral WHERE requester_agency = 'police:met' AND idempotency_key = ?");
            PreparedStatement audit = db.prepareStatement("SELECT count(*) FROM audit_event WHERE resource_id = ? AND action = 'referral.create'");
            PreparedStatement outbox = db.prepareStatement("SELECT (SELECT count(*) FROM alert WHERE resource_id = ?) AS alerts, "
                    + "(SELECT count(*) FROM referral_recipient WHERE referral_id = ?::uuid) AS recipients");
            PreparedStatement alertsOf = db.prepareStatement("SELECT id::text FROM alert WHERE resource_id = ?");
            for (String[] r : rows) {
                String key = r[1];
                int status = Integer.parseInt(r[2]);
                byKey.setString(1, key);
                String found = null;
                try (ResultSet rs = byKey.executeQuery()) {
                    if (rs.next()) {
                        found = rs.getString(1);
                    }
                }
                if (status / 100 == 2) {
                    acknowledged++;
                    if (found == null || !found.equals(r[3])) {
                        lost++;
                        if (examples.size() < 5) {
                            examples.add("acknowledged but missing: " + key + " " + r[3]);
                        }
                        continue;
                    }
                } else if (status == -1) {
                    unanswered++;
                    if (found == null) {
                        continue;
                    }
                    unansweredCommitted++;
                } else {
                    refused++;
                    if (found != null) {
                        refusedWithRows++;
                        if (examples.size() < 5) {
                            examples.add("refused (" + status + ") but stored: " + key);
                        }
                    }
                    continue;
                }
                audit.setString(1, found);
                long a;
                try (ResultSet rs = audit.executeQuery()) {
                    rs.next();
                    a = rs.getLong(1);
                }
                outbox.setString(1, found);
                outbox.setString(2, found);
                long alerts;
                long recipients;
                try (ResultSet rs = outbox.executeQuery()) {
                    rs.next();
                    alerts = rs.getLong(1);
                    recipients = rs.getLong(2);
                }
                auditRows += a;
                outboxRows += alerts;
                if (a != 1 || alerts < 1 || alerts != recipients) {
                    incomplete++;
                    if (examples.size() < 5) {
                        examples.add("incomplete " + found + ": audit=" + a + " alerts=" + alerts + " recipients=" + recipients);
                    }
                }
                alertsOf.setString(1, found);
                try (ResultSet rs = alertsOf.executeQuery()) {
                    while (rs.next()) {
                        alertIds.add(rs.getString(1));
                    }
                }
            }
            // Rows no acknowledged request accounts for: an alert or a successful create audit record
            // whose referral does not exist would be a failed request that left something behind.
            long orphanAlerts = count(db, "SELECT count(*) FROM alert a WHERE a.resource_type = 'Referral' "
                    + "AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.id::text = a.resource_id)");
            long orphanAudits = count(db, "SELECT count(*) FROM audit_event e WHERE e.action = 'referral.create' "
                    + "AND e.outcome / 100 = 2 AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.id::text = e.resource_id)");
            String delivery = "";
            long undelivered = 0;
            long notMarked = 0;
            if (webhookLog != null) {
                Set<String> delivered = new HashSet<>(Files.readAllLines(webhookLog));
                undelivered = alertIds.stream().filter(id -> !delivered.contains(id)).count();
                try (PreparedStatement st = db.prepareStatement("SELECT count(*) FILTER (WHERE status NOT IN ('DELIVERED','ACKNOWLEDGED')), "
                        + "coalesce(max(attempts), 0), coalesce(round(avg(attempts), 2), 0), "
                        + "count(*) FILTER (WHERE attempts > 1) FROM alert WHERE id::text = ANY(?)")) {
                    st.setArray(1, db.createArrayOf("text", alertIds.toArray()));
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        notMarked = rs.getLong(1);
                        delivery = String.format(" alerts=%d deliveredAtReceiver=%d undeliveredAtReceiver=%d notMarkedDelivered=%d "
                                + "attemptsMax=%d attemptsAvg=%s alertsRetried=%d", alertIds.size(), alertIds.size() - undelivered,
                                undelivered, notMarked, rs.getLong(2), rs.getBigDecimal(3).toPlainString(), rs.getLong(4));
                    }
                }
                alertIds.stream().filter(id -> !delivered.contains(id)).limit(3).forEach(id -> examples.add("alert not at the receiver: " + id));
            }
            System.out.printf("CHECK outcomes=%d acknowledged=%d lost=%d incomplete=%d auditRowsChecked=%d outboxRowsChecked=%d "
                    + "refused=%d refusedWithRows=%d unanswered=%d unansweredButCommitted=%d orphanAlerts=%d orphanCreateAudits=%d%s%n",
                    rows.size(), acknowledged, lost, incomplete, auditRows, outboxRows, refused, refusedWithRows, unanswered,
                    unansweredCommitted, orphanAlerts, orphanAudits, delivery);
            examples.forEach(e -> System.out.println("CHECK example: " + e));
            boolean held = lost == 0 && incomplete == 0 && refusedWithRows == 0 && orphanAlerts == 0 && orphanAudits == 0
                    && undelivered == 0 && notMarked == 0;
            System.out.println(held ? "CHECK held" : "CHECK FAILED");
            System.exit(held ? 0 : 1);
        }
    }

    static long count(Connection db, String sql) throws Exception {
        try (PreparedStatement st = db.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The demo profile's DEV-ONLY key of stored secrets (application.properties, gateway.secrets.key). */
    static final String DEV_SECRETS_KEY_ID = "dev-only";
    static final String DEV_SECRETS_KEY = "ZGV2LW9ubHkta2V5LW5ldmVyLWluLXByb2R1Y3Rpb24=";
    static final String DRILL_WEBHOOK_SECRET = "whsec_ZHJpbGwtZHJpbGwtZHJpbGwtZHJpbGwtZHJpbGw=";

    /**
     * subscribe JDBC_URL RECEIVER_URL: every agency that received an alert so far gets the drill receiver.
     * Stored as the gateway stores it (V70_1 refuses plaintext): AES-GCM under the demo's dev-only key, the
     * associated data naming the subscription and its URL (alert/StoredSecrets.webhookContext).
     */
    static void subscribe(String jdbc, String receiver) throws Exception {
        try (Connection db = DriverManager.getConnection(jdbc, "gateway", "")) {
            List<String> agencies = new ArrayList<>();
            try (PreparedStatement st = db.prepareStatement("SELECT DISTINCT recipient_agency FROM alert");
                    java.sql.ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    agencies.add(rs.getString(1));
                }
            }
            int subscribed = 0;
            for (String agency : agencies) {
                try (PreparedStatement delete = db.prepareStatement("DELETE FROM alert_subscription WHERE agency_id = ?")) {
                    delete.setString(1, agency);
                    delete.executeUpdate();
                }
                UUID id = UUID.randomUUID();
                String context = "[\"alert_subscription.secrets\",\"" + id + "\",\"" + receiver + "\"]";
                try (PreparedStatement insert = db.prepareStatement("INSERT INTO alert_subscription (id, agency_id, url, secrets, created_by) "
                        + "VALUES (?, ?, ?, jsonb_build_array(?::text), 'reliability-drill')")) {
                    insert.setObject(1, id);
                    insert.setString(2, agency);
                    insert.setString(3, receiver);
                    insert.setString(4, sealWithDevKey(DRILL_WEBHOOK_SECRET, context));
                    subscribed += insert.executeUpdate();
                }
            }
            System.out.println("subscribed agencies: " + subscribed);
        }
    }

    static String sealWithDevKey(String plaintext, String context) throws Exception {
        byte[] nonce = new byte[12];
        new java.security.SecureRandom().nextBytes(nonce);
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(Base64.getDecoder().decode(DEV_SECRETS_KEY), "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[nonce.length + sealed.length];
        System.arraycopy(nonce, 0, out, 0, nonce.length);
        System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
        return "gcm1:" + DEV_SECRETS_KEY_ID + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    static String get(String url, String token) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body().replace('\n', ' ');
        } catch (IOException e) {
            return "-1 " + e.getClass().getSimpleName();
        }
    }

}
