package uk.safeguarding.gateway.support;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP receiver on a loopback port, as an agency's webhook endpoint: it records every
 * delivery (path, headers, body) and answers 204, or {@link #failWith} a status. It can be stopped
 * and started again on the same port to play "receiver down, then up".
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    public record Delivery(String path, Map<String, List<String>> headers, String body, long receivedNanos) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public JsonObject json() {
            return new JsonObject(body);
        }

        public String webhookId() {
            return header("webhook-id");
        }
    }

    private final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failStatus = new AtomicInteger(0);
    private final AtomicInteger requests = new AtomicInteger();
    private volatile long answerDelayMillis;
    private HttpServer server;

    private WebhookReceiver() {
    }

    public static WebhookReceiver start() {
        WebhookReceiver r = new WebhookReceiver();
        r.up();
        return r;
    }

    public synchronized WebhookReceiver up() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), boundPort), 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            int fail = failStatus.get();
            if (fail == 0) {
                Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), List.copyOf(v)));
                deliveries.add(new Delivery(exchange.getRequestURI().getPath(), headers,
                        new String(body, StandardCharsets.UTF_8), System.nanoTime()));
            }
            if (answerDelayMillis > 0) {
                try {
                    Thread.sleep(answerDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(fail == 0 ? 204 : fail, -1);
            exchange.close();
        });
        server.start();
        boundPort = server.getAddress().getPort();
        return this;
    }

    private int boundPort;

    public int port() {
        return boundPort;
    }

    /** The endpoint URL for an agency: one receiver serves many agencies by path. */
    public String url(String agency) {
        return "http://127.0.0.1:" + port() + "/hooks/" + agency.replace(':', '_');
    }

    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
            server = null;
        }
    }

    /** A slow endpoint: each request is recorded at once but answered only after this delay. */
    public void answerAfter(java.time.Duration delay) {
        answerDelayMillis = delay.toMillis();
    }

    public void failWith(int status) {
        failStatus.set(status);
    }

    public List<Delivery> deliveries() {
        return new ArrayList<>(deliveries);
    }

    public List<Delivery> deliveriesFor(String agency) {
        String path = "/hooks/" + agency.replace(':', '_');
        return deliveries().stream().filter(d -> d.path().equals(path)).toList();
    }

    public int requests() {
        return requests.get();
    }

    public void clear() {
        deliveries.clear();
    }

    @Override
    public void close() {
        down();
    }
}
