package conclab.kernel;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Javadoc as plain text, for inspection (Shift-Tab): JShell gives a comment's source, with its inline tags and HTML;
 * the notebook shows text. {@code {@code x}} and {@code {@literal x}} become {@code x}, {@code {@link A#b(int) label}}
 * its label or {@code A.b(int)}, a paragraph tag a blank line, a list item a bullet; other tags are dropped and the
 * HTML entities a javadoc uses are decoded. Block tags ({@code @param}, {@code @return}) are kept as they are: they
 * already read as text.
 *
 * <p>Stateless: its one method may be called from any thread.
 */
final class JavadocText {
    private JavadocText() {}

    /** An inline tag, its name and its text; the text may hold one level of braces ({@code {@code {a}}}). */
    private static final Pattern INLINE = Pattern.compile("\\{@(\\w+)\\s*((?:[^{}]|\\{[^{}]*\\})*)\\}");
    private static final Pattern PARAGRAPH = Pattern.compile("(?i)\\s*<p\\s*/?>\\s*");
    private static final Pattern ITEM = Pattern.compile("(?i)\\s*<li>\\s*");
    private static final Pattern TAG = Pattern.compile("</?[a-zA-Z][^>]*>");

    /** {@code javadoc} (a comment's text, without its stars) as plain text. */
    static String plain(String javadoc) {
        Matcher m = INLINE.matcher(javadoc);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(inline(m.group(1), m.group(2).strip())));
        m.appendTail(out);
        String text = PARAGRAPH.matcher(out).replaceAll("\n\n");
        text = ITEM.matcher(text).replaceAll("\n  - ");
        text = TAG.matcher(text).replaceAll("");
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&nbsp;", " ")
                .replace("&#64;", "@").replace("&amp;", "&").strip();
    }

    private static String inline(String tag, String text) {
        return switch (tag) {
            case "link", "linkplain" -> {
                int space = firstSpaceOutsideParentheses(text);
                yield space < 0 ? text.replace('#', '.').replaceFirst("^\\.", "") : text.substring(space + 1).strip();
            }
            case "inheritDoc" -> "";
            // code, literal, value, ...: their text is not HTML; escaped here, so that the tags' removal below
            // leaves Map<K, V> alone, and decoded with the rest at the end
            default -> text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        };
    }

    /** The first space of a link's reference that is not inside its parameter list, or -1. */
    private static int firstSpaceOutsideParentheses(String text) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (Character.isWhitespace(c) && depth == 0) return i;
        }
        return -1;
    }
}
