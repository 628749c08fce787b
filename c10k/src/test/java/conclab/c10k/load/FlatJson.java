package conclab.c10k.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the JSON the load generator prints: one object whose values are strings (without escapes)
 * or numbers, exactly as RFC 8259 spells them. Throws IllegalArgumentException on anything else.
 */
final class FlatJson {
    private static final Pattern STRING = Pattern.compile("\"([^\"\\\\\\x00-\\x1f]*)\"");
    private static final Pattern NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

    private FlatJson() {
    }

    /** The object's members in order; numbers as Double, strings as String. */
    static Map<String, Object> parse(String text) {
        Map<String, Object> members = new LinkedHashMap<>();
        int[] at = {0};
        expect(text, at, "{");
        if (!peek(text, at, "}")) {
            do {
                String key = match(text, at, STRING).group(1);
                expect(text, at, ":");
                Object value = peek(text, at, "\"")
                        ? match(text, at, STRING).group(1)
                        : Double.valueOf(match(text, at, NUMBER).group());
                if (members.put(key, value) != null) throw new IllegalArgumentException("duplicate key " + key);
            } while (accept(text, at, ","));
        }
        expect(text, at, "}");
        if (at[0] != text.length()) throw new IllegalArgumentException("text after the object: " + text);
        return members;
    }

    private static Matcher match(String text, int[] at, Pattern p) {
        Matcher m = p.matcher(text).region(at[0], text.length());
        if (!m.lookingAt()) throw new IllegalArgumentException("expected " + p + " at " + at[0] + ": " + text);
        at[0] = m.end();
        return m;
    }

    private static boolean peek(String text, int[] at, String s) {
        return text.startsWith(s, at[0]);
    }

    private static boolean accept(String text, int[] at, String s) {
        if (!peek(text, at, s)) return false;
        at[0] += s.length();
        return true;
    }

    private static void expect(String text, int[] at, String s) {
        if (!accept(text, at, s)) throw new IllegalArgumentException("expected " + s + " at " + at[0] + ": " + text);
    }
}
