package uk.safeguarding.gateway.audit.witness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import uk.safeguarding.gateway.alert.WebhookSigner;
import uk.safeguarding.gateway.audit.chain.Checkpoint;
import uk.safeguarding.gateway.audit.chain.SigningKeys;

/**
 * The witness we ship ({@code bin/audit-witness}): what an agency's DPO system runs to keep its own
 * copy of the gateway's signed checkpoints, outside the database an attacker might control. Accepts a
 * push only with a valid Standard Webhooks signature (this witness's secret) and a checkpoint whose
 * Ed25519 signature verifies with a gateway key it was given; appends it to {@link WitnessStore}; serves
 * the copy for {@code bin/audit-verify --witness URL}. JDK only: no framework to trust or patch.
 */
public final class WitnessServer implements AutoCloseable {

    /** Pushes older or newer than this are refused, so a captured push cannot be replayed much later. */
    static final long TOLERANCE_SECONDS = 300;
    private static final int MAX_BODY = 16 * 1024;
    private static final int THREADS = 16;
    /** Seconds a client may take to send its request, and to read the response (JDK HttpServer properties). */
    static final String REQUEST_SECONDS = "30";

    private static final String USAGE = """
            usage: bin/audit-witness --dir DIR --public-key PEM... [--port 8090] [--bind 127.0.0.1]
              --dir          where the append-only copy lives (checkpoints.jsonl, conflicts.jsonl)
              --public-key   the gateway's checkpoint public key(s) (PEM), repeatable (rotation)
              --port, --bind where to listen (default 127.0.0.1:8090; put a TLS proxy in front and bind
                             wider only behind it: the verifier takes plain http from loopback only)
              secrets        $AUDIT_WITNESS_SECRET: this witness's whsec_ secret(s), space-separated (rotation);
                             or --secret-file FILE with one per line
            routes: POST /checkpoints (signed push), GET /checkpoints[?after=SEQ] (the copy, JSON lines), GET /conflicts
            """;

    private final HttpServer server;
    private final WitnessStore store;
    private final List<String> secrets;
    private final Map<String, PublicKey> keys;

