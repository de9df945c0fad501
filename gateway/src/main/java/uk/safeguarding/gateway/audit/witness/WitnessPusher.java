package uk.safeguarding.gateway.audit.witness;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.alert.WebhookSigner;
import uk.safeguarding.gateway.audit.chain.Checkpoint;

/**
 * Delivers every signed checkpoint to the configured witnesses, directly from the replica that signed
 * it: not through the outbox, which lives in the database an attacker would control. Each witness has
 * its own bounded queue in memory and its own retry with doubling backoff, so one witness being down
 * delays no other. On overflow the oldest queued checkpoint is dropped: the newest one's last hash
 * commits to every earlier entry, so a witness that gets it still detects any rewrite before it; only
 * the position of a finding becomes coarser. The queue does not survive a restart: on start each
 * replica re-pushes the newest checkpoints from the database (see WitnessReplay), which witnesses
 * accept as duplicates.
 */
public class WitnessPusher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WitnessPusher.class);

    /** One witness as configured: id (the metric tag), URL, its own secret. */
    public record Endpoint(String id, URI url, String secret) {
    }

    /**
     * How one signed POST leaves the process: the gateway's goes through the outbound URL policy and a
     * connection pinned to the checked address; tools and tests may use the plain JDK client.
     */
    @FunctionalInterface
    public interface Transport {
        /** Posts {@code body} with {@code headers} to {@code url}; the HTTP status, or an exception if none came. */
        int post(URI url, Map<String, String> headers, String body, Duration timeout) throws IOException, InterruptedException;
    }

    private final List<Lane> lanes;
    private final ScheduledExecutorService executor;
    private final Transport transport;
    private final int capacity;
    private final Duration retryInitial;
    private final Duration retryMax;
    private final Duration timeout;

    public WitnessPusher(List<Endpoint> endpoints, int capacity, Duration retryInitial, Duration retryMax, Duration timeout,
            MeterRegistry metrics) {
        this(endpoints, capacity, retryInitial, retryMax, timeout, metrics, jdkTransport(timeout));
    }

    public WitnessPusher(List<Endpoint> endpoints, int capacity, Duration retryInitial, Duration retryMax, Duration timeout,
            MeterRegistry metrics, Transport transport) {
        this.transport = transport;
        this.capacity = capacity;
        this.retryInitial = retryInitial;
        this.retryMax = retryMax;
        this.timeout = timeout;
        for (Endpoint endpoint : endpoints) {
            if (!WebhookSigner.isValidSecret(endpoint.secret())) {
                throw new IllegalStateException("gateway.audit.witness.endpoints: witness " + endpoint.id()
                        + " needs a whsec_ secret (base64 of 24 to 64 bytes)");
            }
        }
        this.lanes = endpoints.stream().map(endpoint -> new Lane(endpoint, metrics)).toList();
        this.executor = Executors.newScheduledThreadPool(Math.max(1, endpoints.size()), r -> {
            Thread thread = new Thread(r, "audit-witness-push");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The JDK client, no redirects: for tools and tests, which reach witnesses they were given by hand. */
    static Transport jdkTransport(Duration connectTimeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
        return (url, headers, body, timeout) -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout);
            headers.forEach(request::header);
            return http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        };
    }

    /** Queues a signed checkpoint for every witness; never blocks, never fails the caller. */
    public void offer(Checkpoint checkpoint) {
        for (Lane lane : lanes) {
            lane.offer(checkpoint);
        }
    }

    /** Checkpoints not yet acknowledged by this witness (the gauge gateway.audit.witness.behind). */
    public int behind(String witnessId) {
        return lanes.stream().filter(l -> l.endpoint.id().equals(witnessId)).mapToInt(Lane::size).sum();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /**
     * The one place a push leaves the pusher: a Standard Webhooks signed POST of one checkpoint through the
     * transport; the HTTP status, or an exception if none came.
     */
    int send(Endpoint endpoint, String messageId, String body) throws IOException, InterruptedException {
        long timestamp = System.currentTimeMillis() / 1000;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("webhook-id", messageId);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", WebhookSigner.signatureHeader(messageId, timestamp, body, List.of(endpoint.secret())));
        return transport.post(endpoint.url(), headers, body, timeout);
    }

    /** One witness's queue and retry state; all of it guarded by the lane itself. */
    private final class Lane {
        final Endpoint endpoint;
        final ArrayDeque<Checkpoint> queue = new ArrayDeque<>();
        final Counter failures;
        long backoffMillis;
        boolean draining;
        long dropped;
        /** This replica's own clock: since boot until the first acknowledgement. */
        volatile long lastAckNanos = System.nanoTime();

        Lane(Endpoint endpoint, MeterRegistry metrics) {
            this.endpoint = endpoint;
            this.failures = Counter.builder("gateway.audit.witness.failures").tag("witness", endpoint.id())
                    .description("Checkpoint pushes to a witness that failed or were refused").register(metrics);
            Gauge.builder("gateway.audit.witness.behind", this, Lane::size).tag("witness", endpoint.id())
                    .description("Signed checkpoints this replica has not yet got a witness to acknowledge").register(metrics);
            // Rises whatever stopped the pushes, including signing itself stopping (behind then stays 0).
            Gauge.builder("gateway.audit.witness.last.ack.age.seconds", this,
                            lane -> (System.nanoTime() - lane.lastAckNanos) / 1e9).tag("witness", endpoint.id())
                    .description("Seconds since this witness last acknowledged a checkpoint push from this replica (since start if none)")
                    .register(metrics);
        }

        synchronized int size() {
            return queue.size();
        }

        synchronized void offer(Checkpoint checkpoint) {
            queue.addLast(checkpoint);
            if (queue.size() > capacity) {
                Checkpoint lost = queue.pollFirst();
                if (dropped++ % 100 == 0) {
                    LOG.warnf("Witness %s is %d checkpoints behind; dropped checkpoint %d..%d from memory (newer ones still cover it)",
                            endpoint.id(), capacity, lost.firstSeq(), lost.lastSeq());
                }
            }
            if (!draining) {
                draining = true;
                executor.execute(this::drain);
            }
        }

        private synchronized Checkpoint head() {
            Checkpoint head = queue.peekFirst();
            if (head == null) {
                draining = false;
            }
            return head;
        }

        private synchronized void done(Checkpoint checkpoint) {
            // Only if still at the head: an overflow may have dropped it while it was in flight.
            if (queue.peekFirst() == checkpoint) {
                queue.pollFirst();
            }
        }

        void drain() {
            Checkpoint checkpoint;
            while ((checkpoint = head()) != null) {
                int status;
                try {
                    status = send(endpoint, "audit-checkpoint-" + checkpoint.firstSeq() + "-" + checkpoint.lastSeq(),
                            CheckpointJson.toJson(checkpoint));
                } catch (IOException e) {
                    status = -1;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (status >= 200 && status < 300) {
                    backoffMillis = 0;
                    lastAckNanos = System.nanoTime();
                    done(checkpoint);
                } else if (status == 409) {
                    // The witness already holds a different checkpoint for these entries: a fork. Retrying cannot help.
                    failures.increment();
                    LOG.errorf("Witness %s refused checkpoint %d..%d: it holds a different one for those entries "
                            + "(the chain was rewritten or restored to an earlier point; run bin/audit-verify --witness)",
                            endpoint.id(), checkpoint.firstSeq(), checkpoint.lastSeq());
                    done(checkpoint);
                } else if (status >= 400 && status < 500 && !List.of(401, 403, 408, 429).contains(status)) {
                    // The witness will never take this one (malformed, bad signature): retrying would block the lane for good.
                    // 401/403 (our secret is wrong) and 408/429 pass once fixed or later: those are retried.
                    failures.increment();
                    LOG.errorf("Witness %s refused checkpoint %d..%d with HTTP %d; dropped from its queue (newer checkpoints "
                            + "still cover those entries; run bin/audit-verify --witness)", endpoint.id(), checkpoint.firstSeq(),
                            checkpoint.lastSeq(), status);
                    done(checkpoint);
                } else {
                    failures.increment();
                    backoffMillis = backoffMillis == 0 ? retryInitial.toMillis() : Math.min(backoffMillis * 2, retryMax.toMillis());
                    if (backoffMillis >= retryMax.toMillis() || status > 0) {
                        LOG.warnf("Checkpoint push to witness %s failed (%s); %d queued, retrying in %d ms", endpoint.id(),
                                status < 0 ? "unreachable" : "HTTP " + status, size(), backoffMillis);
                    }
                    executor.schedule(this::drain, backoffMillis, TimeUnit.MILLISECONDS);
                    return;
                }
            }
        }
    }
}
