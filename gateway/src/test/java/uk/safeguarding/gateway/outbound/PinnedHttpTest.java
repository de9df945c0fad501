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
            OutboundUrlPolicy.Target target = new OutboundUrlPolicy.Target(URI.create("http://receiver.invalid:" + port + "/hook?a=1"),
                    "receiver.invalid", port, false, InetAddress.getLoopbackAddress());
            PinnedHttp.Response response = http.send(HttpMethod.POST, target, Map.of("content-type", "text/plain"), "hello",
                    Duration.ofSeconds(5), 100).get(10, TimeUnit.SECONDS);
            assertEquals(200, response.status());
            assertEquals(100, response.body().length(), "kept only up to the limit");
            assertTrue(response.truncated());
            assertEquals(List.of("receiver.invalid:" + port + " /hook?a=1 hello"), seen, "reached without DNS, the name in Host");

            OutboundUrlPolicy.Target moved = new OutboundUrlPolicy.Target(URI.create("http://receiver.invalid:" + port + "/moved"),
                    "receiver.invalid", port, false, InetAddress.getLoopbackAddress());
            assertEquals(302, http.send(HttpMethod.POST, moved, Map.of(), "", Duration.ofSeconds(5), 0)
                    .get(10, TimeUnit.SECONDS).status());
            assertEquals(2, seen.size(), "the redirect was not followed: " + seen);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            server.stop(0);
        }
    }
}
