package conclab.kernel;

import java.util.ArrayList;
import java.util.List;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Cell code laid out so that jshell, reading a script line by line, splits it into the snippets the notebook does.
 *
 * <p>The notebook splits a whole cell into snippets ({@link Session#eval}); jshell reads a script a line at a time
 * and runs what it has read as soon as it is a complete snippet. So a snippet that goes on after a line that
 * would end it, as a fluent chain does,
 * <pre>
 * long primes = LongStream.rangeClosed(2, 3_000_000).parallel()
 *         .filter(n -&gt; isPrime(n))
 *         .count();
 * </pre>
 * is cut by jshell after its first line. Such a line gets the next line's leading dot
 * ({@code .parallel().} then {@code filter(...)}), or, if the next line does not start with one, the next line
 * itself, joined to it. Code that jshell already reads right is returned unchanged.
 */
final class ScriptLines {
    private ScriptLines() {}

    /** {@code code}, with every snippet jshell would cut early mended as the class says. */
    static String unbroken(String code, SourceCodeAnalysis analysis) {
        StringBuilder out = new StringBuilder();
        String rest = code;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            if (!info.completeness().isComplete()) { // incomplete (the compiler will say why) or only comments
                out.append(rest);
                return out.toString();
            }
            int consumed = rest.length() - info.remaining().length();
            out.append(mended(rest.substring(0, consumed), analysis));
            rest = info.remaining();
        }
        return out.append(rest).toString();
    }

    /** One snippet, mended until no line before its last one ends a complete snippet. */
    static String mended(String snippet, SourceCodeAnalysis analysis) {
        List<String> lines = new ArrayList<>(List.of(snippet.split("\n", -1)));
        int line = firstCutBefore(lines, analysis);
        while (line >= 0) {
            int next = nextCodeLine(lines, line);
            if (next < 0) break; // only comments follow: jshell skips them
            String following = lines.get(next).strip();
            if (following.startsWith(".") && !following.startsWith("...")) {
                lines.set(line, withCode(lines.get(line), "."));
                String indent = lines.get(next).substring(0, lines.get(next).indexOf('.'));
                lines.set(next, indent + following.substring(1));
            } else {
                lines.set(line, withCode(lines.get(line), " " + following));
                lines.remove(next);
            }
            line = firstCutBefore(lines, analysis);
        }
        return String.join("\n", lines);
    }

    /** The first line, before the snippet's last code line, after which jshell would run what it read; -1 if none. */
    private static int firstCutBefore(List<String> lines, SourceCodeAnalysis analysis) {
        StringBuilder read = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            read.append(lines.get(i)).append('\n');
            if (isCode(lines.get(i)) && nextCodeLine(lines, i) >= 0
                    && analysis.analyzeCompletion(read.toString()).completeness().isComplete()) {
                return i;
            }
        }
        return -1;
    }

    private static int nextCodeLine(List<String> lines, int after) {
        for (int i = after + 1; i < lines.size(); i++) if (isCode(lines.get(i))) return i;
        return -1;
    }

    /** False for a blank line and a line that holds only a {@code //} comment. */
    private static boolean isCode(String line) {
        String s = line.strip();
        return !s.isEmpty() && !s.startsWith("//");
    }

    /** {@code line} with {@code code} added after its code, before its {@code //} comment if it has one. */
    private static String withCode(String line, String code) {
        int comment = Session.lineCommentStart(line, 0);
        if (comment < 0) return line.stripTrailing() + code;
        return line.substring(0, comment).stripTrailing() + code + " " + line.substring(comment);
    }
}
