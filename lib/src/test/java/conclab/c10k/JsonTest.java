package conclab.c10k;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": 1, \"b\": -2.5e3, \"c\": [true, false, null], \"d\": {}, \"e\": [], \"f\": \"x\"}\n");
        var expected = new LinkedHashMap<String, Object>();
        expected.put("a", 1L);
        expected.put("b", -2500.0);
        expected.put("c", Arrays.asList(true, false, null));
        expected.put("d", Map.of());
        expected.put("e", List.of());
        expected.put("f", "x");
        assertEquals(expected, v);
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), List.copyOf(((Map<?, ?>) v).keySet()), "the file's order");
    }

    @Test
    void integersAreLongsAndTheRestDoubles() {
        assertEquals(0L, Json.parse("0"));
        assertEquals(-0.0, Json.parse("-0.0"));
        assertEquals(12_000_000_000L, Json.parse("12000000000"));
        assertEquals(1.5, Json.parse("1.5"));
        assertEquals(100.0, Json.parse("1E2"));
        assertEquals(1e19, Json.parse("10000000000000000000"), "beyond a long");
    }

    @Test
    void stringsWithEscapes() {
        assertEquals("a\"b\\c/d\b\f\n\r\t é ✓", Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t \\u00e9 \\u2713\""));
        assertEquals("中文", Json.parse("\"中文\""));
    }

    @Test
    void theMapsAndListsCannotBeChanged() {
        Map<String, Object> m = Json.parseObject("{\"runs\": [1]}");
        assertThrows(UnsupportedOperationException.class, () -> m.put("x", 1));
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) m.get("runs")).clear());
    }

    @Test
    void malformedTextSaysWhereAndWhat() {
        assertMalformed("{\"a\" 1}", "offset 5: expected ':'");
        assertMalformed("{\"a\": 1,}", "offset 8: expected a name in double quotes");
        assertMalformed("[1 2]", "offset 3: expected ',' or ']'");
        assertMalformed("{\"a\": 01}", "offset 7: expected ',' or '}'");
        assertMalformed("1 2", "expected the end of the text");
        assertMalformed("\"abc", "expected the '\"' that ends the string");
        assertMalformed("\"a\\x\"", "expected an escape");
        assertMalformed("\"\\u12\"", "expected four hex digits");
        assertMalformed("-", "expected a digit");
        assertMalformed("1.", "expected a digit after '.'");
        assertMalformed("tru", "expected a value");
        assertMalformed("", "offset 0: expected a value, found the end");
        assertMalformed("\"a\nb\"", "no control character");
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
        assertTrue(e.getMessage().contains("not an object"), e.getMessage());
    }

    private static void assertMalformed(String text, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text), text);
        assertTrue(e.getMessage().contains(message), text + ": " + e.getMessage());
    }
}