    public WitnessServer(Path directory, InetSocketAddress address, List<String> secrets, Map<String, PublicKey> keys)
            throws IOException {
        if (secrets.isEmpty() || !secrets.stream().allMatch(WebhookSigner::isValidSecret)) {
            throw new IllegalArgumentException("a witness needs its whsec_ secret(s)");
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a witness needs the gateway's checkpoint public key(s)");
        }
        this.store = new WitnessStore(directory);
        this.secrets = List.copyOf(secrets);
        this.keys = Map.copyOf(keys);
        this.server = HttpServer.create(address, 50);
        server.createContext("/checkpoints", this::checkpoints);
        server.createContext("/conflicts", exchange -> serveFile(exchange, store.conflictsFile()));
        // Slow or idle clients hold a thread each until maxReqTime (set by main): enough threads that a few cannot block pushes.
        server.setExecutor(Executors.newFixedThreadPool(THREADS, r -> {
            Thread thread = new Thread(r, "audit-witness");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    public WitnessStore store() {
        return store;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void checkpoints(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestMethod().equals("GET")) {
                Long after = after(exchange.getRequestURI().getRawQuery());
                if (after == null) {
                    serveFile(exchange, store.copyFile());
                } else {
                    serveAfter(exchange, after);
                }
            } else if (exchange.getRequestMethod().equals("POST")) {
                receive(exchange);
            } else {
                reply(exchange, 405, "{\"error\":\"GET or POST\"}");
            }
        }
    }

    private void receive(HttpExchange exchange) throws IOException {
        String body = body(exchange.getRequestBody());
        if (body == null) {
            reply(exchange, 413, "{\"error\":\"body larger than " + MAX_BODY + " bytes\"}");
            return;
        }
        var headers = exchange.getRequestHeaders();
        String id = headers.getFirst("webhook-id");
        long timestamp;
        try {
            timestamp = Long.parseLong(String.valueOf(headers.getFirst("webhook-timestamp")));
        } catch (NumberFormatException e) {
            reply(exchange, 401, "{\"error\":\"webhook-timestamp missing\"}");
            return;
        }
        if (id == null || Math.abs(System.currentTimeMillis() / 1000 - timestamp) > TOLERANCE_SECONDS
                || !WebhookSigner.matches(headers.getFirst("webhook-signature"), id, timestamp, body, secrets)) {
            reply(exchange, 401, "{\"error\":\"webhook-signature does not verify with this witness's secret (or stale webhook-timestamp)\"}");
            return;
        }
        Checkpoint cp;
        try {
            cp = CheckpointJson.parse(body);
        } catch (IllegalArgumentException e) {
            reply(exchange, 400, "{\"error\":\"" + e.getMessage().replace("\"", "'") + "\"}");
            return;
        }
        PublicKey key = keys.get(cp.keyId());
        if (key == null || !SigningKeys.verify(key, cp.signedMessage(), cp.signature())) {
            reply(exchange, 400, "{\"error\":\"checkpoint signature does not verify with a trusted gateway key\"}");
            return;
        }
        WitnessStore.Outcome outcome = store.add(cp);
        String answer = "{\"outcome\":\"" + outcome + "\",\"lastSeq\":" + cp.lastSeq() + "}";
        reply(exchange, outcome == WitnessStore.Outcome.CONFLICT ? 409 : 200, answer);
    }

    private static String body(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        return bytes.length > MAX_BODY ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static void serveFile(HttpExchange exchange, Path file) throws IOException {
        try (exchange) {
            byte[] bytes = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
            exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    /** {@code after=SEQ} from the query, null without it (or when malformed: the whole copy is served). */
    private static Long after(String query) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("&")) {
            if (part.startsWith("after=")) {
                try {
                    return Long.parseLong(part.substring("after=".length()));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Only the checkpoints ending after {@code after}: a verifier that already holds the rest fetches little. */
    private void serveAfter(HttpExchange exchange, long after) throws IOException {
        StringBuilder lines = new StringBuilder();
        if (Files.exists(store.copyFile())) {
            for (String line : Files.readAllLines(store.copyFile(), StandardCharsets.UTF_8)) {
                if (!line.isBlank() && CheckpointJson.parse(line).lastSeq() > after) {
                    lines.append(line).append('\n');
                }
            }
        }
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    public static void main(String[] args) throws Exception {
        // Read once when the JDK's HttpServer first loads: without them a client that trickles its request holds a thread for good.
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", REQUEST_SECONDS));
        System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", REQUEST_SECONDS));
        WitnessServer server = start(args, System.err);
        if (server == null) {
            System.exit(2);
        }
        System.err.printf("audit-witness: listening on port %d, copy in %s (%d checkpoints)%n", server.port(),
                server.store().copyFile(), server.store().size());
        Thread.currentThread().join();
    }

    static WitnessServer start(String[] args, PrintStream err) throws IOException {
        Path dir = null;
        int port = 8090;
        String bind = "127.0.0.1";
        List<String> secrets = new ArrayList<>();
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        String env = System.getenv("AUDIT_WITNESS_SECRET");
        if (env != null && !env.isBlank()) {
            secrets.addAll(List.of(env.trim().split("\\s+")));
        }
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--dir" -> dir = Path.of(args[++i]);
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--bind" -> bind = args[++i];
                    case "--secret-file" -> Files.readAllLines(Path.of(args[++i])).stream().map(String::trim)
                            .filter(s -> !s.isEmpty()).forEach(secrets::add);
                    case "--public-key" -> {
                        PublicKey key = SigningKeys.publicKey(Files.readString(Path.of(args[++i])));
                        keys.put(SigningKeys.keyId(key), key);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (dir == null) {
                throw new IllegalArgumentException("--dir is required");
            }
            return new WitnessServer(dir, new InetSocketAddress(bind, port), secrets, keys);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            err.println("audit-witness: " + (e instanceof ArrayIndexOutOfBoundsException ? "missing value after the last option" : e.getMessage()));
            err.print(USAGE);
            return null;
        }
    }
}
