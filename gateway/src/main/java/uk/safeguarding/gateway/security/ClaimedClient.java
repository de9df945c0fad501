package uk.safeguarding.gateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.Optional;

/**
 * The client id a refused token claims (its {@code azp}, else {@code client_id}), read without
 * verification and so chosen by whoever sent it: only ever a label for a person to read, cut to a
 * safe alphabet and length, never a key for counting or an actor column.
 */
final class ClaimedClient {

    static final String PREFIX = "claimed-client:";
    static final int MAX_LABEL = 64;
    private static final int MAX_PAYLOAD_CHARS = 8_192;

    private ClaimedClient() {
    }

    /** {@code claimed-client:<label>} for an {@code Authorization: Bearer} header whose payload names a client. */
    static Optional<String> label(String authorization, ObjectMapper json) {
        if (authorization == null || authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String[] parts = authorization.substring(7).trim().split("\\.", 4);
        if (parts.length < 2 || parts[1].isEmpty() || parts[1].length() > MAX_PAYLOAD_CHARS) {
            return Optional.empty();
        }
        try {
            JsonNode payload = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
            JsonNode client = payload == null ? null : payload.hasNonNull("azp") ? payload.get("azp") : payload.get("client_id");
            return client != null && client.isTextual() ? sanitise(client.asText()) : Optional.empty();
        } catch (Exception e) {
            // Not base64, not JSON: a malformed token claims nothing.
            return Optional.empty();
        }
    }

    static Optional<String> sanitise(String claimed) {
        StringBuilder out = new StringBuilder(Math.min(claimed.length(), MAX_LABEL));
        for (int i = 0; i < claimed.length() && out.length() < MAX_LABEL; i++) {
            char c = claimed.charAt(i);
            boolean safe = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.';
            out.append(safe ? c : '_');
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(PREFIX + out);
    }
}
