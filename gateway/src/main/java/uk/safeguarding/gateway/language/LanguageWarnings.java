package uk.safeguarding.gateway.language;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import uk.safeguarding.gateway.referral.LanguageCheck;

/**
 * Hands the language flags of {@link FreeTextLanguage} back to the author: a JSON object answer gains
 * {@code warnings} (field, rule {@code VICTIM_BLAMING_LANGUAGE}, message with the reason and an
 * alternative), the shape the referral intake already answers with; an answer with no object body
 * (204, a list) carries them in the {@code Language-Flags} header as pointer and entry pairs. Only on
 * success: a refused request stored nothing, and its problem is what the author must fix first.
 */
@Provider
public class LanguageWarnings implements ContainerResponseFilter {

    public static final String HEADER = "Language-Flags";

    private final FlagsFound found;
    private final ObjectMapper mapper;

    @Inject
    LanguageWarnings(FlagsFound found, ObjectMapper mapper) {
        this.found = found;
        this.mapper = mapper;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        List<LanguageCheck.Flag> flags = found.flags();
        if (flags.isEmpty() || response.getStatus() < 200 || response.getStatus() > 299) {
            return;
        }
        JsonNode body = response.hasEntity() ? mapper.valueToTree(response.getEntity()) : null;
        if (body instanceof ObjectNode object) {
            ArrayNode warnings = object.has("warnings") && object.get("warnings").isArray()
                    ? (ArrayNode) object.get("warnings") : object.putArray("warnings");
            java.util.Set<String> given = new java.util.HashSet<>();
            warnings.forEach(w -> given.add(w.path("field").asText() + "\n" + w.path("message").asText()));
            for (LanguageCheck.Flag f : flags) {
                // A route that flags its own text (and stores the flags with it) has said this already.
                if (given.add(f.field() + "\n" + f.message())) {
                    warnings.addObject().put("field", f.field()).put("rule", LanguageCheck.RULE).put("message", f.message());
                }
            }
            response.setEntity(object, response.getEntityAnnotations(), MediaType.APPLICATION_JSON_TYPE);
        } else {
            for (LanguageCheck.Flag f : flags) {
                response.getHeaders().add(HEADER, headerSafe(f.field()) + ";entry=" + f.entry());
            }
        }
    }

    /** The caller chose the property names: anything but visible ASCII is percent-encoded (no header splitting). */
    static String headerSafe(String pointer) {
        StringBuilder out = new StringBuilder();
        for (byte b : pointer.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%' && c != ';' && c != ',') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
