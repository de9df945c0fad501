package uk.safeguarding.gateway.limits;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per client id, in memory on each replica (a client spread over N replicas gets
 * up to N times its rate; the limit protects each instance, not a global quota).
 */
@ApplicationScoped
public class TokenBuckets {

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private final LimitsConfig config;

    @jakarta.inject.Inject
    TokenBuckets(LimitsConfig config) {
        this(config, System::nanoTime);
    }

    TokenBuckets(LimitsConfig config, LongSupplier nanoClock) {
        this.config = config;
        this.nanoClock = nanoClock;
    }

    /** Takes one token for the client: 0 when allowed, otherwise the whole seconds until a token is due. */
    public long take(String clientId) {
        LimitsConfig.Client own = config.clients().get(clientId);
        double rate = own != null && own.requestsPerSecond().isPresent() ? own.requestsPerSecond().get() : config.requestsPerSecond();
        int burst = own != null && own.burst().isPresent() ? own.burst().get() : config.burst();
        long now = nanoClock.getAsLong();
        if (buckets.size() > 10_000) {
            evictIdle(now);
        }
        Bucket bucket = buckets.computeIfAbsent(clientId, k -> new Bucket(burst, now));
        return bucket.take(rate, burst, now);
    }

    /** The body ceiling for the client. */
    public long maxBodyBytes(String clientId) {
        LimitsConfig.Client own = config.clients().get(clientId);
        return own != null && own.maxBodyBytes().isPresent() ? own.maxBodyBytes().get() : config.maxBodyBytes();
    }

    private void evictIdle(long now) {
        long idle = config.idleEviction().toNanos();
        buckets.entrySet().removeIf(e -> now - e.getValue().last > idle);
    }

    private static final class Bucket {

        private double tokens;
        private long last;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.last = now;
        }

        synchronized long take(double rate, int burst, long now) {
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double wait = (1 - tokens) / rate;
            return Math.max(1, (long) Math.ceil(wait));
        }
    }

}
