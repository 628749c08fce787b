package conclab.kernel.api;

/**
 * Text made safe to put into HTML, for magics that render their results as {@code text/html}.
 *
 * <p>The kernel's own magics and the grader use this one escaper. (The course library, {@code conclab-lib},
 * keeps a copy for its SVG timelines: it depends on nothing of the kernel, so that it also works from a plain
 * {@code jshell}.)
 */
public final class Html {
    private Html() {}

    /**
     * {@code text} with {@code & < > " '} replaced by their character references, so that it is shown as it is,
     * both between tags and inside an attribute value in quotes of either kind.
     */
    public static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
