package conclab.c10k.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flat JSON objects, read and written: the generator's stdout lines and the benchmark's result file.
 *
 * <p>Flat means one level of {@code "name": value} pairs whose values are numbers, strings, booleans or
 * {@code null}: what the generator prints and what the notebook's small parser reads. Nested objects and
 * arrays are not read; the result file's outer structure is written by {@link Report}.
 */
final class FlatJson {
    private FlatJson() {}

    /** One pair: a name, then a string (with escapes) or a bare token (number, true, false, null). */
    private static final Pattern PAIR =
            Pattern.compile("\"(\\w+)\"\\s*:\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([-+.\\w]+))");

    /**
     * The pairs of a flat object, in order, each value as its text (a string unescaped; {@code null} for
     * JSON's null). A line that is no object gives an empty map.
     */
    static Map<String, String> parse(String line) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (line == null || !line.strip().startsWith("{")) return pairs;
        Matcher m = PAIR.matcher(line);
        while (m.find()) {
            String value = m.group(2) != null ? unescape(m.group(2)) : m.group(3);
            pairs.put(m.group(1), "null".equals(value) && m.group(2) == null ? null : value);
        }
        return pairs;
    }

    /** {@code {"a":1,"b":"x"}}: numbers as they print (non-finite ones as null), strings escaped, null as null. */
    static String write(Map<String, ?> pairs) {
        StringJoiner object = new StringJoiner(",", "{", "}");
        pairs.forEach((name, value) -> object.add(quote(name) + ":" + value(value)));
        return object.toString();
    }

    private static String value(Object value) {
        return switch (value) {
            case null -> "null";
            case Double d when d.isNaN() || d.isInfinite() -> "null";
            case Double d -> d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : String.format(Locale.ROOT, "%.2f", d);
            case Number n -> n.toString();
            case Boolean b -> b.toString();
            default -> quote(value.toString());
        };
    }

    /** The text of a JSON string's contents: its escapes undone. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.append(c);
                continue;
            }
            switch (s.charAt(++i)) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(s.charAt(i)); // " \ /
            }
        }
        return out.toString();
    }

    /** A JSON string: quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
