package uk.safeguarding.gateway.referral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import uk.safeguarding.gateway.problem.Problem.FieldError;
import uk.safeguarding.gateway.problem.ApiException;

/**
 * Strict JSON intake of the canonical referral: an unknown property or a wrong type is a 400 naming
 * its JSON pointer, never silently dropped (a misspelt "helth" must not lose the health section).
 * Unknown properties are all reported at once, with the content checks of the rest; a syntax error
 * or a wrong type still stops at the first.
 */
@ApplicationScoped
public class ReferralJson {

    private final ObjectReader reader;
    private final uk.safeguarding.gateway.security.RequestContext context;
    private final ReferralConfig config;

    ReferralJson(ObjectMapper mapper, uk.safeguarding.gateway.security.RequestContext context, ReferralConfig config) {
        this.context = context;
        this.config = config;
        this.reader = mapper.readerFor(Referral.class)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // "riskLevel" sent twice must not silently keep the last one.
                .with(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    public Referral parse(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("/", "REQUIRED", "Send the referral as a JSON object.");
        }
        UnknownProperties unknown = new UnknownProperties();
        try {
            Referral referral = reader.withHandler(unknown).readValue(body);
            if (referral == null) {
                throw ApiException.badRequest("/", "REQUIRED", "Send the referral as a JSON object.");
            }
            if (!unknown.errors.isEmpty()) {
                // Every problem at once: each misspelt property, and every content check of what was understood.
                List<FieldError> errors = new ArrayList<>(unknown.errors);
                errors.addAll(ReferralValidator.errors(referral, context.requireActor().agencyId(), config.maxTextLength()));
                throw new ApiException(400, "REFERRAL_INVALID", "The referral failed " + errors.size()
                        + " check(s); nothing was saved.", errors);
            }
            return referral;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest(pointer(e), "UNKNOWN_PROPERTY",
                    "Unknown property '" + e.getPropertyName() + "'; see the Referral schema in /q/openapi.");
        } catch (JsonMappingException e) {
            throw ApiException.badRequest(pointer(e), "WRONG_TYPE", "This value has the wrong JSON type for its field.");
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw ApiException.badRequest("/", "JSON_LIMIT", "The body nests too deeply or has a number or string too long.");
        } catch (JsonProcessingException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Duplicate field")) {
                throw ApiException.badRequest("/", "DUPLICATE_PROPERTY", "A property appears twice in the same object.");
            }
            throw ApiException.badRequest("/", "MALFORMED_JSON", "The body is not well-formed JSON.");
        }
    }

    /** Records each unknown property (its JSON pointer) and skips its value, so parsing goes on. */
    private static final class UnknownProperties extends DeserializationProblemHandler {

        final List<FieldError> errors = new ArrayList<>();

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                Object beanOrClass, String propertyName) throws IOException {
            errors.add(new FieldError(p.getParsingContext().pathAsPointer().toString(), "UNKNOWN_PROPERTY",
                    "Unknown property '" + propertyName + "'; see the Referral schema in /q/openapi."));
            p.skipChildren();
            return true;
        }
    }

    static String pointer(JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            pointer.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return pointer.length() == 0 ? "/" : pointer.toString();
    }
}
