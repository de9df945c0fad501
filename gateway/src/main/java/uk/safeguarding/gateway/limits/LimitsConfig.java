package uk.safeguarding.gateway.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Per-client request limits: a token bucket of requests and a body-size ceiling, keyed by the
 * token's client id ({@code azp}). Defaults are generous enough for every test and benchmark;
 * a client that needs more (or less) gets its own entry under {@code clients}.
 */
@ConfigMapping(prefix = "gateway.limits")
public interface LimitsConfig {

    /** Whether per-client rate and size limits are enforced at all. */
    @WithDefault("true")
    boolean enabled();

    /** Sustained requests per second each client may make (the bucket's refill rate). */
    @WithDefault("500")
    double requestsPerSecond();

    /** Requests a client may make at once after being idle (the bucket's size). */
    @WithDefault("1000")
    int burst();

    /** The largest request body a client may send, in bytes; never above quarkus.http.limits.max-body-size. */
    @WithDefault("1048576")
    long maxBodyBytes();

    /** Buckets idle this long are forgotten, so memory stays bounded by the number of active clients. */
    @WithDefault("PT10M")
    Duration idleEviction();

    /** Overrides for named clients (by {@code azp}); each key falls back to the defaults above. */
    Map<String, Client> clients();

    /** One client's own limits. */
    interface Client {

        /** Sustained requests per second for this client. */
        Optional<Double> requestsPerSecond();

        /** Bucket size for this client. */
        Optional<Integer> burst();

        /** Largest body for this client, in bytes. */
        Optional<Long> maxBodyBytes();
    }
}
