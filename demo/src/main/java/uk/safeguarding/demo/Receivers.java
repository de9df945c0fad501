package uk.safeguarding.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Local webhook endpoints standing in for the agencies' own systems: one path per agency on one JDK
 * HTTP server. Each delivery is checked against the Standard Webhooks scheme (HMAC-SHA256 over
 * "id.timestamp.body" with the subscription's secret, timestamp within five minutes) by this code,
 * not the gateway's; a delivery that fails the check is answered 401 and kept as unverified.
 */
public final class Receivers implements AutoCloseable {

    /** One webhook as an agency system received it; {@code about} is the child's id, or the referral's. */
    public record Delivery(String agency, String webhookId, String type, String about, Map<String, Object> data,
            boolean verified, String why, Instant receivedAt, long receivedNanos) {
    }

    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final Set<String> seenIds = ConcurrentHashMap.newKeySet();
    private volatile Consumer<Delivery> listener = d -> { };
    private final java.util.concurrent.ExecutorService executor = Executors.newFixedThreadPool(4);

    public Receivers() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Where the gateway should deliver this agency's alerts (plain http is allowed to loopback only). */
    public String url(String agency) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + agency.replace(':', '-');
    }

    /** The secret the gateway returned when the subscription was made (shown once). */
    public void secret(String agency, String secret) {
        secrets.put(agency, secret);
    }

    public void onDelivery(Consumer<Delivery> listener) {
        this.listener = listener;
    }

    /** Every delivery so far, in arrival order. */
    public synchronized List<Delivery> all() {
        return List.copyOf(deliveries);
    }

    /**
     * Waits until each agency has received an event of this type about this child (or referral) since
     * {@code sinceNanos}, or the timeout passes; returns the first such delivery per agency.
     */
    public Map<String, Delivery> await(String type, String about, long sinceNanos, Set<String> agencies, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Delivery> found = received(type, about, sinceNanos);
            found.keySet().retainAll(agencies);
            if (found.keySet().containsAll(agencies) || System.nanoTime() > deadline) {
                return found;
            }
            sleep(50);
        }
    }

    /** The first delivery per agency of this event type about this child (or referral) since {@code sinceNanos}. */
    public synchronized Map<String, Delivery> received(String type, String about, long sinceNanos) {
        Map<String, Delivery> found = new LinkedHashMap<>();
        for (Delivery d : deliveries) {
            if (type.equals(d.type()) && about.equals(d.about()) && d.receivedNanos() - sinceNanos >= 0) {
                found.putIfAbsent(d.agency(), d);
            }
        }
        return found;
    }

    private void handle(HttpExchange exchange) throws IOException {
        long nanos = System.nanoTime();
        try (exchange) {
            String agency = exchange.getRequestURI().getPath().substring("/hooks/".length()).replaceFirst("-", ":");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String why = verify(secrets.get(agency), id, exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"), body);
            if (why != null) {
                record(new Delivery(agency, id, null, null, Map.of(), false, why, Instant.now(), nanos));
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            // At least once: the same webhook-id can come again; the agency system acts on it once.
            if (seenIds.add(id)) {
                Object doc = Json.parse(body);
                @SuppressWarnings("unchecked")
                Map<String, Object> data = Json.at(doc, "data") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
                String about = data.containsKey("childId") ? Json.str(data, "childId") : Json.str(data, "referralId");
                record(new Delivery(agency, id, Json.str(doc, "type"), about, data, true, null, Instant.now(), nanos));
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    private void record(Delivery delivery) {
        synchronized (this) {
            deliveries.add(delivery);
        }
        listener.accept(delivery);
    }

    /** Null when the signature verifies, else why not. */
    static String verify(String secret, String id, String timestamp, String signatures, String body) {
        if (secret == null) {
            return "no subscription secret for this endpoint";
        }
        if (id == null || timestamp == null || signatures == null) {
            return "webhook-id, webhook-timestamp or webhook-signature missing";
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return "webhook-timestamp is not a number";
        }
        if (Math.abs(Instant.now().getEpochSecond() - ts) > TOLERANCE.toSeconds()) {
            return "webhook-timestamp outside the five-minute tolerance";
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "cannot compute the signature: " + e.getMessage();
        }
        for (String candidate : signatures.split(" ")) {
            if (candidate.startsWith("v1,")) {
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(candidate.substring(3));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (MessageDigest.isEqual(expected, given)) {
                    return null;
                }
            }
        }
        return "no signature matches the secret";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        // Its threads are not daemons: left running they kept bin/run demo from ending after the gateway stopped.
        executor.shutdownNow();
    }
}
