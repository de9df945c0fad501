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
    void keepsNonStringElementsAsTheirTextMarkedSoTheyCannotPassForStrings() {
        String mark = JsonStringArrays.NON_STRING;
        assertEquals(Arrays.asList(mark + "1", null, mark + "{\"a\": [1, 2]}", "x"),
                JsonStringArrays.parse("[1, null, {\"a\": [1, 2]}, \"x\"]"));
        assertEquals("1", JsonStringArrays.nonStringText(JsonStringArrays.parse("[1]").get(0)));
        assertEquals(List.of("1"), JsonStringArrays.parse("[\"1\"]"));
    }
}
