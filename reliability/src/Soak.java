import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The soak drill's own tools: the 256-client burst (with proof that the requests really were in
 * flight together) and the soak's verdict (error rate, p99 drift, heap), each exiting non-zero when
 * a pass criterion breaks, so reliability/run cannot report a broken soak as held.
 */
final class Soak {

    /** Fails the soak when more than this share of requests was not acknowledged. */
    static final double MAX_ERROR_RATE = 0.01;
    /** Fails the soak when the later half's p99 exceeds the earlier half's by this factor ... */
    static final double MAX_DRIFT = 3.0;
    /** ... and by more than this many ms (a p99 of 40 ms against 10 ms is not a drift worth failing). */
    static final long DRIFT_SLACK_MS = 500;
    /** Fails the soak when the heap after a full GC grew by more than this share of its start ... */
    static final double MAX_HEAP_GROWTH = 0.5;
    /** ... plus this many MiB (caches filling once at the start are not a leak). */
    static final long HEAP_SLACK_MIB = 16;
    /** Fails the soak when fewer than this share of the target rate's requests were acknowledged. */
    static final double MIN_RATE_SHARE = 0.9;

    private Soak() {
    }

    /** One burst request: connection opened, request completed (last byte sent), answer read; nanoseconds. */
    record Shot(int client, int round, long openedNs, long sentNs, long endNs, String key, int status, String id, boolean retryAfter,
            String error) {
    }

