package conclab.grader.probe;

import java.util.Arrays;

/**
 * Turns what happened in a test (a throwable, a stack) into words a learner understands: which line of
 * their solution cell, what was thrown, whether the code is simply not written yet.
 *
 * <p>The learner's code is compiled from one file, {@value #SOLUTION_FILE}; its line {@code n} is line
 * {@code n + offset} of the solution cell, where the offset comes from the system property
 * {@code conclab.grader.lineOffset} (the lines above the code in the cell, such as {@code %%solution}). What holds
 * the code is named by the system property {@code conclab.grader.code}: "your solution cell" unless told otherwise,
 * "this cell" for a {@code %%check} cell, whose code is checked where it stands.
 */
public final class Evidence {
    /** The file the learner's solution is compiled from. */
    public static final String SOLUTION_FILE = "Solution.java";
    /** What the released stubs throw. */
    public static final String NOT_DONE = "exercise not done yet";

    private Evidence() {}

    private static int lineOffset() {
        return Integer.getInteger("conclab.grader.lineOffset", 0);
    }

    private static String code() {
        return System.getProperty("conclab.grader.code", "your solution cell");
    }

    /** Whether a frame belongs to the learner's code. */
    public static boolean isLearners(StackTraceElement e) {
        return SOLUTION_FILE.equals(e.getFileName());
    }

    /** "BoundedBuffer.take (line 14 of your solution cell)", or of whatever holds the code (see the class comment). */
    public static String where(StackTraceElement e) {
        String cls = e.getClassName();
        String simple = cls.substring(cls.lastIndexOf('.') + 1).replace('$', '.');
        String method = e.getMethodName().equals("<init>") ? "constructor" : e.getMethodName();
        if (!isLearners(e)) return simple + "." + method;
        return simple + "." + method + " (line " + (e.getLineNumber() + lineOffset()) + " of " + code() + ")";
    }

    /** Where in the learner's code a stack is, at its innermost learner frame; null when it is not there. */
    public static String where(StackTraceElement[] stack) {
        return Arrays.stream(stack).filter(Evidence::isLearners).findFirst().map(Evidence::where).orElse(null);
    }

    /**
     * How many links of a cause chain are followed. A learner's exceptions can form a cycle ({@code a} caused by
     * {@code b} caused by {@code a}: {@code initCause} refuses only a throwable as its own cause), and a walk
     * without a bound would never end.
     */
    static final int MAX_CAUSES = 32;

    /** {@code t} and its causes, at most {@link #MAX_CAUSES} of them, outermost first. */
    public static java.util.List<Throwable> chain(Throwable t) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable c = t; c != null && chain.size() < MAX_CAUSES; c = c.getCause()) chain.add(c);
        return chain;
    }

    /** Where in the learner's code {@code t}, or else the first of its causes that has such a frame, was; or null. */
    public static String where(Throwable t) {
        for (Throwable c : chain(t)) {
            String at = where(c.getStackTrace());
            if (at != null) return at;
        }
        return null;
    }

    /** Whether {@code t}, or a cause, is the release stub's "exercise not done yet". */
    public static boolean notDone(Throwable t) {
        for (Throwable c : chain(t)) {
            if (c instanceof UnsupportedOperationException && c.getMessage() != null
                    && c.getMessage().contains(NOT_DONE)) return true;
        }
        return false;
    }

    /**
     * Describes a failure: an assertion's message as it is (the probes write them for learners), anything
     * else as "your code threw X: message, at WHERE".
     */
    public static String describe(Throwable t) {
        if (t instanceof AssertionError && t.getMessage() != null && !t.getMessage().isBlank()) {
            return t.getMessage();
        }
        return thrown(t);
    }

    /** "your code threw java.lang.IllegalStateException: full, at BoundedBuffer.put (line 9 ...)". */
    public static String thrown(Throwable t) {
        String what = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        String at = where(t);
        return (at == null ? "this was thrown: " : "your code threw ") + what + (at == null ? "" : ", at " + at);
    }
}
