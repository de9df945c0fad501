package uk.safeguarding.gateway.alert;

import io.quarkus.scheduler.Scheduled;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.outbound.OutboundUrlPolicy;
import uk.safeguarding.gateway.outbound.PinnedHttp;

/**
 * Pushes due alerts to their recipients' webhooks. Safe with any number of replicas: a claim is one
 * statement that locks due rows with {@code FOR UPDATE SKIP LOCKED} and moves their
 * {@code next_attempt_at} forward by a lease, so no two dispatchers send the same alert at once, and
 * an alert whose dispatcher died mid-delivery is retried when its lease ends (at least once, with
 * the alert id as {@code webhook-id} for receivers to drop repeats). Never "id greater than last
 * seen", which skips rows whose transactions commit late.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    /** How long past the request timeout the dispatcher still waits for a delivery's outcome. */
    private static final long OUTCOME_MARGIN_MS = 2000;

    /**
     * Driven from the subscriptions: for each active one, the agency's earliest due alerts through
     * {@code alert_due_by_agency} (V60), locked where they are read ({@code FOR UPDATE SKIP LOCKED}, so
     * concurrent claimers pass each other's rows), so pending alerts of agencies without a subscription
     * are never read, however many pile up. Each agency offers up to a batch; the earliest batch of
     * those is leased, and the rest are unlocked when the statement ends.
     * <p>No join back to {@code alert}: the client caches prepared statements, so this is planned once
     * per connection, and a gateway started on a new database plans it while {@code alert} is empty
     * and keeps that plan until autovacuum next analyses the table. The earlier form joined its
     * candidates back to {@code alert}; planned on an empty table that join scanned the table once per
     * candidate, and with a backlog of 10,000 one claim took 3-20 s instead of 15 ms (bench/run
     * alert-drain). At worst this form reads the table once per claim (ClaimScopeTest).
     */
    static final String CLAIM = """
            WITH due AS (
                SELECT c.id FROM alert_subscription s
                CROSS JOIN LATERAL (
                    SELECT x.id, x.next_attempt_at FROM alert x
                    WHERE x.recipient_agency = s.agency_id AND x.status = 'PENDING' AND x.next_attempt_at <= $1
                    ORDER BY x.next_attempt_at
                    LIMIT $2
                    FOR UPDATE SKIP LOCKED) c
                WHERE s.paused_at IS NULL
                ORDER BY c.next_attempt_at
                LIMIT $2)
            UPDATE alert a SET next_attempt_at = $3, attempts = a.attempts + 1
            WHERE a.id = ANY(ARRAY(SELECT id FROM due))
            RETURNING a.id, a.recipient_agency, a.event, a.payload, a.created_at, coalesce(a.window_start, a.created_at) AS window_start, a.attempts,
                a.trace_parent
            """;
    /** One statement per batch: a cached plan's cost is then bounded by one scan per batch, not one per alert. */
    private static final String DELIVERED = """
            UPDATE alert SET status = 'DELIVERED', delivered_at = $2, last_error = NULL
            WHERE id = ANY($1) AND status = 'PENDING'
            """;
    private static final String RETRY = """
            UPDATE alert SET next_attempt_at = $2, last_error = $3 WHERE id = $1 AND status = 'PENDING'
            """;
    private static final String DEAD = """
            UPDATE alert SET status = 'DEAD', dead_at = $2, last_error = $3 WHERE id = $1 AND status = 'PENDING'
            """;

    private final Pool pool;
    private final AlertConfig config;
    private final GatewayClock clock;
    private final uk.safeguarding.gateway.audit.AuditTrail audit;
    private final OutboundTokens tokens;
    private final StoredSecrets stored;
    private final OutboundUrlPolicy urls;
    private final PinnedHttp http;
    private final java.util.concurrent.ExecutorService waker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "alert-dispatch-wake");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.ExecutorService drainPool = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "alert-dispatch-drain");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.atomic.AtomicBoolean wakeQueued = new java.util.concurrent.atomic.AtomicBoolean();
    /** Null in a dispatcher built by hand (tests racing two of them): deliveries are then not traced. */
    @jakarta.inject.Inject
    uk.safeguarding.gateway.operations.Tracing tracing;

    Dispatcher(Pool pool, AlertConfig config, GatewayClock clock, uk.safeguarding.gateway.audit.AuditTrail audit,
            OutboundTokens tokens, StoredSecrets stored, OutboundUrlPolicy urls, PinnedHttp http) {
        this.pool = pool;
        this.stored = stored;
        this.urls = urls;
        this.http = http;
        this.tokens = tokens;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
    }

    /** One claimed alert with where it goes. */
    record Claimed(UUID id, String agency, String event, JsonObject payload, Instant createdAt, Instant windowStart,
            int attempts, String traceParent) {
    }

    /**
     * Where an agency's alerts go; {@code oauth} is null unless its endpoint requires a token. The secrets
     * are decrypted; {@code unavailable} says why they could not be (then every delivery fails with it).
     */
    record Subscription(String key, String url, List<String> secrets, JsonObject oauth, String unavailable) {
    }

    /**
     * Dispatches now, on a worker thread, instead of at the next tick: called after a transaction
     * that queued alerts has committed, so the replica that took the request sends within
     * milliseconds. Other replicas still find the rows at their own tick.
     */
    public void wake() {
        if (config.dispatcherEnabled() && wakeQueued.compareAndSet(false, true)) {
            waker.execute(() -> {
                wakeQueued.set(false);
                tick();
            });
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        waker.shutdownNow();
        drainPool.shutdownNow();
    }

    @Scheduled(every = "${gateway.alert.dispatch-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = DispatcherDisabled.class)
    void tick() {
        int first = drainOnce();
        if (first < config.batchSize()) {
            return;
        }
        // A full batch means more may be due: drain with several claimers at once (SKIP LOCKED keeps
        // them apart), so one batch's HTTP round trips overlap the next one's claim and updates.
        List<CompletableFuture<Void>> drainers = new ArrayList<>();
        for (int i = 0; i < config.parallelClaims(); i++) {
            drainers.add(CompletableFuture.runAsync(() -> {
                while (drainOnce() >= config.batchSize()) {
                    LOG.debug("Full batch dispatched; claiming again");
                }
            }, drainPool));
        }
        drainers.forEach(CompletableFuture::join);
    }

    private int drainOnce() {
        try {
            return dispatchOnce();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Alert dispatch failed; will retry on the next tick");
            return 0;
        }
    }

    /** Claims one batch of due alerts, delivers them and records each outcome; returns how many were claimed. */
    public int dispatchOnce() {
        Instant now = clock.instant();
        List<Claimed> claimed = pool.preparedQuery(CLAIM)
                .execute(Tuple.of(utc(now), config.batchSize(), utc(now.plus(config.lease()))))
                .map(rows -> {
                    List<Claimed> list = new ArrayList<>();
                    for (Row r : rows) {
                        list.add(new Claimed(r.getUUID("id"), r.getString("recipient_agency"), r.getString("event"),
                                (JsonObject) r.getValue("payload"), r.getOffsetDateTime("created_at").toInstant(),
                                r.getOffsetDateTime("window_start").toInstant(),
                                r.getInteger("attempts"), r.getString("trace_parent")));
                    }
                    return list;
                }).await().indefinitely();
        if (claimed.isEmpty()) {
            return 0;
        }
        Map<String, Subscription> subscriptions = subscriptions(claimed);
        List<CompletableFuture<Tuple>> outcomes = new ArrayList<>(claimed.size());
        for (Claimed alert : claimed) {
            outcomes.add(traced(alert, subscriptions.get(alert.agency())));
        }
        List<UUID> delivered = new ArrayList<>();
        List<Tuple> retry = new ArrayList<>();
        List<Tuple> dead = new ArrayList<>();
        Instant after = clock.instant();
        for (int i = 0; i < claimed.size(); i++) {
            Claimed alert = claimed.get(i);
            String error = outcome(outcomes.get(i));
            if (error == null) {
                delivered.add(alert.id());
            } else if (!after.isBefore(alert.windowStart().plus(config.giveUpAfter()))) {
                dead.add(Tuple.of(alert.id(), utc(after), error));
                LOG.warnf("Alert %s to %s is a dead letter after %d attempts: %s", alert.id(), alert.agency(),
                        alert.attempts(), error);
            } else {
                retry.add(Tuple.of(alert.id(), utc(after.plus(backoff(alert.attempts()))), error));
            }
        }
        if (!delivered.isEmpty()) {
            pool.preparedQuery(DELIVERED).execute(Tuple.of(delivered.toArray(new UUID[0]), utc(after))).await().indefinitely();
        }
        if (!retry.isEmpty()) {
            pool.preparedQuery(RETRY).executeBatch(retry).await().indefinitely();
        }
        if (!dead.isEmpty()) {
            // Giving up is recorded in the audit trail with the state change, in one transaction.
            pool.withTransaction(tx -> tx.preparedQuery(DEAD).executeBatch(dead).chain(() -> {
                io.smallrye.mutiny.Uni<Void> chain = io.smallrye.mutiny.Uni.createFrom().voidItem();
                for (Tuple t : dead) {
                    Claimed alert = claimed.stream().filter(c -> c.id().equals(t.getUUID(0))).findFirst().orElseThrow();
                    chain = chain.chain(() -> audit.record(tx, Escalator.systemEntry("alert.dead-letter", "alert",
                            alert.id().toString(), null, List.of("undelivered after " + config.giveUpAfter()
                                    + " to " + alert.agency() + ": " + t.getString(2)))));
                }
                return chain;
            })).await().indefinitely();
        }
        return claimed.size();
    }

    /**
     * Waits for one delivery, but never past its deadline plus a margin: PinnedHttp already completes
     * every request by then, and this bound keeps a stuck recipient from holding the other alerts of
     * the batch (and so the whole dispatcher) even if some other stage never completes.
     */
    private String outcome(CompletableFuture<Tuple> delivery) {
        try {
            return delivery.get(config.requestTimeout().toMillis() + OUTCOME_MARGIN_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .getString(0);
        } catch (java.util.concurrent.TimeoutException e) {
            delivery.cancel(true);
            return "no outcome within " + config.requestTimeout();
        } catch (java.util.concurrent.ExecutionException e) {
            return truncate("delivery failed: " + e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Full jitter: a random wait between half and all of min(max, initial * 2^(attempts-1)). */
    Duration backoff(int attempts) {
        long initial = config.initialBackoff().toMillis();
        long cap = config.maxBackoff().toMillis();
        long exp = attempts >= 31 ? cap : Math.min(cap, initial * (1L << Math.max(0, attempts - 1)));
        return Duration.ofMillis(exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1));
    }

    private Map<String, Subscription> subscriptions(List<Claimed> claimed) {
        List<String> agencies = claimed.stream().map(Claimed::agency).distinct().toList();
        return pool.preparedQuery("SELECT id, agency_id, url, secrets, oauth, updated_at FROM alert_subscription WHERE agency_id = ANY($1)")
                .execute(Tuple.of(agencies.toArray(new String[0])))
                .map(rows -> {
                    Map<String, Subscription> map = new HashMap<>();
                    for (Row r : rows) {
                        String key = r.getUUID("id") + "@" + r.getOffsetDateTime("updated_at");
                        Subscription s;
                        try {
                            s = new Subscription(key, r.getString("url"), stored.openWebhooks(r.getUUID("id"), r.getString("url"),
                                    r.getJsonArray("secrets")), stored.openOAuth(r.getUUID("id"), (JsonObject) r.getValue("oauth")), null);
                        } catch (uk.safeguarding.gateway.secrets.SecretBox.SecretUnavailableException e) {
                            s = new Subscription(key, r.getString("url"), List.of(), null, "stored secret unusable: " + e.getMessage());
                        }
                        map.put(r.getString("agency_id"), s);
                    }
                    return map;
                }).await().indefinitely();
    }

    /** {@link #deliver} inside a span of the trace that queued the alert (docs/OPERATIONS.md, Traces). */
    private CompletableFuture<Tuple> traced(Claimed alert, Subscription subscription) {
        if (tracing == null) {
            return deliver(alert, subscription);
        }
        io.opentelemetry.api.trace.Span span = tracing.startDelivery(alert.traceParent(), alert.id(), alert.agency(), alert.attempts());
        return deliver(alert, subscription).whenComplete((outcome, failure) -> {
            String error = failure != null ? failure.toString() : outcome.getString(0);
            if (error != null) {
                span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, error);
            }
            span.end();
        });
    }

    /** Completes with a one-element tuple: null when delivered, else the error to record. */
    private CompletableFuture<Tuple> deliver(Claimed alert, Subscription subscription) {
        if (subscription == null) {
            return CompletableFuture.completedFuture(Tuple.of("subscription removed"));
        }
        if (subscription.unavailable() != null) {
            return CompletableFuture.completedFuture(Tuple.of(truncate(subscription.unavailable())));
        }
        String body = envelope(alert).encode();
        String id = alert.id().toString();
        long timestamp = Instant.now().getEpochSecond();
        String bearer = null;
        if (subscription.oauth() != null) {
            try {
                bearer = tokens.bearer(subscription.key(), subscription.oauth());
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(Tuple.of(truncate("OAuth token: " + e.getMessage())));
            }
        }
        OutboundUrlPolicy.Target target;
        try {
            // Resolved and checked now, at every send: the name may resolve elsewhere than when it was registered.
            target = urls.resolve(subscription.url());
        } catch (OutboundUrlPolicy.Refused e) {
            return CompletableFuture.completedFuture(Tuple.of(truncate("refused by the outbound URL policy ("
                    + e.rule() + "): " + e.getMessage())));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (bearer != null) {
            headers.put("authorization", "Bearer " + bearer);
        }
        headers.put("content-type", "application/json");
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", WebhookSigner.signatureHeader(id, timestamp, body, subscription.secrets()));
        return http.send(HttpMethod.POST, target, headers, body, config.requestTimeout(), 0)
                .handle((response, failure) -> {
                    if (failure != null) {
                        return Tuple.of(truncate(failure.getClass().getSimpleName() + ": " + failure.getMessage()));
                    }
                    int status = response.status();
                    return Tuple.of(status >= 200 && status < 300 ? null : "HTTP " + status);
                });
    }

    /** The Standard Webhooks envelope: type, timestamp and the (already redacted) payload as data. */
    static JsonObject envelope(Claimed alert) {
        return new JsonObject()
                .put("type", alert.event())
                .put("timestamp", alert.createdAt().toString())
                .put("data", alert.payload().copy().put("alertId", alert.id().toString()));
    }

    private static String truncate(String s) {
        return s == null ? null : s.length() > 500 ? s.substring(0, 500) : s;
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
