package uk.safeguarding.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.audit.AuditEntry;
import uk.safeguarding.gateway.audit.AuditTrail;

/**
 * The cap's bookkeeping without a database: addresses beyond the tracking cap share one overflow
 * tally, writes beyond the in-flight limit are counted rather than queued, and minutes that have not
 * ended are not summarised.
 */
class TokenRejectionsTest {

    private static final Instant MINUTE = Instant.parse("2030-06-01T12:00:00Z");

    /** Records what would be written; completes each write only when told, to hold writes in flight. */
    static final class Trail extends AuditTrail {
        final List<AuditEntry> written = new CopyOnWriteArrayList<>();
        volatile boolean hold;

        Trail() {
            super(null);
        }

        @Override
        public Uni<Void> recordStandalone(AuditEntry entry) {
            written.add(entry);
            return hold ? Uni.createFrom().nothing() : Uni.createFrom().voidItem();
        }
    }

    private static TokenRejections rejections(Trail trail, int perAddress, int addresses, int writes) {
        TokenRejections r = new TokenRejections(trail, new AuthRejectionConfig() {
            public int perAddressPerMinute() {
                return perAddress;
            }

            public int maxAddressesPerMinute() {
                return addresses;
            }

            public int maxConcurrentWrites() {
                return writes;
            }

            public Duration flushInterval() {
                return Duration.ofSeconds(10);
            }
        }, new SimpleMeterRegistry());
        r.clock(Clock.fixed(MINUTE.plusSeconds(1), ZoneOffset.UTC));
        return r;
    }

    private static List<AuditEntry> summaries(Trail trail) {
        return trail.written.stream().filter(e -> e.action().equals(TokenRejections.SUMMARY_ACTION)).toList();
    }

    private static void threeFromEachOfTenAddresses(TokenRejections r) {
        for (int address = 1; address <= 10; address++) {
            for (int i = 0; i < 3; i++) {
                r.rejected("192.0.2." + address, 401, "TOKEN_INVALID", "GET /api/v1/whoami", null, "req-" + address + "-" + i);
            }
        }
    }

    @Test
    void addressesBeyondTheTrackingCapShareOneOverflowTally() {
        Trail trail = new Trail();
        TokenRejections r = rejections(trail, 2, 3, 100);
        threeFromEachOfTenAddresses(r);
        // Three tracked addresses: two each, one suppressed each. The other seven share one tally of two.
        assertEquals(3 * 2 + 2, trail.written.size());
        assertEquals(List.of("192.0.2.1", "192.0.2.1", "192.0.2.2", "192.0.2.2", "192.0.2.3", "192.0.2.3", "192.0.2.4",
                "192.0.2.4"), trail.written.stream().map(AuditEntry::sourceAddress).toList());
    }

    @Test
    void aMinuteIsSummarisedOnlyOnceItHasEnded() {
        Trail trail = new Trail();
        TokenRejections r = rejections(trail, 2, 3, 100);
        threeFromEachOfTenAddresses(r);
        assertEquals(0, r.flush().await().indefinitely(), "the minute has not ended");
        r.clock(Clock.fixed(MINUTE.plusSeconds(61), ZoneOffset.UTC));
        assertEquals(4, r.flush().await().indefinitely());
        List<AuditEntry> summaries = summaries(trail);
        AuditEntry overflow = summaries.stream().filter(e -> e.sourceAddress() == null).findFirst().orElseThrow();
        // Seven addresses x three refusals, two of them written: 19 counted under the overflow label.
        assertEquals(List.of("suppressed:19", TokenRejections.OVERFLOW, "code:TOKEN_INVALID=19"), overflow.reasons());
        assertEquals(3, summaries.stream().filter(e -> e.sourceAddress() != null && e.reasons().contains("suppressed:1")).count());
        assertEquals(MINUTE.toString(), overflow.resourceId());
        assertEquals(0, r.flush().await().indefinitely(), "a minute is summarised once");
    }

    @Test
    void writesBeyondTheInFlightLimitAreCountedNotQueued() {
        Trail trail = new Trail();
        trail.hold = true;
        TokenRejections r = rejections(trail, 100, 10, 3);
        for (int i = 0; i < 10; i++) {
            r.rejected("198.51.100.7", 503, AgencyRejectedException.LIST_UNAVAILABLE, "GET /", null, "req-" + i);
        }
        assertEquals(3, trail.written.size(), "only three writes in flight");
        trail.hold = false;
        r.clock(Clock.fixed(MINUTE.plusSeconds(120), ZoneOffset.UTC));
        r.flush().await().indefinitely();
        AuditEntry summary = summaries(trail).get(0);
        assertEquals(List.of("suppressed:7", "code:REVOCATION_LIST_UNAVAILABLE=7"), summary.reasons());
        assertEquals(503, summary.outcome());
        assertEquals("198.51.100.7", summary.sourceAddress());
        assertNull(summary.actorSubject());
    }

    @Test
    void theRequestLabelIsPrintableAndBounded() {
        String label = TokenRejections.printable("GET /api/\u0000\n" + "x".repeat(500));
        assertTrue(label.startsWith("GET /api/??x"));
        assertEquals(160, label.length());
    }
}
