package uk.safeguarding.gateway.operations;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Business meters and traces for operators (docs/OPERATIONS.md). */
@ConfigMapping(prefix = "gateway.operations")
public interface OperationsConfig {

    /** How often each replica refreshes the gauges read from the database (one cheap query per refresh, never per scrape). */
    @WithDefault("15s")
    Duration gaugeRefresh();

    /** Traces. */
    Tracing tracing();

    /** Traces: recorded and exported only when a collector is configured. */
    interface Tracing {

        /** The OTLP collector (gRPC, e.g. {@code http://otel-collector.monitoring:4317}); without one no span is recorded or exported. */
        Optional<String> endpoint();

        /** Record spans although no collector is set (a test registering an in-memory exporter); never in production. */
        @WithDefault("false")
        boolean recordWithoutCollector();

        /** The share of requests recorded (0..1), whether or not they arrive with a traceparent. */
        @WithDefault("1.0")
        double sampleRatio();

        /** Record every request arriving with a sampled traceparent, whatever the ratio (tests only: a caller must not decide). */
        @WithDefault("false")
        boolean followCallersSampling();
    }
}