    /**
     * burst URL TOKEN_FILE CLIENTS OUT: every client opens its connection and sends its request but
     * for the last byte of the headers (so the gateway cannot start on any of them), waits at a
     * barrier, and all send the rest at once; each sends a second request as soon as its first is
     * answered. Prints how many were in flight together (from the timestamps) and exits 1 on a 5xx
     * other than 503, a 429/503 without Retry-After, a request without an answer, or fewer than
     * CLIENTS requests open at once.
     */
    static void burst(String url, Path tokenFile, int clients, Path out) throws Exception {
        List<String> tokens = Files.readAllLines(tokenFile).stream().filter(s -> !s.isBlank()).toList();
        URI base = URI.create(url);
        CyclicBarrier barrier = new CyclicBarrier(clients);
        ConcurrentLinkedQueue<Shot> shots = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        String runId = Long.toString(System.nanoTime(), 36);
        long origin = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int n = c;
            pool.submit(() -> {
                Random random = new Random(n);
                for (int round = 1; round <= 2; round++) {
                    String key = "burst-" + runId + "-" + n + "-" + round;
                    byte[] request = rawRequest(base, tokens.get(n % tokens.size()), key, Drill.referral(Drill.nhsNumber(random)));
                    int held = request.length - headerEnd(request);
                    long opened = System.nanoTime();
                    long sent = opened;
                    int status = -1;
                    String id = "";
                    boolean retryAfter = false;
                    String error = "";
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
                        socket.setSoTimeout(60_000);
                        socket.setTcpNoDelay(true);
                        OutputStream to = socket.getOutputStream();
                        int rest = 0;
                        if (round == 1) {
                            to.write(request, 0, request.length - held);
                            to.flush();
                            barrier.await(60, TimeUnit.SECONDS);
                            rest = request.length - held;
                        }
                        sent = System.nanoTime();
                        to.write(request, rest, request.length - rest);
                        to.flush();
                        String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                        status = Integer.parseInt(response.substring(9, 12));
                        int bodyAt = response.indexOf("\r\n\r\n");
                        String head = response.substring(0, Math.max(0, bodyAt)).toLowerCase(Locale.ROOT);
                        retryAfter = head.contains("\r\nretry-after:");
                        int at = response.indexOf("\"id\":\"", bodyAt);
                        if (status / 100 == 2 && at > 0) {
                            id = response.substring(at + 6, at + 42);
                        }
                    } catch (Exception e) {
                        error = e.getClass().getSimpleName();
                    }
                    shots.add(new Shot(n, round, (round == 1 ? opened : sent) - origin, sent - origin, System.nanoTime() - origin,
                            key, status, id, retryAfter, error));
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(240, TimeUnit.SECONDS)) {
            System.out.println("BURST workers still running after 240 s");
            pool.shutdownNow();
        }
        List<Shot> all = new ArrayList<>(shots);
        all.sort((a, b) -> Long.compare(a.sentNs(), b.sentNs()));
        List<Shot> first = all.stream().filter(s -> s.round() == 1).toList();
        long firstSent = first.stream().mapToLong(Shot::sentNs).min().orElse(0);
        long lastSent = first.stream().mapToLong(Shot::sentNs).max().orElse(0);
        // Open (connected, request begun, no answer yet) at the instant the last first-round request was completed.
        long openAtLastSend = first.stream().filter(s -> s.openedNs() <= lastSent && s.endNs() > lastSent).count();
        long completeInFlight = maxInFlight(first);
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        all.forEach(s -> statuses.merge(s.status(), 1, Integer::sum));
        all.stream().filter(s -> !s.error().isEmpty()).forEach(s -> errors.merge(s.error(), 1, Integer::sum));
        long firstAnswerMs = (first.stream().mapToLong(Shot::endNs).min().orElse(0) - firstSent) / 1_000_000;
        long lastAnswerMs = (all.stream().mapToLong(Shot::endNs).max().orElse(0) - firstSent) / 1_000_000;
        long withoutRetryAfter = all.stream().filter(s -> (s.status() == 429 || s.status() == 503) && !s.retryAfter()).count();
        long unexpected = all.stream().filter(s -> s.status() != 201 && s.status() != 429 && s.status() != 503).count();
        long unanswered = all.stream().filter(s -> s.status() == -1).count();
        long limited = statuses.getOrDefault(429, 0);
        System.out.printf("BURST clients=%d requests=%d firstRoundSendSpreadMs=%.1f openWhenLastWasSent=%d "
                + "maxCompleteRequestsInFlight=%d firstAnswerAfterMs=%d allAnsweredAfterMs=%d statuses=%s errors=%s "
                + "unexpectedStatus=%d 429or503WithoutRetryAfter=%d%n", clients, all.size(), (lastSent - firstSent) / 1e6,
                openAtLastSend, completeInFlight, firstAnswerMs, lastAnswerMs, statuses, errors, unexpected, withoutRetryAfter);
        Map<String, List<Long>> byStatus = new TreeMap<>();
        all.forEach(s -> byStatus.computeIfAbsent("round" + s.round() + " status=" + s.status(), k -> new ArrayList<>())
                .add((s.endNs() - s.sentNs()) / 1_000_000));
        byStatus.forEach((what, ms) -> {
            Collections.sort(ms);
            System.out.printf("BURST %s n=%d p50ms=%d p99ms=%d maxms=%d%n", what, ms.size(), ms.get(ms.size() / 2), p99(ms),
                    ms.get(ms.size() - 1));
        });
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            for (Shot s : all) {
                w.printf("%d\t%s\t%d\t%s\t%d\t%s%n", (s.sentNs() - firstSent) / 1_000_000, s.key(), s.status(), s.id(),
                        (s.endNs() - s.sentNs()) / 1_000_000, s.retryAfter());
            }
        }
        List<String> broken = new ArrayList<>();
        if (openAtLastSend < clients) {
            broken.add("only " + openAtLastSend + " of " + clients + " first-round requests were open at once");
        }
        if (unexpected > 0) {
            broken.add(unexpected + " answers other than 201/429/503 (or none)");
        }
        if (unanswered > 0) {
            broken.add(unanswered + " requests got no answer");
        }
        if (withoutRetryAfter > 0) {
            broken.add(withoutRetryAfter + " 429/503 without Retry-After");
        }
        if (limited == 0) {
            // Not a failure of the pass criterion (no 500, every answer 201/429/503), but the burst then
            // did not exercise the limiter: the gateway took the requests in slower than the buckets refill.
            System.out.println("BURST note: no 429; every client's requests reached the limit filter slower than its bucket refills");
        }
        System.out.println(broken.isEmpty() ? "BURST verdict=held" : "BURST verdict=FAILED: " + String.join("; ", broken));
        System.exit(broken.isEmpty() ? 0 : 1);
    }

    /** A whole HTTP/1.1 request as bytes, so the burst can hold back its last header byte. */
    static byte[] rawRequest(URI base, String token, String key, String body) {
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /api/v1/referrals HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nAuthorization: Bearer " + token + "\r\nPurpose-Of-Use: SAFEGUARDING\r\nContent-Type: application/json"
                + "\r\nIdempotency-Key: " + key + "\r\nContent-Length: " + json.length + "\r\nConnection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(h, h.length + json.length);
        System.arraycopy(json, 0, all, h.length, json.length);
        return all;
    }

