package uk.safeguarding.gateway.operations;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Registers an in-memory span exporter: Quarkus hands every SpanExporter bean to its batch span
 * processor. The test profile samples no new trace, only requests arriving with a sampled traceparent
 * ({@link TracingTest}), so other tests leave it empty.
 */
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
