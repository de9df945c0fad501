package uk.safeguarding.gateway.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.support.TricklingServer;

/**
 * The connection goes to the checked address and nowhere else: a name that does not resolve at all
 * (".invalid", RFC 6761) reaches the receiver at the pinned loopback address, with the name in Host.
 * Redirects are not followed; a body past the limit is cut, not buffered.
 */
class PinnedHttpTest {

    @Test
    void theRequestGoesToThePinnedAddressWithTheNameAsHostAndNoRedirectIsFollowed() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/hook", exchange -> {
            seen.add(exchange.getRequestHeaders().getFirst("Host") + " " + exchange.getRequestURI() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "x".repeat(5000).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/moved", exchange -> {
            seen.add("moved");
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        Vertx vertx = Vertx.vertx();
        try {
            PinnedHttp http = new PinnedHttp(vertx);
            int port = server.getAddress().getPort();
            OutboundUrlPolicy.Target target = target(port, "/hook?a=1");
            PinnedHttp.Response response = http.send(HttpMethod.POST, target, Map.of("content-type", "text/plain"), "hello",
                    Duration.ofSeconds(5), 100).get(10, TimeUnit.SECONDS);
            assertEquals(200, response.status());
            assertEquals(100, response.body().length(), "kept only up to the limit");
            assertTrue(response.truncated());
            assertEquals(List.of("receiver.invalid:" + port + " /hook?a=1 hello"), seen, "reached without DNS, the name in Host");

            OutboundUrlPolicy.Target moved = target(port, "/moved");
            assertEquals(302, http.send(HttpMethod.POST, moved, Map.of(), "", Duration.ofSeconds(5), 0)
                    .get(10, TimeUnit.SECONDS).status());
            assertEquals(2, seen.size(), "the redirect was not followed: " + seen);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            server.stop(0);
        }
    }

    /**
     * A receiver that answers 200 and then trickles a chunked body forever (one byte every 100 ms, so an
     * idle timer would never fire) cannot hold a request past its deadline: with no body wanted the status
     * is the answer at once; with a body wanted the request fails at the deadline. A receiver that never
     * answers at all fails at the deadline too.
     */
    @Test
    void aTricklingOrSilentReceiverCannotHoldARequestPastItsDeadline() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (TricklingServer server = new TricklingServer(100)) {
            PinnedHttp http = new PinnedHttp(vertx);
            int port = server.port();
            Duration deadline = Duration.ofMillis(1500);

            long start = System.nanoTime();
            assertEquals(200, http.send(HttpMethod.POST, target(port, "/trickle"), Map.of(), "a", deadline, 0)
                    .get(deadline.toMillis() + 500, TimeUnit.MILLISECONDS).status(), "the status is the answer");
            assertTrue(elapsedMs(start) < deadline.toMillis(), "not held by the body: " + elapsedMs(start) + " ms");

            for (String path : List.of("/trickle", "/silent")) {
                long began = System.nanoTime();
                java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                        java.util.concurrent.ExecutionException.class, () -> http.send(HttpMethod.POST, target(port, path),
                                Map.of(), "a", deadline, 100).get(deadline.toMillis() + 500, TimeUnit.MILLISECONDS), path);
                assertTrue(failed.getCause() instanceof java.util.concurrent.TimeoutException, path + ": " + failed.getCause());
                long took = elapsedMs(began);
                assertTrue(took >= deadline.toMillis() - 50 && took < deadline.toMillis() + 500, path + " took " + took + " ms");
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static OutboundUrlPolicy.Target target(int port, String path) {
        return new OutboundUrlPolicy.Target(URI.create("http://receiver.invalid:" + port + path), "receiver.invalid", port,
                false, InetAddress.getLoopbackAddress());
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
