package uk.safeguarding.gateway.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.Db;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * Over ten thousand hostile requests against the JSON and FHIR intake, generated from the valid
 * fixtures with a fixed seed. Every one must get a 4xx with a useful message and no stack trace,
 * quickly, leave no row behind but its own audit record, and log nothing it should not.
 */
@QuarkusTest
class BadInputCorpusTest {

    private static final long SEED = 20261129L;
    private static final int PER_TARGET = 2_000;
    /**
     * Generous on purpose: the shared 2-core machine runs at load 25-30 while this runs; the
     * distribution is printed (p50 about 50 ms there) and is the figure to watch.
     */
    private static final long MAX_MILLIS_PER_REQUEST = 20_000;
    private static final List<String> DOMAIN_TABLES = List.of("referral", "referral_recipient", "child", "child_identifier",
            "relationship", "alert", "case_event", "placement", "missing_episode", "risk_assessment");
    private static final Path LOG = Path.of("target/gateway-test.log");

    @TestHTTPResource("/")
    URL base;

    private final Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();

    /** A fresh token every two minutes: the test tokens live five, and a loaded machine runs the corpus for longer. */
    private String token(String agency) {
        return tokens.computeIfAbsent(agency + "@" + System.currentTimeMillis() / 120_000,
                a -> TestTokens.forAgency(agency).roles("practitioner").subject(agency + "-corpus").sign());
    }

    private List<HostileCorpus.Target> targets() {
        String nhs = validNhsNumber(SEED);
        List<HostileCorpus.Target> targets = new ArrayList<>();
        targets.add(target("json police-cse", "/api/v1/referrals", "application/json", "police:met", "referral/police-cse.json", nhs));
        targets.add(target("json council-health", "/api/v1/referrals", "application/json", "la:E10000017", "referral/council-health.json", nhs));
        targets.add(target("json victim-blaming", "/api/v1/referrals", "application/json", "la:E10000017", "referral/victim-blaming.json", nhs));
        targets.add(target("fhir ServiceRequest", "/fhir/ServiceRequest", "application/fhir+json", "police:met",
                "fhir/service-request-police.json", nhs));
        targets.add(target("fhir transaction", "/fhir", "application/fhir+json", "la:E10000017", "fhir/transaction-bundle.json", nhs));
        return targets;
    }

    private static HostileCorpus.Target target(String name, String path, String type, String agency, String file, String nhs) {
        return new HostileCorpus.Target(name, path, type, agency, HostileCorpus.resource(file).replace(HostileCorpus.NHS, nhs));
    }

