package uk.safeguarding.gateway.alert;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Alert delivery: the dispatcher, retries, dead letters, escalation and the links alerts carry. */
@ConfigMapping(prefix = "gateway.alert")
public interface AlertConfig {

    /** Whether this instance runs the dispatcher and the escalation job (every replica may; claims never collide). */
    @WithDefault("true")
    boolean dispatcherEnabled();

    /** How often each replica looks for due alerts (a scheduler interval, e.g. {@code 1s}). */
    @WithDefault("1s")
    String dispatchInterval();

    /** How often each replica looks for passed acknowledgement and return-interview deadlines. */
    @WithDefault("5s")
    String escalationInterval();

    /** The most alerts one dispatcher claim takes; a full batch is followed at once by another claim. */
    @WithDefault("200")
    int batchSize();

    /** How many claims one replica runs at once while a backlog drains. */
    @WithDefault("4")
    int parallelClaims();

    /** How long a claimed alert is reserved for the claiming dispatcher; after that another replica may retry it. */
    @WithDefault("PT60S")
    Duration lease();

    /** Delay before the first retry; each further retry doubles it (with full jitter), up to {@link #maxBackoff()}. */
    @WithDefault("PT5S")
    Duration initialBackoff();

    /** The longest wait between two attempts. */
    @WithDefault("PT1H")
    Duration maxBackoff();

    /** How long after it was queued an undelivered webhook alert is given up and becomes a dead letter. */
    @WithDefault("PT72H")
    Duration giveUpAfter();

    /** Timeout of one webhook call (connect and response). */
    @WithDefault("PT10S")
    Duration requestTimeout();

    /** The gateway's public base URL, for the links in alert payloads. */
    @WithDefault("http://127.0.0.1:8080")
    String publicBaseUrl();
}
