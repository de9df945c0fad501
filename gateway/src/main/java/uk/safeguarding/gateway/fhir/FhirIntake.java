package uk.safeguarding.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IJsonLikeParser;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.problem.Problem.FieldError;

/**
 * Strict FHIR JSON parsing for intake: unknown elements, wrong JSON types and invalid values are
 * errors (HAPI's default is to ignore them), reported with the path of the failing element. Call
 * on a worker thread only; the body size was already limited by the HTTP layer.
 */
@ApplicationScoped
public class FhirIntake {

    // Duplicate keys are refused: HAPI and a plain tree read would each keep one of them, silently.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final FhirContext fhir;
    private final ParseBudget budget;

    /** Without a bound on concurrent parses: for tools and benchmarks outside a running gateway. */
    public FhirIntake(FhirContext fhir) {
        this(fhir, ParseBudget.unbounded());
    }

    @jakarta.inject.Inject
    FhirIntake(FhirContext fhir, FhirConfig config) {
        this(fhir, new ParseBudget(config.parseBudgetKib(), config.parseWaitMillis()));
    }

    FhirIntake(FhirContext fhir, ParseBudget budget) {
        this.fhir = fhir;
        this.budget = budget;
    }

    public <T extends IBaseResource> T parse(Class<T> type, String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest(type.getSimpleName(), "FHIR_BODY_REQUIRED", "Send a " + type.getSimpleName() + ".");
        }
        return budget.within(body.length(), type.getSimpleName(), () -> parseStrictly(type, body));
    }

    private <T extends IBaseResource> T parseStrictly(Class<T> type, String body) {
        JsonNode sent;
        try {
            sent = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw ApiException.badRequest(type.getSimpleName(), "FHIR_JSON_LIMIT",
                    "The body nests too deeply or has a number or string too long.");
        } catch (JsonProcessingException e) {
            boolean duplicate = e.getMessage() != null && e.getMessage().startsWith("Duplicate field");
            throw ApiException.badRequest(type.getSimpleName(), duplicate ? "FHIR_DUPLICATE_ELEMENT" : "FHIR_PARSE_ERROR",
                    duplicate ? "An element appears twice in the same object." : "The body is not well-formed JSON.");
        }
        if (sent == null || !sent.isObject()) {
            throw ApiException.badRequest(type.getSimpleName(), "FHIR_PARSE_ERROR", "Send a JSON object.");
        }
        if (!sent.path("resourceType").isTextual() || sent.path("resourceType").asText().isBlank()) {
            throw ApiException.badRequest(type.getSimpleName() + ".resourceType", "FHIR_RESOURCE_TYPE",
                    "resourceType must be \"" + fhir.getResourceType(type) + "\".");
        }
        String tooLong = firstLongString(sent, fhir.getResourceType(type));
        if (tooLong != null) {
            throw ApiException.badRequest(tooLong, "FHIR_STRING_TOO_LONG", "At most " + MAX_STRING + " characters in one value.");
        }
        IParser parser = fhir.newJsonParser().setParserErrorHandler(new PathReportingStrictHandler(fhir.getResourceType(type)));
        T resource;
        try {
            resource = parser.parseResource(type, body);
        } catch (DataFormatException e) {
            throw ApiException.badRequest(type.getSimpleName(), "FHIR_PARSE_ERROR", e.getMessage());
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            // HAPI's parser trips over some malformed shapes (an extension that is not an object, a
            // blank resourceType) with NPEs and the like: the input is at fault, never the gateway.
            throw ApiException.badRequest(type.getSimpleName(), "FHIR_PARSE_ERROR",
                    "The body does not have the shape FHIR R4 defines for " + fhir.getResourceType(type) + ".");
        }
        // HAPI's strict handler misses some shapes (an array where one value is allowed is silently
        // reduced to one element), so what was parsed is encoded again and must equal what was sent.
        try {
            JsonNode kept = kept(resource);
            String lost = firstDifference(sent, kept, fhir.getResourceType(type));
            if (lost != null) {
                throw ApiException.badRequest(lost, "FHIR_WRONG_TYPE", "This element does not fit the FHIR R4 "
                        + "definition as sent (wrong type or cardinality), so it cannot be kept as sent.");
            }
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(type.getSimpleName(), "FHIR_PARSE_ERROR", "The body is not JSON.");
        }
        return resource;
    }

    /**
     * What HAPI kept, as the tree its JSON text would read back as. Encoding straight into a tree
     * saves writing that text and parsing it again (issue 25); whatever the tree writer cannot build
     * exactly as the text would read back takes the text route, so the comparison's answer is the same.
     */
    private JsonNode kept(IBaseResource resource) throws JsonProcessingException {
        TreeJsonWriter tree = new TreeJsonWriter();
        try {
            ((IJsonLikeParser) fhir.newJsonParser()).encodeResourceToJsonLikeWriter(resource, tree);
            JsonNode root = tree.root();
            if (root != null) {
                return root;
            }
        } catch (IOException | RuntimeException e) {
            // TreeJsonWriter.Unsupported, or HAPI failing mid-way: the text route below answers as it always did.
        }
        return JSON.readTree(fhir.newJsonParser().encodeResourceToString(resource));
    }

    /** Far above any field's own limit: only elements the referral does not keep would otherwise reach the store unchecked. */
    static final int MAX_STRING = 100_000;

    /** The path of the first string longer than {@link #MAX_STRING}; null when none. */
    static String firstLongString(JsonNode node, String path) {
        if (node.isTextual()) {
            return node.textValue().length() > MAX_STRING ? path : null;
        }
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext();) {
                var field = it.next();
                String found = firstLongString(field.getValue(), path + "." + field.getKey());
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = firstLongString(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The path of the first element that differs between what was sent and what was kept; null when equal. */
    static String firstDifference(JsonNode sent, JsonNode kept, String path) {
        if (sent.isObject() && kept != null && kept.isObject()) {
            for (var it = sent.fields(); it.hasNext();) {
                var field = it.next();
                String diff = firstDifference(field.getValue(), kept.get(field.getKey()), path + "." + field.getKey());
                if (diff != null) {
                    return diff;
                }
            }
            for (var it = kept.fieldNames(); it.hasNext();) {
                String name = it.next();
                if (!sent.has(name)) {
                    return path + "." + name;
                }
            }
            return null;
        }
        if (sent.isArray() && kept != null && kept.isArray()) {
            if (sent.size() != kept.size()) {
                return path;
            }
            for (int i = 0; i < sent.size(); i++) {
                String diff = firstDifference(sent.get(i), kept.get(i), path + "[" + i + "]");
                if (diff != null) {
                    return diff;
                }
            }
            return null;
        }
        if (kept == null || sent.getNodeType() != kept.getNodeType()) {
            return path;
        }
        if (sent.isNumber()) {
            return sent.decimalValue().compareTo(kept.decimalValue()) == 0 ? null : path;
        }
        return sent.equals(kept) ? null : path;
    }

    /** HAPI's strict handler, reporting each error as a 400 with the element's path. */
    static final class PathReportingStrictHandler extends StrictErrorHandler {

        private final String root;

        PathReportingStrictHandler(String root) {
            this.root = root;
        }

        /** HAPI names only the parent element (none at the root), so the path is root or parent, then the element. */
        private ApiException error(IParseLocation location, String element, String rule, String message) {
            String parent = location == null || location.getParentElementName() == null ? root : location.getParentElementName();
            String path = element == null ? parent : parent + "." + element;
            return new ApiException(400, rule, message, List.of(new FieldError(path, rule, message)));
        }

        @Override
        public void unknownElement(IParseLocation location, String name) {
            throw error(location, name, "FHIR_UNKNOWN_ELEMENT", "Unknown element '" + name + "'.");
        }

        @Override
        public void unknownAttribute(IParseLocation location, String name) {
            throw error(location, name, "FHIR_UNKNOWN_ELEMENT", "Unknown attribute '" + name + "'.");
        }

        @Override
        public void incorrectJsonType(IParseLocation location, String element, BaseJsonLikeValue.ValueType expected,
                BaseJsonLikeValue.ScalarType expectedScalar, BaseJsonLikeValue.ValueType found,
                BaseJsonLikeValue.ScalarType foundScalar) {
            throw error(location, element, "FHIR_WRONG_TYPE", "Element '" + element + "' must be "
                    + (expectedScalar != null ? expectedScalar : expected) + ", found "
                    + (foundScalar != null ? foundScalar : found) + ".");
        }

        @Override
        public void invalidValue(IParseLocation location, String value, String error) {
            throw error(location, null, "FHIR_INVALID_VALUE", "Invalid value: " + error);
        }

        @Override
        public void unexpectedRepeatingElement(IParseLocation location, String element) {
            throw error(location, element, "FHIR_WRONG_TYPE", "Element '" + element + "' does not repeat.");
        }

        @Override
        public void missingRequiredElement(IParseLocation location, String element) {
            throw error(location, element, "FHIR_REQUIRED_ELEMENT", "Element '" + element + "' is required.");
        }

        @Override
        public void containedResourceWithNoId(IParseLocation location) {
            throw error(location, "contained", "FHIR_CONTAINED_ID", "A contained resource needs an id.");
        }

        @Override
        public void unknownReference(IParseLocation location, String reference) {
            throw error(location, null, "FHIR_UNKNOWN_REFERENCE", "Reference '" + reference + "' cannot be resolved.");
        }

        @Override
        public void invalidInternalReference(IParseLocation location, String reference) {
            throw error(location, null, "FHIR_UNKNOWN_REFERENCE", "Internal reference '" + reference + "' is invalid.");
        }

        @Override
        public void extensionContainsValueAndNestedExtensions(IParseLocation location) {
            throw error(location, "extension", "FHIR_INVALID_EXTENSION", "An extension has both a value and nested extensions.");
        }
    }
}
