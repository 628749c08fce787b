package conclab.c10k;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader of JSON text (RFC 8259), just enough for the C10K results: the library depends on no JSON
 * library, and the benchmark's file is small.
 *
 * <p>A value becomes: an object a {@code Map<String, Object>} (in the file's order), an array a
 * {@code List<Object>}, a string a {@code String}, a number a {@code Long} if it is an integer that fits
 * (no fraction, no exponent) and a {@code Double} otherwise, {@code true}/{@code false} a {@code Boolean},
 * {@code null} null. The maps and lists are unmodifiable.
 *
 * <p>Malformed text throws {@link IllegalArgumentException} naming the offset and what was expected there.
 * A parser is used by one thread, once; {@link #parse} makes a new one.
 */
public final class Json {
    /** The text being read. */
    private final String text;
    /** The offset of the next character to read. */
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /** The value that {@code text} holds (and nothing else but white space). */
    public static Object parse(String text) {
        Json json = new Json(text);
        Object value = json.value();
        json.space();
        if (json.at < text.length()) throw json.error("the end of the text");
        return value;
    }

    /** Parses {@code text} as an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        if (parse(text) instanceof Map<?, ?> map) return (Map<String, Object>) map;
        throw new IllegalArgumentException("JSON text is not an object: " + abbreviate(text));
    }

    private Object value() {
        space();
        if (at >= text.length()) throw error("a value");
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("a value");
            }
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        at++; // '{'
        space();
        if (take('}')) return Collections.unmodifiableMap(map);
        do {
            space();
            if (at >= text.length() || text.charAt(at) != '"') throw error("a name in double quotes");
            String name = string();
            space();
            if (!take(':')) throw error("':'");
            map.put(name, value());
            space();
        } while (take(','));
        if (!take('}')) throw error("',' or '}'");
        return Collections.unmodifiableMap(map);
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        at++; // '['
        space();
        if (take(']')) return Collections.unmodifiableList(list);
        do {
            list.add(value());
            space();
        } while (take(','));
        if (!take(']')) throw error("',' or ']'");
        return Collections.unmodifiableList(list);
    }

    private String string() {
        StringBuilder s = new StringBuilder();
        at++; // '"'
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') return s.toString();
            if (c < 0x20) throw error("no control character in a string", at - 1);
            if (c != '\\') {
                s.append(c);
                continue;
            }
            if (at >= text.length()) break;
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> s.append(e);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> s.append(hex4());
                default -> throw error("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", at - 1);
            }
        }
        throw error("the '\"' that ends the string");
    }

    private char hex4() {
        if (at + 4 > text.length()) throw error("four hex digits");
        try {
            char c = (char) Integer.parseInt(text.substring(at, at + 4), 16);
            at += 4;
            return c;
        } catch (NumberFormatException e) {
            throw error("four hex digits");
        }
    }

    private Number number() {
        int start = at;
        take('-');
        if (!take('0')) {
            if (!digits()) throw error("a digit");
        }
        boolean integer = true;
        if (take('.')) {
            integer = false;
            if (!digits()) throw error("a digit after '.'");
        }
        if (take('e') || take('E')) {
            integer = false;
            if (!take('+')) take('-');
            if (!digits()) throw error("a digit in the exponent");
        }
        String n = text.substring(start, at);
        if (integer) {
            try {
                return Long.parseLong(n);
            } catch (NumberFormatException tooBig) {
                // beyond a long: a double, as JavaScript would read it
            }
        }
        return Double.parseDouble(n);
    }

    /** Skips the digits at the offset; whether there was at least one. */
    private boolean digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') at++;
        return at > start;
    }

    private Object word(String word, Object value) {
        if (!text.startsWith(word, at)) throw error("a value");
        at += word.length();
        return value;
    }

    private boolean take(char c) {
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) at++;
    }

    private IllegalArgumentException error(String expected) {
        return error(expected, at);
    }

    private IllegalArgumentException error(String expected, int where) {
        String found = where < text.length() ? "'" + text.charAt(where) + "'" : "the end";
        return new IllegalArgumentException("malformed JSON at offset " + where + ": expected " + expected + ", found " + found);
    }

    private static String abbreviate(String text) {
        String t = text.strip();
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }
}
