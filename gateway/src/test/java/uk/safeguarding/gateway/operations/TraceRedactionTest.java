package uk.safeguarding.gateway.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Identifiers out of recorded paths and URLs; a caller's sampled traceparent does not force recording. */
class TraceRedactionTest {

    @Test
    void identifierSegmentsAndQueriesAreReplaced() {
        assertEquals("/api/v1/children/{id}/risk-assessments",
                TraceRedaction.redactPath("/api/v1/children/3f2b1c9e-1d2a-4e5f-8a9b-0c1d2e3f4a5b/risk-assessments?child=x|9434765919"));
        assertEquals("/api/v1/audit/children/{id}", TraceRedaction.redactPath("/api/v1/audit/children/9434765919"));
        assertEquals("/hooks/{id}", TraceRedaction.redactPath("/hooks/la_E09000030#frag"));
        assertEquals("/console/dpo/disclosures", TraceRedaction.redactPath("/console/dpo/disclosures?child=abc"));
        assertEquals("https://alerts.example:8443/hooks/{id}",
                TraceRedaction.redactUrl("https://alerts.example:8443/hooks/T0k3n-abc123?sig=1"));
    }

    @Test
    void aCallersSampledFlagAndTraceIdDoNotDecide() {
        Sampler sampler = new Tracing.CallersDoNotDecide(Sampler.parentBased(Sampler.traceIdRatioBased(0)), 0);
        SpanContext remote = SpanContext.createFromRemoteParent("00000000000000000000000000000001", "0000000000000001",
                TraceFlags.getSampled(), TraceState.getDefault());
        Context parent = Context.root().with(Span.wrap(remote));
        assertEquals(SamplingDecision.DROP, sampler.shouldSample(parent, remote.getTraceId(), "GET", SpanKind.SERVER,
                Attributes.empty(), List.of()).getDecision(), "a sampled traceparent with a tiny trace id is not followed");
        Sampler all = new Tracing.CallersDoNotDecide(Sampler.parentBased(Sampler.traceIdRatioBased(1)), 1);
        assertEquals(SamplingDecision.RECORD_AND_SAMPLE, all.shouldSample(parent, remote.getTraceId(), "GET", SpanKind.SERVER,
                Attributes.empty(), List.of()).getDecision());
        assertFalse(sampler.shouldSample(Context.root(), remote.getTraceId(), "GET", SpanKind.SERVER, Attributes.empty(), List.of())
                .getDecision().equals(SamplingDecision.RECORD_AND_SAMPLE), "a new trace at ratio 0 is not recorded");
    }
}
