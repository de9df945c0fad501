package uk.safeguarding.gateway.fhir;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import uk.safeguarding.gateway.problem.ApiException;

/**
 * Bounds the FHIR body text being parsed at once. A parse holds the body, Jackson's tree of it, HAPI's model
 * and the tree encoded back for the strictness check together: tens of times the body's size for a body
 * built to be expensive. The heap is fixed (gateway/src/main/jvm/jvm.options), so a few near-limit bodies
 * at once could exhaust it and restart the process with every request in flight; here they wait their turn,
 * and small bodies (a referral is a few KiB) never notice.
 */
final class ParseBudget {

    private final Semaphore kib;
    private final int totalKib;
    private final long waitMillis;

    ParseBudget(int totalKib, long waitMillis) {
        if (totalKib < 1) {
            throw new IllegalArgumentException("gateway.fhir.parse-budget-kib must be at least 1");
        }
        this.kib = new Semaphore(totalKib);
        this.totalKib = totalKib;
        this.waitMillis = waitMillis;
    }

    /** No bound: for tools and benchmarks that parse outside a running gateway. */
    static ParseBudget unbounded() {
        return new ParseBudget(Integer.MAX_VALUE, 0);
    }

    /** Runs {@code parse} once the body's share is free; 503 with Retry-After if it is not free in time. */
    <T> T within(int chars, String resourceType, Supplier<T> parse) {
        int need = (int) Math.max(1, Math.min(totalKib, (chars + 1023L) / 1024));
        boolean granted;
        try {
            granted = kib.tryAcquire(need, waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            granted = false;
        }
        if (!granted) {
            throw ApiException.retryLater(503, "FHIR_PARSE_BUSY", "The gateway is reading other large FHIR bodies; send the "
                    + resourceType + " again shortly.", 1);
        }
        try {
            return parse.get();
        } finally {
            kib.release(need);
        }
    }

    /** Kibibytes free now (for tests). */
    int available() {
        return kib.availablePermits();
    }
}
