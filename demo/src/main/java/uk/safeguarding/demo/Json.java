package uk.safeguarding.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's JSON through Jackson, as plain values (Map, List, String, Long/Double, Boolean, null), so
 * the journey reads exactly what went over the wire without a class per response.
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** Parses a document into Map, List, String, Long/Double, Boolean or null. */
    public static Object parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes Map, List, String, Number, Boolean or null (anything else as its string). */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(plain(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Follows a path of keys and indexes, e.g. {@code at(doc, "errors", 0, "rule")}; null when absent. */
    public static Object at(Object doc, Object... path) {
        Object current = doc;
        for (Object step : path) {
            if (current instanceof Map<?, ?> map && step instanceof String key) {
                current = map.get(key);
            } else if (current instanceof List<?> list && step instanceof Integer index) {
                current = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
        }
        return current;
    }

    public static String str(Object doc, Object... path) {
        Object value = at(doc, path);
        return value == null ? null : value.toString();
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object doc, Object... path) {
        Object value = at(doc, path);
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** Values Jackson writes as JSON values as they are; anything else (UUID, Instant, ...) as its string. */
    private static Object plain(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(plain(v)));
            return out;
        }
        return value == null || value instanceof Number || value instanceof Boolean || value instanceof String
                ? value : value.toString();
    }
}
