package uk.safeguarding.gateway.operations;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.internal.ExtendedSpanProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps children's identifiers out of traces. The HTTP instrumentation records the request's path and
 * query ({@code /children/{childId}/...}, {@code ?child=system|value}); a collector is not a place for
 * them. Every path segment that is not a static route word becomes {@code {id}} and every query is
 * replaced by {@code REDACTED} (an attribute cannot be removed once set), both when the span starts and
 * when it ends, since some attributes are only added at the end. Quarkus adds every {@code SpanProcessor}
 * bean to the tracer provider (as it does the {@link Tracing#sampler} bean).
 */
@ApplicationScoped
public class TraceRedaction implements ExtendedSpanProcessor {

    static final String REDACTED = "REDACTED";
    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    private static final List<AttributeKey<String>> QUERIES = List.of(AttributeKey.stringKey("url.query"));
    /** Attributes holding a path, possibly with its query. */
    private static final List<AttributeKey<String>> TARGETS = List.of(AttributeKey.stringKey("http.target"), URL_PATH);
    /** Attributes holding a whole URL. */
    private static final List<AttributeKey<String>> URLS = List.of(AttributeKey.stringKey("url.full"), AttributeKey.stringKey("http.url"));
    /** A route word: lower-case letters and hyphens, optionally one trailing digit (api, v1, risk-assessments). */
    private static final Pattern STATIC_SEGMENT = Pattern.compile("[a-z][a-z-]{0,40}[0-9]?");
    private static final Pattern URL = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)([^?#]*).*$");

    /** The path with every segment that is not a route word replaced by {id}, and no query or fragment. */
    static String redactPath(String target) {
        String path = target;
        int cut = indexOfAny(path, '?', '#');
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        String[] segments = path.split("/", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            String s = segments[i];
            out.append(s.isEmpty() || STATIC_SEGMENT.matcher(s).matches() ? s : "{id}");
        }
        return out.toString();
    }

    static String redactUrl(String url) {
        var m = URL.matcher(url);
        return m.matches() ? m.group(1) + redactPath(m.group(2)) : REDACTED;
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    private static void redact(ReadWriteSpan span) {
        for (AttributeKey<String> key : QUERIES) {
            if (span.getAttribute(key) != null) {
                span.setAttribute(key, REDACTED);
            }
        }
        for (AttributeKey<String> key : TARGETS) {
            String value = span.getAttribute(key);
            if (value != null) {
                span.setAttribute(key, redactPath(value));
            }
        }
        for (AttributeKey<String> key : URLS) {
            String value = span.getAttribute(key);
            if (value != null) {
                span.setAttribute(key, redactUrl(value));
            }
        }
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        redact(span);
    }

    /** Again at the end: the instrumentation adds some attributes (the route, the status) only then. */
    @Override
    public void onEnding(ReadWriteSpan span) {
        redact(span);
    }

    @Override
    public void onEnd(ReadableSpan span) {
        // Nothing to do once the span is read-only: onEnding has redacted it.
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public boolean isOnEndingRequired() {
        return true;
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
