package uk.safeguarding.gateway.limits;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem;

/**
 * Refuses, at the edge and for every JSON body on every route, text that PostgreSQL cannot store: the
 * escape {@code \u0000} (text and jsonb both refuse U+0000, SQLSTATE 22P05, which surfaced as a 500
 * after both parsers had accepted it) and an unpaired UTF-16 surrogate such as {@code \ud800} (not a
 * character: the UTF-8 encoder would silently write '?', so the stored text and the audit encoding's
 * hash would no longer be what was sent). Property names are checked as well as values.
 *
 * <p>One streaming pass over the body before any resource reads it: the answer is a 400 naming the
 * field, as a JSON pointer (problem+json) on the JSON API and as a FHIRPath (OperationOutcome) on
 * /fhir. A body that is not well-formed JSON is left to the route's own parser, whose error is more
 * precise. Bodies are already limited in size (BodyCeiling) before this reads them.
 */
@Provider
public class StorableText implements ReaderInterceptor {

    public static final String RULE = "TEXT_NOT_STORABLE";

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final HttpServerRequest request;

    @Inject
    StorableText(HttpServerRequest request) {
        this.request = request;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (!isJson(context.getMediaType())) {
            return context.proceed();
        }
        byte[] body = context.getInputStream().readAllBytes();
        context.setInputStream(new ByteArrayInputStream(body));
        String field = firstUnstorable(body, request.path() != null && request.path().startsWith("/fhir"));
        if (field != null) {
            throw ApiException.badRequest(field, RULE, "This text contains a character that cannot be stored"
                    + " (U+0000, or half of a UTF-16 surrogate pair); remove it and send again.");
        }
        return context.proceed();
    }

    static boolean isJson(MediaType type) {
        return type != null && ("json".equalsIgnoreCase(type.getSubtype()) || type.getSubtype().toLowerCase().endsWith("+json"));
    }

    /**
     * The first field holding unstorable text: a JSON pointer, or with {@code fhirPath} a FHIRPath
     * rooted at the body's resourceType ({@code ServiceRequest.note[0].text}; a choice element keeps
     * its JSON name, e.g. {@code valueString}). Null when all is storable or the body is not JSON.
     */
    static String firstUnstorable(byte[] body, boolean fhirPath) {
        String resourceType = null;
        JsonParser parser = null;
        try (JsonParser p = JSON.createParser(body)) {
            parser = p;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.VALUE_STRING && resourceType == null && parser.getParsingContext().getParent() != null
                        && parser.getParsingContext().getParent().inRoot() && "resourceType".equals(parser.currentName())) {
                    resourceType = parser.getText();
                }
                if ((token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) && !storable(parser.getText())) {
                    // A property name can itself be the bad text: it is named with U+FFFD in its place.
                    return replaceUnstorable(fhirPath ? fhirPath(resourceType, parser.getParsingContext())
                            : parser.getParsingContext().pathAsPointer().toString());
                }
            }
        } catch (JsonParseException e) {
            // Jackson itself refuses half a surrogate pair in a property name (not in a value): the
            // same rule, naming the object that holds the name.
            if (String.valueOf(e.getOriginalMessage()).contains("surrogate")) {
                return fhirPath ? fhirPath(resourceType, parser.getParsingContext())
                        : parser.getParsingContext().pathAsPointer().toString();
            }
            return null;
        } catch (IOException notJson) {
            return null;
        }
        return null;
    }

    /**
     * The field error for a form field holding unstorable text, or null: the console's forms are not
     * JSON, so they ask for each field (a {@code %00} in a form body reached PostgreSQL like the JSON escape).
     */
    public static Problem.FieldError formFieldError(String field, String label, String value) {
        return value == null || storable(value) ? null : new Problem.FieldError(field, RULE,
                label + " contains a character that cannot be stored (U+0000, or half of a UTF-16 surrogate pair); remove it");
    }

    /** The text with each unstorable character shown as U+FFFD, for a form shown again with its error. */
    public static String shown(String text) {
        return text == null || storable(text) ? text : replaceUnstorable(text);
    }

    /** False for U+0000 and for a surrogate that is not half of a well-formed pair. */
    public static boolean storable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String replaceUnstorable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(c == 0 || Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static String fhirPath(String resourceType, JsonStreamContext context) {
        Deque<String> steps = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                steps.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                steps.push("." + c.getCurrentName());
            }
        }
        return (resourceType == null || resourceType.isBlank() || !storable(resourceType) ? "Resource" : resourceType)
                + String.join("", steps);
    }
}
