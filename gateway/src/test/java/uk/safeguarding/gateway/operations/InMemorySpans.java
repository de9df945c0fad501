package uk.safeguarding.gateway.operations;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Registers an in-memory span exporter: Quarkus hands every SpanExporter bean to its batch span
 * processor. It receives spans only in a test profile that records them ({@link TracingTest}); in
 * every other test the sampler records nothing, so it stays empty.
 */
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
