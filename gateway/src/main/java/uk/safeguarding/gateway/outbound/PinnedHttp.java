package uk.safeguarding.gateway.outbound;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP requests to a URL that {@link OutboundUrlPolicy#resolve} has checked, connected to the checked
 * address and nowhere else: Vert.x's {@code RequestOptions.setServer} names the socket address, while
 * the host name still goes in the Host header, the TLS SNI and the certificate's host name check (the
 * client then keys its pooled connections by both). No DNS lookup happens here, so a name that
 * resolves differently a moment later cannot move the connection. Redirects are never followed.
 */
@ApplicationScoped
public class PinnedHttp {

    /** What came back; the body only up to the caller's limit ({@code truncated} says if more was sent). */
    public record Response(int status, String body, boolean truncated) {
    }

    private final HttpClient client;

    PinnedHttp(Vertx vertx) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setVerifyHost(true).setForceSni(true)
                .setKeepAlive(true).setMaxPoolSize(32));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Sends one request and completes with the response, keeping at most {@code maxBody} bytes of its body
     * (the rest is read and dropped, so a receiver cannot make the gateway buffer without limit).
     */
    public CompletableFuture<Response> send(HttpMethod method, OutboundUrlPolicy.Target target, Map<String, String> headers,
            String body, Duration timeout, int maxBody) {
        RequestOptions options = new RequestOptions().setMethod(method)
                .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
                .setHost(target.host()).setPort(target.port()).setSsl(target.https()).setURI(target.requestUri())
                .setConnectTimeout(timeout.toMillis()).setIdleTimeout(timeout.toMillis()).setFollowRedirects(false);
        headers.forEach(options::putHeader);
        Future<Response> response = client.request(options)
                .compose(request -> request.send(body == null ? Buffer.buffer() : Buffer.buffer(body)))
                .compose(resp -> {
                    Buffer kept = Buffer.buffer();
                    boolean[] truncated = {false};
                    resp.handler(chunk -> {
                        int room = maxBody - kept.length();
                        if (chunk.length() > room) {
                            truncated[0] = true;
                        }
                        if (room > 0) {
                            kept.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
                        }
                    });
                    return resp.end().map(v -> new Response(resp.statusCode(), kept.toString(), truncated[0]));
                });
        return response.toCompletionStage().toCompletableFuture();
    }
}
