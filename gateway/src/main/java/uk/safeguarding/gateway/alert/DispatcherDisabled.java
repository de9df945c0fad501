package uk.safeguarding.gateway.alert;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.inject.Singleton;

/** Skips the alert jobs on replicas configured with {@code gateway.alert.dispatcher-enabled=false}. */
@Singleton
public class DispatcherDisabled implements Scheduled.SkipPredicate {

    private final AlertConfig config;

    DispatcherDisabled(AlertConfig config) {
        this.config = config;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return !config.dispatcherEnabled();
    }
}
