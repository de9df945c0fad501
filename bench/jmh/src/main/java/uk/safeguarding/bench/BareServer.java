package uk.safeguarding.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.concurrent.Executors;

/**
 * The baseline for start-up, memory and the whoami load: the JDK's own HTTP server doing the least
 * a token-checking endpoint can do (bare RS256 signature check, echo the payload). No framework,
 * no database, no claims validation, so it is a floor, not a fair competitor.
 *
 * <pre>  BareServer PORT PUBLIC_KEY_PEM [THREADS]</pre>
 */
public final class BareServer {

    private BareServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        PublicKey key = BenchKeys.readPublicKey(Path.of(args[1]));
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.createContext("/q/health/ready", exchange -> respond(exchange, 200, "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/api/v1/whoami", exchange -> {
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            String token = header != null && header.startsWith("Bearer ") ? header.substring(7) : "";
            if (!BenchKeys.bareVerify(token, key)) {
                respond(exchange, 401, "{\"status\":401}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            int first = token.indexOf('.');
            int last = token.lastIndexOf('.');
            respond(exchange, 200, Base64.getUrlDecoder().decode(token.substring(first + 1, last)));
        });
        server.start();
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
