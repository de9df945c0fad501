package uk.safeguarding.gateway.operations;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spans the automatic instrumentation cannot make: the policy engine's decision (a pure function,
 * no I/O to hook) and a webhook delivery, which runs later on whichever replica claims the alert, so
 * it joins the trace of the request that queued the alert through the W3C traceparent kept on the row.
 */
@ApplicationScoped
public class Tracing {

    static final String DELIVERY = "webhook.deliver";
    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

    private final Tracer tracer;

    Tracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * Off unless a collector is configured, so a gateway without one records nothing and its exporter
     * never tries to connect (no errors in the log); trace ids still reach the logs' MDC.
     */
    @Produces
    @Singleton
    static Sampler sampler(OperationsConfig config) {
        OperationsConfig.Tracing tracing = config.tracing();
        if (tracing.endpoint().isEmpty() && !tracing.recordWithoutCollector()) {
            return Sampler.alwaysOff();
        }
        Sampler sampler = new WithoutBackgroundStatements(Sampler.parentBased(Sampler.traceIdRatioBased(tracing.sampleRatio())));
        return tracing.followCallersSampling() ? sampler : new CallersDoNotDecide(sampler, tracing.sampleRatio());
    }

    /**
     * A request arriving with a traceparent is sampled at the configured ratio by a coin toss of our own:
     * neither the caller's sampled flag nor its trace id (which the ratio sampler reads, and a caller
     * chooses) decides whether the gateway records it. Everything else as the delegate decides (a span
     * under a local parent follows it; a delivery's stored traceparent was sampled by this rule).
     */
    record CallersDoNotDecide(Sampler delegate, double ratio) implements Sampler {

        @Override
        public io.opentelemetry.sdk.trace.samplers.SamplingResult shouldSample(Context parent, String traceId, String name,
                SpanKind kind, io.opentelemetry.api.common.Attributes attributes,
                java.util.List<io.opentelemetry.sdk.trace.data.LinkData> links) {
            SpanContext caller = Span.fromContext(parent).getSpanContext();
            if (kind == SpanKind.SERVER && caller.isValid() && caller.isRemote()) {
                return java.util.concurrent.ThreadLocalRandom.current().nextDouble() < ratio
                        ? io.opentelemetry.sdk.trace.samplers.SamplingResult.recordAndSample()
                        : io.opentelemetry.sdk.trace.samplers.SamplingResult.drop();
            }
            return delegate.shouldSample(parent, traceId, name, kind, attributes, links);
        }

        @Override
        public String getDescription() {
            return "CallersDoNotDecide{" + delegate.getDescription() + "}";
        }
    }

    /**
     * Drops a database statement that belongs to no trace: the dispatcher's claim every second on every
     * replica, the sealer, the gauges' refresh. Kept, they would be most of the traces and none a request.
     */
    record WithoutBackgroundStatements(Sampler delegate) implements Sampler {

        @Override
        public io.opentelemetry.sdk.trace.samplers.SamplingResult shouldSample(Context parent, String traceId, String name,
                SpanKind kind, io.opentelemetry.api.common.Attributes attributes,
                java.util.List<io.opentelemetry.sdk.trace.data.LinkData> links) {
            if (kind == SpanKind.CLIENT && !Span.fromContext(parent).getSpanContext().isValid() && !name.equals(DELIVERY)) {
                return io.opentelemetry.sdk.trace.samplers.SamplingResult.drop();
            }
            return delegate.shouldSample(parent, traceId, name, kind, attributes, links);
        }

        @Override
        public String getDescription() {
            return "WithoutBackgroundStatements{" + delegate.getDescription() + "}";
        }
    }

    /** Starts a span for a policy decision, a child of the current request's span. */
    public Span startDecision(String action) {
        return tracer.spanBuilder("policy.decide").setSpanKind(SpanKind.INTERNAL)
                .setAttribute("gateway.policy.action", action == null ? "" : action).startSpan();
    }

    /** The current span as a W3C traceparent, or null when nothing is being recorded. */
    public static String traceParent() {
        SpanContext c = Span.current().getSpanContext();
        return c.isValid() && c.isSampled() ? "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex() : null;
    }

    /** Starts the span of one webhook delivery, in the trace of the request that queued the alert when it had one. */
    public Span startDelivery(String traceParent, UUID alertId, String agency, int attempt) {
        var builder = tracer.spanBuilder(DELIVERY).setSpanKind(SpanKind.CLIENT)
                .setAttribute("gateway.alert.id", alertId.toString())
                .setAttribute("gateway.alert.recipient", agency)
                .setAttribute("gateway.alert.attempt", attempt);
        Context parent = parent(traceParent);
        return (parent == null ? builder.setNoParent() : builder.setParent(parent)).startSpan();
    }

    static Context parent(String traceParent) {
        Matcher m = traceParent == null ? null : TRACEPARENT.matcher(traceParent);
        if (m == null || !m.matches()) {
            return null;
        }
        SpanContext remote = SpanContext.createFromRemoteParent(m.group(1), m.group(2),
                TraceFlags.fromHex(m.group(3), 0), TraceState.getDefault());
        return remote.isValid() ? Context.root().with(Span.wrap(remote)) : null;
    }
}
