package uk.safeguarding.gateway.audit.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonStringArraysTest {

    @Test
    void parsesPostgresTextOfStringArrays() {
        assertEquals(List.of(), JsonStringArrays.parse("[]"));
        assertEquals(List.of("identity", "risk"), JsonStringArrays.parse("[\"identity\", \"risk\"]"));
    }

    @Test
    void decodesEveryJsonEscape() {
        assertEquals(List.of("a\"b\\c/d\b\f\n\r\t\u00e9\ud83d\ude00"),
                JsonStringArrays.parse("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"]"));
        assertEquals(List.of("é, ü"), JsonStringArrays.parse("[\"é, ü\"]"));
    }

    @Test
    void keepsNonStringElementsAsTheirText() {
        assertEquals(Arrays.asList("1", null, "{\"a\": [1, 2]}", "x"), JsonStringArrays.parse("[1, null, {\"a\": [1, 2]}, \"x\"]"));
    }
}
