package uk.safeguarding.gateway.referral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.enterprise.context.ApplicationScoped;
import uk.safeguarding.gateway.problem.ApiException;

/**
 * Strict JSON intake of the canonical referral: an unknown property or a wrong type is a 400 naming
 * its JSON pointer, never silently dropped (a misspelt "helth" must not lose the health section).
 */
@ApplicationScoped
public class ReferralJson {

    private final ObjectReader reader;

    ReferralJson(ObjectMapper mapper) {
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
        try {
            Referral referral = reader.readValue(body);
            if (referral == null) {
                throw ApiException.badRequest("/", "REQUIRED", "Send the referral as a JSON object.");
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

    static String pointer(JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            pointer.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return pointer.length() == 0 ? "/" : pointer.toString();
    }
}