    /** Index of the last byte of the header block: everything before it may be sent ahead. */
    static int headerEnd(byte[] request) {
        for (int i = 3; i < request.length; i++) {
            if (request[i - 3] == '\r' && request[i - 2] == '\n' && request[i - 1] == '\r' && request[i] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("no header end");
    }

    /** The most complete requests awaiting their answer at one instant, from send and answer times. */
    static long maxInFlight(List<Shot> shots) {
        List<long[]> events = new ArrayList<>();
        for (Shot s : shots) {
            events.add(new long[] {s.sentNs(), 1});
            events.add(new long[] {s.endNs(), -1});
        }
        // Ends before starts at the same instant, so touching intervals do not count as overlapping.
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        long open = 0;
        long max = 0;
        for (long[] e : events) {
            open += e[1];
            max = Math.max(max, open);
        }
        return max;
    }

    /**
     * verdict OUTCOMES SECONDS TARGET_RPS HEAP_START_MIB HEAP_END_MIB: the soak's pass criteria over
     * the load generator's outcomes; prints every figure and exits 1 when one breaks.
     */
    static void verdict(Path outcomes, long seconds, double targetRps, String heapStart, String heapEnd) throws Exception {
        List<String[]> rows = Files.readAllLines(outcomes).stream().filter(s -> !s.isBlank()).map(s -> s.split("\t", -1)).toList();
        long requests = rows.size();
        long ok = rows.stream().filter(r -> r[2].startsWith("2")).count();
        long server = rows.stream().filter(r -> r[2].startsWith("5")).count();
        double errorRate = requests == 0 ? 1 : (requests - ok) / (double) requests;
        double achieved = ok / (double) seconds;
        long window = seconds >= 300 ? 60_000 : 15_000;
        Map<Long, List<Long>> windows = new TreeMap<>();
        rows.forEach(r -> windows.computeIfAbsent(Long.parseLong(r[0]) / window, k -> new ArrayList<>()).add(Long.parseLong(r[4])));
        List<Long> p99s = new ArrayList<>();
        windows.forEach((w, ms) -> p99s.add(p99(ms)));
        int half = p99s.size() / 2;
        long early = median(p99s.subList(0, Math.max(1, half)));
        long late = median(p99s.subList(half, p99s.size()));
        double drift = early == 0 ? 0 : late / (double) early;
        List<String> broken = new ArrayList<>();
        if (server > 0) {
            broken.add(server + " answers were 5xx");
        }
        if (errorRate > MAX_ERROR_RATE) {
            broken.add(String.format("error rate %.4f above %.2f", errorRate, MAX_ERROR_RATE));
        }
        if (achieved < MIN_RATE_SHARE * targetRps) {
            broken.add(String.format("acknowledged %.1f req/s, below %.0f %% of the target %.1f", achieved, MIN_RATE_SHARE * 100, targetRps));
        }
        if (late > early * MAX_DRIFT && late - early > DRIFT_SLACK_MS) {
            broken.add("p99 drifted from " + early + " ms to " + late + " ms");
        }
        if (!heapStart.matches("\\d+") || !heapEnd.matches("\\d+")) {
            broken.add("heap not measured (start '" + heapStart + "', end '" + heapEnd + "')");
        } else if (Long.parseLong(heapEnd) > Long.parseLong(heapStart) * (1 + MAX_HEAP_GROWTH) + HEAP_SLACK_MIB) {
            broken.add("heap after full GC grew from " + heapStart + " MiB to " + heapEnd + " MiB");
        }
        System.out.printf("SOAK requests=%d acknowledged=%d 5xx=%d errorRate=%.4f targetRps=%.1f acknowledgedRps=%.1f "
                + "p99ms-by-%ds=%s earlyHalfMedianP99=%d lateHalfMedianP99=%d drift=%.2f heapStartMiB=%s heapEndMiB=%s%n",
                requests, ok, server, errorRate, targetRps, achieved, window / 1000, p99s, early, late, drift, heapStart, heapEnd);
        System.out.println(broken.isEmpty() ? "SOAK verdict=held" : "SOAK verdict=FAILED: " + String.join("; ", broken));
        System.exit(broken.isEmpty() ? 0 : 1);
    }

    static long p99(List<Long> ms) {
        List<Long> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * 0.99) - 1));
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }
}
