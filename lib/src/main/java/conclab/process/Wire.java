package conclab.process;

/**
 * The line protocol between a {@link ProcessPool} and its children ({@link ChildMain}): one message per
 * line, a word and a text.
 *
 * <pre>
 * parent to child (stdin):   run CLASS INPUT     run the ChildTask CLASS on INPUT
 * child to parent (stdout):  out LINE            the task printed LINE on System.out
 *                            err LINE            the task printed LINE on System.err
 *                            ok RESULT           the task returned RESULT
 *                            fail TRACE          the task threw; TRACE is its stack trace
 * </pre>
 *
 * <p>Texts may hold any character: {@link #escape} writes a backslash as {@code \\}, a line feed as
 * {@code \n} and a carriage return as {@code \r}, so a message stays on one line. All text is UTF-8.
 */
final class Wire {
    private Wire() {}

    /** {@code text} on one line: backslashes, line feeds and carriage returns escaped. */
    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** The text that {@link #escape} turned into {@code line}. */
    static String unescape(String line) {
        if (line.indexOf('\\') < 0) return line;
        var text = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                c = switch (line.charAt(++i)) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> line.charAt(i);
                };
            }
            text.append(c);
        }
        return text.toString();
    }

    /** The message's word: what comes before the first space (or the whole line). */
    static String word(String message) {
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }

    /** The message's text, unescaped: what comes after the first space (or nothing). */
    static String text(String message) {
        int space = message.indexOf(' ');
        return space < 0 ? "" : unescape(message.substring(space + 1));
    }
}