    @Test
    void everyHostileBodyAndHeaderIsRefusedQuicklyUsefullyAndLeavesNothing() throws Exception {
        List<HostileCorpus.Target> targets = targets();
        Map<String, String> agencyByPath = new LinkedHashMap<>();
        // The fixtures the corpus mutates are accepted as they are (otherwise every mutation would pass trivially).
        for (HostileCorpus.Target t : targets) {
            RawHttp.Reply reply = send(t.path(), t.contentType(), t.agency(), Map.of(), t.json().getBytes(StandardCharsets.UTF_8), "control");
            assertTrue(reply.status() == 200 || reply.status() == 201, t.name() + " fixture not accepted: " + reply.status() + " " + reply.body());
            agencyByPath.putIfAbsent(t.path(), t.agency());
        }
        List<Object[]> work = new ArrayList<>();
        for (HostileCorpus.Target t : targets) {
            HostileCorpus one = new HostileCorpus(SEED ^ t.name().hashCode(), List.of(t)).generate(PER_TARGET);
            for (HostileCorpus.Case c : one.cases) {
                work.add(new Object[] {c, t.agency()});
            }
        }
        assertTrue(work.size() >= 10_000, "corpus too small: " + work.size());
        Map<String, Long> before = counts();
        long logOffset = Files.exists(LOG) ? Files.size(LOG) : 0;

        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<RawHttp.Reply>> futures = new ArrayList<>();
        for (int i = 0; i < work.size(); i++) {
            HostileCorpus.Case c = (HostileCorpus.Case) work.get(i)[0];
            String agency = (String) work.get(i)[1];
            String requestId = "badinput-" + SEED + "-" + i;
            futures.add(pool.submit(() -> send(c.path(), c.contentType(), agency, c.headers(), c.body(), requestId)));
        }
        int failed = 0;
        int codecRefusals = 0;
        Map<String, Integer> failureCounts = new TreeMap<>();
        Map<String, String> samples = new TreeMap<>();
        Map<String, List<Long>> millisByKind = new TreeMap<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < futures.size(); i++) {
            HostileCorpus.Case c = (HostileCorpus.Case) work.get(i)[0];
            RawHttp.Reply reply = futures.get(i).get();
            long millis = reply.nanos() / 1_000_000;
            millisByKind.computeIfAbsent(c.kind(), k -> new ArrayList<>()).add(millis);
            statuses.merge(reply.status(), 1, Integer::sum);
            if (codecRefusal(c, reply)) {
                codecRefusals++;
            }
            String problem = codecRefusal(c, reply) ? null : check(reply, millis);
            if (problem == null && c.kind().startsWith("unstorable") && !reply.body().contains("TEXT_NOT_STORABLE")) {
                problem = "refused, but not by the storable-text rule: " + reply.status();
            }
            if (problem != null) {
                failed++;
                // One sample per kind, endpoint and status, so a systematic gap shows once with its count.
                String key = c.kind() + " " + c.path() + " " + reply.status();
                failureCounts.merge(key, 1, Integer::sum);
                samples.putIfAbsent(key, "#" + i + " " + c.contentType() + " " + c.headers().keySet() + ": " + problem);
            }
        }
        pool.shutdown();
        long wallMillis = (System.nanoTime() - started) / 1_000_000;
        report(work.size(), wallMillis, statuses, millisByKind);
        System.out.printf("[bad-input] refused by the HTTP codec before the gateway (control character in a header value; "
                + "bare 400 without a body): %d%n", codecRefusals);
        List<String> failures = new ArrayList<>();
        failureCounts.forEach((key, n) -> failures.add(n + " x " + key + " -- " + samples.get(key)));
        failures.forEach(f -> System.out.println("[bad-input] FAILED " + f));
        assertEquals(List.of(), failures, failed + " hostile inputs were not handled properly");

        assertEquals(before, counts(), "a refused request left rows behind");
        Map<String, Object> audit = Db.query("SELECT count(*) AS rows, count(DISTINCT request_id) AS requests, "
                + "count(*) FILTER (WHERE outcome < 400) AS accepted FROM audit_event WHERE request_id LIKE ?",
                "badinput-" + SEED + "-%").get(0);
        assertEquals(audit.get("rows"), audit.get("requests"), "a refused request has more than one audit record: " + audit);
        assertEquals(0L, ((Number) audit.get("accepted")).longValue(), "an audit record says a hostile request succeeded");
        System.out.printf("[bad-input] audit records for the corpus: %s (each at most once; 401/415 before authentication are not audited)%n", audit);

