package uk.safeguarding.gateway.outbound;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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

    private final Vertx vertx;
    private final HttpClient client;

    PinnedHttp(Vertx vertx) {
        this.vertx = vertx;
        // Not traced: no client span records a recipient's URL, and no traceparent is passed on to it
        // (the delivery's own span, Tracing.startDelivery, names only the alert and the agency).
        this.client = vertx.createHttpClient(new HttpClientOptions().setVerifyHost(true).setForceSni(true)
                .setKeepAlive(true).setMaxPoolSize(32).setTracingPolicy(io.vertx.core.tracing.TracingPolicy.IGNORE));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Sends one request. The returned future always completes within {@code timeout} (an overall deadline
     * for connect, send, status and body, not an idle timer a receiver can keep resetting with a trickle):
     * at the deadline the request is reset and the future fails with a {@link TimeoutException}.
     * At most {@code maxBody} bytes of the body are kept; once more arrive the connection is reset and the
     * future completes with what was kept ({@code truncated}). With {@code maxBody} 0 the body is not waited
     * for: the future completes with the status alone, and the body is drained in the background only until
     * the deadline, when an unfinished response is reset (so the connection can be reused when the body is
     * short, and a trickling receiver holds one connection for at most {@code timeout}).
     */
    public CompletableFuture<Response> send(HttpMethod method, OutboundUrlPolicy.Target target, Map<String, String> headers,
            String body, Duration timeout, int maxBody) {
        RequestOptions options = new RequestOptions().setMethod(method)
                .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
                .setHost(target.host()).setPort(target.port()).setSsl(target.https()).setURI(target.requestUri())
                .setConnectTimeout(timeout.toMillis()).setIdleTimeout(timeout.toMillis()).setFollowRedirects(false);
        headers.forEach(options::putHeader);
        CompletableFuture<Response> result = new CompletableFuture<>();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        AtomicBoolean finished = new AtomicBoolean();
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
            result.completeExceptionally(new TimeoutException("no complete answer within " + timeout));
            if (!finished.get() && sent.get() != null) {
                sent.get().reset();
            }
        });
        Runnable done = () -> {
            finished.set(true);
            vertx.cancelTimer(timer);
        };
        client.request(options).onFailure(e -> {
            done.run();
            result.completeExceptionally(e);
        }).onSuccess(request -> {
            sent.set(request);
            if (result.isDone()) {
                request.reset();
                return;
            }
            request.send(body == null ? Buffer.buffer() : Buffer.buffer(body)).onFailure(e -> {
                done.run();
                result.completeExceptionally(e);
            }).onSuccess(resp -> {
                if (maxBody <= 0) {
                    result.complete(new Response(resp.statusCode(), "", false));
                    resp.handler(chunk -> { });
                    resp.end().onComplete(v -> done.run());
                    return;
                }
                Buffer kept = Buffer.buffer();
                resp.handler(chunk -> {
                    if (result.isDone()) {
                        return;
                    }
                    int room = maxBody - kept.length();
                    kept.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
                    if (chunk.length() > room) {
                        // Past the limit: stop here rather than drain whatever (and however slowly) it sends.
                        done.run();
                        result.complete(new Response(resp.statusCode(), kept.toString(), true));
                        request.reset();
                    }
                });
                resp.end().onComplete(v -> {
                    done.run();
                    if (v.succeeded()) {
                        result.complete(new Response(resp.statusCode(), kept.toString(), false));
                    } else {
                        result.completeExceptionally(v.cause());
                    }
                });
            });
        });
        return result;
    }
}
