package uk.safeguarding.gateway.alert;

import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The time alerts, deadlines and escalations are measured against: the system clock plus an
 * offset that only tests move ({@link #advance}), so "72 hours later" is testable in seconds.
 * Webhook signature timestamps use the real wall clock, because receivers check them against theirs.
 */
@Singleton
public class GatewayClock extends Clock {

    private volatile Duration offset = Duration.ZERO;

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    /** Moves this clock forward (tests only). */
    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    /** Back to the system clock (tests only). */
    public void reset() {
        offset = Duration.ZERO;
    }
}
