package dev.allocator.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void shouldParseNestedObjectsAndArraysKeepingKeyOrder() {
        Object value = Json.parse(" {\"b\": [1, 2.5e1, -3], \"a\": {\"t\": true, \"f\": false, \"n\": null}} ");

        Map<?, ?> map = (Map<?, ?>) value;
        assertEquals(List.of("b", "a"), List.copyOf(map.keySet()));
        assertEquals(List.of(1.0, 25.0, -3.0), map.get("b"));
        Map<?, ?> inner = (Map<?, ?>) map.get("a");
        assertEquals(Boolean.TRUE, inner.get("t"));
        assertEquals(Boolean.FALSE, inner.get("f"));
        assertTrue(inner.containsKey("n"));
        assertEquals(null, inner.get("n"));
    }

    @Test
    void shouldDecodeEscapes() {
        assertEquals("a\"b\\c/d\n\t\u00e9", Json.parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\""));
    }

    @Test
    void shouldParseEmptyContainers() {
        assertEquals(Map.of(), Json.parse("{}"));
        assertEquals(List.of(), Json.parse("[ ]"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"a\" 1}        | offset 5: expected ':'",
            "[1, 2           | offset 5: unexpected end of input",
            "[1] x           | offset 4: unexpected text after the value",
            "\"abc           | offset 4: unterminated string",
            "tru             | offset 0: expected true",
            "\"\\q\"         | offset 3: bad escape \\q",
            "{1: 2}          | offset 1: expected a string key",
            "@               | offset 0: unexpected character '@'"})
    void shouldRejectMalformedJsonNamingTheOffset(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text.strip()));
        assertTrue(e.getMessage().contains(expected), () -> e.getMessage() + " should contain " + expected);
    }

    @Test
    void shouldParseLongArrays() {
        String text = "[" + String.join(",", Arrays.stream(new int[1000]).mapToObj(String::valueOf).toList()) + "]";
        assertEquals(1000, ((List<?>) Json.parse(text)).size());
    }
}