        checkLog(logOffset);
    }

    @Test
    void aTwentyFiveMegabyteBodyIs413BeforeParsing() throws Exception {
        // Warm the path first, so the bound below measures the refusal, not class loading.
        send("/api/v1/referrals", "application/json", "police:met", Map.of(), "{}".getBytes(StandardCharsets.UTF_8), "bigbody-warm");
        Map<String, Long> before = counts();
        byte[] body = new byte[25 * 1024 * 1024];
        Arrays.fill(body, (byte) 'a');
        for (String path : List.of("/api/v1/referrals", "/fhir/ServiceRequest", "/fhir")) {
            RawHttp.Reply reply = send(path, path.startsWith("/fhir") ? "application/fhir+json" : "application/json", "police:met",
                    Map.of(), body, "bigbody-" + path.hashCode());
            assertEquals(413, reply.status(), path + " " + reply.head());
            assertTrue(reply.body().contains("BODY_TOO_LARGE"), path + " " + reply.body());
            // Refused from the declared length, long before 25 MB could have been read and parsed.
            assertTrue(reply.nanos() < 15_000_000_000L, path + " took " + reply.nanos() / 1_000_000 + " ms");
            System.out.printf("[bad-input] 25 MB body to %s: %d in %d ms%n", path, reply.status(), reply.nanos() / 1_000_000);
        }
        assertEquals(before, counts());
    }

    // ------------------------------------------------------------------ checks

    /**
     * A header value with a control character is refused by Vert.x/Netty's HTTP codec with a bare 400
     * before any gateway code runs; no body can be added there. Only that case may lack a message.
     */
    private static boolean codecRefusal(HostileCorpus.Case c, RawHttp.Reply reply) {
        boolean control = c.headers().values().stream().anyMatch(v -> v.chars().anyMatch(ch -> ch < 0x20 && ch != '\t'));
        return control && reply.status() == 400 && reply.header("Content-Type") == null && reply.body().isEmpty();
    }

    private static String check(RawHttp.Reply reply, long millis) {
        if (reply.status() < 400 || reply.status() > 499) {
            return "status " + reply.status() + " " + abbreviate(reply.body());
        }
        if (millis > MAX_MILLIS_PER_REQUEST) {
            return "took " + millis + " ms";
        }
        String body = reply.body();
        if (body.contains("\tat ") || body.contains("Exception") || body.contains("Caused by") || body.contains("at uk.safeguarding")
                || body.contains("at io.") || body.contains("at java.")) {
            return "stack trace or exception in the body: " + abbreviate(body);
        }
        boolean useful = body.contains("\"detail\"") && body.contains("\"code\"")
                || body.contains("\"OperationOutcome\"") && body.contains("\"diagnostics\"");
        if (!useful) {
            return "no problem+json or OperationOutcome message: " + reply.status() + " " + abbreviate(reply.head() + " " + body);
        }
        return null;
    }

    private void checkLog(long offset) throws IOException {
        String written;
        try (RandomAccessFile file = new RandomAccessFile(LOG.toFile(), "r")) {
            file.seek(offset);
            byte[] bytes = new byte[(int) (file.length() - offset)];
            file.readFully(bytes);
            written = new String(bytes, StandardCharsets.UTF_8);
        }
        List<String> leaks = new ArrayList<>();
        for (String token : tokens.values()) {
            if (written.contains(token) || written.contains(token.substring(token.lastIndexOf('.') + 1))) {
                leaks.add("a bearer token");
            }
        }
        for (String secret : List.of(HostileCorpus.CANARY_GIVEN, HostileCorpus.CANARY_FAMILY, HostileCorpus.CANARY_DOB)) {
            if (written.contains(secret)) {
                leaks.add("the child's name or date of birth (" + secret.length() + " chars)");
            }
        }
        if (written.indexOf('\u001b') >= 0) {
            leaks.add("a raw ANSI escape character");
        }
        if (written.indexOf('\r') >= 0) {
            leaks.add("a raw carriage return");
        }
        for (String line : written.split("\n")) {
            if (line.startsWith("X-Injected")) {
                leaks.add("an injected log line");
            }
        }
        System.out.printf("[bad-input] log lines written during the corpus: %d (%d bytes), leaks: %s%n",
                written.split("\n").length, written.length(), leaks);
        assertEquals(List.of(), leaks.stream().distinct().toList());
    }

    private static void report(int requests, long wallMillis, Map<Integer, Integer> statuses, Map<String, List<Long>> byKind) {
        List<Long> all = new ArrayList<>();
        byKind.values().forEach(all::addAll);
        System.out.printf("[bad-input] %d hostile requests in %.1f s; statuses %s%n", requests, wallMillis / 1000.0, statuses);
        System.out.printf("[bad-input] %-22s %6s %6s %6s %6s %6s%n", "kind", "n", "p50ms", "p90ms", "p99ms", "maxms");
        byKind.forEach((kind, list) -> line(kind, list));
        line("ALL", all);
    }

    private static void line(String kind, List<Long> list) {
        List<Long> sorted = new ArrayList<>(list);
        Collections.sort(sorted);
        System.out.printf("[bad-input] %-22s %6d %6d %6d %6d %6d%n", kind, sorted.size(), pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
                sorted.get(sorted.size() - 1));
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    // ------------------------------------------------------------------ plumbing

    private RawHttp.Reply send(String path, String contentType, String agency, Map<String, String> extra, byte[] body,
            String requestId) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token(agency));
        headers.put("Purpose-Of-Use", "SAFEGUARDING");
        headers.put("Content-Type", contentType);
        headers.put("Accept", "application/json, application/fhir+json, application/problem+json");
        headers.put("X-Request-Id", requestId);
        headers.putAll(extra);
        return RawHttp.send(base.getPort(), "POST", path, headers, body);
    }

    private static Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : DOMAIN_TABLES) {
            counts.put(table, Db.count("SELECT count(*) FROM " + table));
        }
        return counts;
    }

    /** A valid NHS number of our own, so no other test's child is touched. */
    static String validNhsNumber(long seed) {
        java.util.Random random = new java.util.Random(seed);
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
}
