package uk.safeguarding.gateway.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTrail;

/**
 * Puts refused authentications in the audit trail without letting a flood swamp it: per source
 * address and minute, the first {@code per-address-per-minute} refusals get a record each, the rest are
 * only counted, and one summary record per address says how many when the minute has ended. Memory is
 * bounded by {@code max-addresses-per-minute} (further addresses share one overflow tally). Writes
 * are fire-and-forget on the reactive pool, so the 401 never waits for the database; a write that
 * fails is logged and the refusal still counted by the metric.
 * <p>
 * The source address is the only key: the client id of a token that failed verification is whatever
 * the sender wrote, so it is recorded as a label (see {@link ClaimedClient}) and counts nothing.
 */
@Singleton
public class TokenRejections {

    private static final Logger LOG = Logger.getLogger(TokenRejections.class);
    static final String ACTION = "auth.rejected";
    static final String SUMMARY_ACTION = "auth.rejected.suppressed";
    /** The summary's label for refusals from addresses beyond the tracking cap. */
    static final String OVERFLOW = "source:addresses-over-cap";
    private static final int MAX_REQUEST_LABEL = 160;

    /** Refusals from one address (or the overflow) in one minute. */
    private static final class Tally {
        final AtomicInteger seen = new AtomicInteger();
        final Map<String, AtomicInteger> suppressedByCode = new ConcurrentHashMap<>();

        void suppress(String code) {
            suppressedByCode.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
        }

        int suppressed() {
            return suppressedByCode.values().stream().mapToInt(AtomicInteger::get).sum();
        }
    }

    /** One minute's tallies, bounded in the number of addresses. */
    private final class Minute {
        final Map<String, Tally> byAddress = new ConcurrentHashMap<>();
        final AtomicInteger tracked = new AtomicInteger();
        final Tally overflow = new Tally();

        Tally tally(String address) {
            Tally tally = byAddress.get(address);
            if (tally != null) {
                return tally;
            }
            if (tracked.incrementAndGet() > config.maxAddressesPerMinute()) {
                tracked.decrementAndGet();
                return overflow;
            }
            return byAddress.computeIfAbsent(address, a -> new Tally());
        }
    }

    private final AuditTrail trail;
    private final AuthRejectionConfig config;
    private final MeterRegistry metrics;
    private final Map<Long, Minute> minutes = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Clock clock = Clock.systemUTC();

    TokenRejections(AuditTrail trail, AuthRejectionConfig config, MeterRegistry metrics) {
        this.trail = trail;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Counts one refusal and, within the cap, writes its record in the background.
     *
     * @param request the method and path, for the reader of the record (an id at most, never a body)
     * @param claimedClient the {@code claimed-client:} label, or null
     */
    public void rejected(String address, int status, String code, String request, String claimedClient, String requestId) {
        counters.computeIfAbsent(code, c -> Counter.builder("gateway.auth.rejections")
                .description("Refused authentications (401, or 503 when the revocation list is unreadable), by stable code")
                .tag("code", c).register(metrics)).increment();
        String source = address == null ? "unknown" : address;
        Tally tally = minutes.computeIfAbsent(minuteOf(clock.millis()), m -> new Minute()).tally(source);
        if (tally.seen.incrementAndGet() > config.perAddressPerMinute() || !takeWriteSlot()) {
            tally.suppress(code);
            return;
        }
        List<String> reasons = new ArrayList<>();
        if (claimedClient != null) {
            reasons.add(claimedClient);
        }
        write(new AuditEntry(UUID.randomUUID(), Instant.now(), requestId, null, null, null, null, List.of(), null, ACTION,
                "request", printable(request), null, List.of(), "DENY", reasons, code, null, null, null, status, address,
                List.of()));
    }

    @Scheduled(every = "${gateway.auth-rejections.flush-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledFlush() {
        flush().subscribe().with(n -> { }, f -> LOG.warnf("Refusal summaries not written: %s", f.toString()));
    }

    /**
     * Writes one summary record per address that went over the cap in every minute that has ended,
     * and forgets those minutes; emits how many summaries were written. Package-private so tests can
     * end a minute without waiting for the scheduler.
     */
    Uni<Integer> flush() {
        long current = minuteOf(clock.millis());
        List<AuditEntry> summaries = new ArrayList<>();
        for (Long minute : List.copyOf(minutes.keySet())) {
            Minute ended = minute < current ? minutes.remove(minute) : null;
            if (ended == null) {
                continue;
            }
            ended.byAddress.forEach((address, tally) -> summary(minute, address, null, tally).ifPresent(summaries::add));
            summary(minute, null, OVERFLOW, ended.overflow).ifPresent(summaries::add);
        }
        // One at a time: the summaries of a flood must not take the pool all at once either.
        return Multi.createFrom().iterable(summaries).onItem()
                .transformToUniAndConcatenate(e -> trail.recordStandalone(e).replaceWith(1).onFailure().invoke(f ->
                        LOG.warnf("Refusal summary for minute %s not written: %s", e.resourceId(), f.toString()))
                        .onFailure().recoverWithItem(0))
                .collect().asList().map(written -> written.stream().mapToInt(Integer::intValue).sum());
    }

    private Optional<AuditEntry> summary(long minute, String address, String label, Tally tally) {
        int suppressed = tally.suppressed();
        if (suppressed == 0) {
            return Optional.empty();
        }
        String minuteLabel = Instant.ofEpochMilli(minute * 60_000).toString();
        List<String> reasons = new ArrayList<>();
        reasons.add("suppressed:" + suppressed);
        if (label != null) {
            reasons.add(label);
        }
        new TreeMap<>(tally.suppressedByCode).forEach((code, n) -> reasons.add("code:" + code + "=" + n.get()));
        boolean onlyUnavailable = tally.suppressedByCode.keySet().stream().allMatch(AgencyRejectedException.LIST_UNAVAILABLE::equals);
        return Optional.of(new AuditEntry(UUID.randomUUID(), Instant.now(), UUID.randomUUID().toString(), null, null,
                null, null, List.of(), null, SUMMARY_ACTION, "source-minute", minuteLabel, null, List.of(), "DENY", reasons,
                null, null, null, null, onlyUnavailable ? 503 : 401, address, List.of()));
    }

    private boolean takeWriteSlot() {
        if (inFlight.incrementAndGet() > config.maxConcurrentWrites()) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    private void write(AuditEntry entry) {
        trail.recordStandalone(entry).subscribe().with(v -> inFlight.decrementAndGet(), f -> {
            inFlight.decrementAndGet();
            LOG.warnf("Audit record of refused request %s not written: %s", entry.requestId(), f.toString());
        });
    }

    /** Only printable ASCII and a bounded length: the path is the sender's choice too. */
    static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_REQUEST_LABEL));
        for (int i = 0; i < text.length() && out.length() < MAX_REQUEST_LABEL; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static long minuteOf(long epochMillis) {
        return Math.floorDiv(epochMillis, 60_000L);
    }

    /** Tests pin the minute with a fixed clock, so a flood's minute is theirs alone and its end is theirs to choose. */
    void clock(Clock clock) {
        this.clock = clock;
    }
}
