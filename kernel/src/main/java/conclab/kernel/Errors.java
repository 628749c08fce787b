package conclab.kernel;

import conclab.kernel.engine.EngineWire;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import jdk.jshell.Diag;

/**
 * Formats what went wrong in a cell the way a learner can read it: compile errors with the offending line
 * marked, exceptions with a stack trace cut down to the learner's own code.
 *
 * <p>Stack frames are classified as snippet code (file name {@code #id}, as JShell translates them),
 * JDK code ({@code java.*}, {@code jdk.*}, ...), the engine's own plumbing (dropped), or other code (a
 * library on the classpath, kept). Of JDK frames only the topmost few are shown, where the exception was
 * thrown; deeper runs of JDK frames are summarised in one line.
 */
final class Errors {
    private Errors() {}

    static final String RED = "\u001b[0;31m", BOLD_RED = "\u001b[1;31m", GREEN = "\u001b[0;32m",
            CYAN = "\u001b[0;36m", DIM = "\u001b[2m", RESET = "\u001b[0m";

    /** How many JDK frames to show where the exception was thrown. */
    private static final int TOP_JDK_FRAMES = 3;

    /** Where a snippet's code sits in the notebook: cell {@code [count]}, starting at {@code line}. */
    record Origin(int executionCount, int line) {}

    /** What the compiler said about a span of a snippet (JShell's {@code Diag}, positions in the snippet). */
    record Problem(String message, long start, long end) {
        static Problem of(Diag diag) {
            return new Problem(diag.getMessage(Locale.ENGLISH), diag.getStartPosition(), diag.getEndPosition());
        }
    }

    /**
     * A compile error of the snippet starting at {@code snippetLine} of the cell: the message, the source
     * line, and a marker under the offending span.
     */
    static ErrorReport compile(Problem problem, String snippet, int snippetLine) {
        String message = problem.message();
        List<String> lines = new ArrayList<>();
        int start = (int) Math.max(0, Math.min(snippet.length(), problem.start()));
        int end = (int) Math.max(start + 1, Math.min(snippet.length(), problem.end()));
        int lineStart = snippet.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
        if (start < lineStart) lineStart = 0;
        int lineEnd = snippet.indexOf('\n', start);
        if (lineEnd < 0) lineEnd = snippet.length();
        int lineInSnippet = (int) snippet.substring(0, lineStart).chars().filter(c -> c == '\n').count();
        String sourceLine = snippet.substring(lineStart, lineEnd);
        int from = start - lineStart, to = Math.min(end, lineEnd) - lineStart;
        String header = "Compile error in line " + (snippetLine + lineInSnippet) + ":";
        lines.add(BOLD_RED + header + RESET);
        lines.add("    " + sourceLine.replace('\t', ' '));
        lines.add("    " + " ".repeat(Math.max(0, from)) + GREEN + "^" + "~".repeat(Math.max(0, to - from - 1)) + RESET);
        for (String m : message.split("\n")) lines.add(m);
        return new ErrorReport("CompileError", firstLine(message), lines);
    }

    /**
     * An exception thrown by cell code: its class, message and a trimmed stack, then its causes.
     * {@code origin} maps a snippet id ({@code "12"}) to where that snippet sits; it may answer null.
     */
    static ErrorReport exception(List<EngineWire.Failure> chain, Function<String, Origin> origin) {
        EngineWire.Failure top = chain.getFirst();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            EngineWire.Failure f = chain.get(i);
            String head = (i == 0 ? "" : "Caused by: ") + f.className() + (f.message() == null ? "" : ": " + f.message());
            lines.add((i == 0 ? BOLD_RED : RED) + head + RESET);
            lines.addAll(frames(f.frames(), origin));
        }
        return new ErrorReport(simpleName(top.className()), top.message() == null ? "" : top.message(), lines);
    }

    /** The lines for a stack: snippet frames as cell lines, JDK runs shortened, engine frames dropped. */
    static List<String> frames(StackTraceElement[] frames, Function<String, Origin> origin) {
        List<String> lines = new ArrayList<>();
        int hiddenJdk = 0;
        boolean seenNonJdk = false;
        int topJdk = 0;
        for (StackTraceElement f : frames) {
            String cls = f.getClassName();
            if (isPlumbing(cls)) continue;
            if (isJdk(cls)) {
                if (!seenNonJdk && topJdk < TOP_JDK_FRAMES) {
                    topJdk++;
                    lines.add(DIM + "    at " + f + RESET);
                } else {
                    hiddenJdk++;
                }
                continue;
            }
            if (hiddenJdk > 0) {
                lines.add(DIM + "    ... " + hiddenJdk + " frame" + (hiddenJdk == 1 ? "" : "s") + " in the JDK" + RESET);
                hiddenJdk = 0;
            }
            seenNonJdk = true;
            lines.add("    at " + describe(f, origin));
        }
        if (hiddenJdk > 0 && seenNonJdk) {
            lines.add(DIM + "    ... " + hiddenJdk + " frame" + (hiddenJdk == 1 ? "" : "s") + " in the JDK" + RESET);
        }
        return lines;
    }

    /** A snippet frame reads {@code Counter.add (cell [3], line 5)}; others as Java prints them. */
    static String describe(StackTraceElement f, Function<String, Origin> origin) {
        String file = f.getFileName();
        if (file == null || !file.startsWith("#")) return f.toString();
        Origin o = origin.apply(file.substring(1));
        String where = o == null
                ? "snippet " + file.substring(1) + ", line " + f.getLineNumber()
                : "cell [" + o.executionCount() + "], line " + (o.line() + f.getLineNumber() - 1);
        String cls = f.getClassName();
        String method = f.getMethodName();
        String name = method.isEmpty() ? "" : (cls.isEmpty() ? method : cls + "." + method);
        if (name.startsWith("lambda$")) {
            String enclosing = name.substring(7, Math.max(7, name.indexOf('$', 7)));
            name = enclosing.startsWith("do_it") ? "lambda" : "lambda in " + enclosing; // do_it: JShell's wrapper
        }
        return name.isEmpty() ? CYAN + where + RESET : name + " (" + CYAN + where + RESET + ")";
    }

    static boolean isJdk(String cls) {
        return cls.startsWith("java.") || cls.startsWith("javax.") || cls.startsWith("jdk.")
                || cls.startsWith("sun.") || cls.startsWith("com.sun.");
    }

    /** Frames of the engine and of reflection that only show how the engine called the cell. */
    static boolean isPlumbing(String cls) {
        return cls.startsWith("conclab.kernel.") || cls.startsWith("jdk.internal.reflect.")
                || cls.equals("java.lang.reflect.Method");
    }

    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    static String firstLine(String s) {
        int n = s.indexOf('\n');
        return n < 0 ? s : s.substring(0, n);
    }
}
