package uk.safeguarding.gateway.language;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.safeguarding.gateway.referral.LanguageCheck;

/**
 * The victim-blaming language check on every free-text field of every JSON body on the API, not only
 * a referral's: risk rationales, missing circumstances, decline reasons, notes, justifications,
 * profiles and plans. Every string value is checked, named by its JSON pointer; the text is never
 * changed and nothing is refused: the flags go back to the author in the answer
 * ({@link LanguageWarnings}), and are counted by phrase entry (metric {@code gateway_language_flags}).
 *
 * <p>The referral intakes (JSON and FHIR) run the same check themselves, because they store the flags
 * with the referral and show them to each later reader within the categories that reader may see; this
 * leaves them alone so nothing is flagged twice. Runs after {@code StorableText}, so text that cannot be
 * stored is refused before it is read for wording.
 */
@Provider
@Priority(Priorities.USER + 100)
public class FreeTextLanguage implements ReaderInterceptor {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** The JSON referral intake: flags stored with the referral and answered as its own warnings. */
    static final String REFERRAL_INTAKE = "/api/v1/referrals";

    private final HttpServerRequest request;
    /** Looked up per body: providers are built before the configuration the phrase list's location comes from. */
    private final Instance<LanguageCheck> check;
    private final FlagsFound found;
    private final MeterRegistry metrics;

    @Inject
    FreeTextLanguage(HttpServerRequest request, Instance<LanguageCheck> check, FlagsFound found, MeterRegistry metrics) {
        this.request = request;
        this.check = check;
        this.found = found;
        this.metrics = metrics;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (!checked(request.path(), context.getMediaType())) {
            return context.proceed();
        }
        byte[] body = context.getInputStream().readAllBytes();
        context.setInputStream(new ByteArrayInputStream(body));
        List<LanguageCheck.Flag> flags = check.get().check(textByPointer(body));
        flags.forEach(f -> metrics.counter("gateway.language.flags", "entry", f.entry()).increment());
        found.addAll(flags);
        return context.proceed();
    }

    static boolean checked(String path, MediaType type) {
        if (path == null || !path.startsWith("/api/") || type == null) {
            return false;
        }
        String normalised = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        boolean json = "json".equalsIgnoreCase(type.getSubtype()) || type.getSubtype().toLowerCase().endsWith("+json");
        return json && !normalised.equals(REFERRAL_INTAKE);
    }

    /** Every string value, by JSON pointer; empty when the body is not JSON (the route's parser says why). */
    static Map<String, String> textByPointer(byte[] body) {
        Map<String, String> texts = new LinkedHashMap<>();
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.VALUE_STRING) {
                    texts.put(parser.getParsingContext().pathAsPointer().toString(), parser.getText());
                }
            }
        } catch (IOException notJson) {
            return Map.of();
        }
        return texts;
    }
}
