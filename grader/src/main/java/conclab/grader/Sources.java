package conclab.grader;

import java.util.regex.Pattern;

/** Turns a solution cell's code into one compilation unit, without changing its line numbers. */
final class Sources {
    private Sources() {}

    /** {@code public} before a type: JShell accepts several, a Java file only one, named like the file. */
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^(\\s*)public\\s+((?:(?:final|abstract|sealed|non-sealed|static|strictfp)\\s+)*"
                    + "(?:class|interface|record|enum|@interface)\\b)");

    /**
     * The code with {@code public} removed from type declarations, so that any number of top-level types
     * compile in one file; the tests live in the same (unnamed) package and need no {@code public}.
     */
    static String prepare(String source) {
        return PUBLIC_TYPE.matcher(source).replaceAll("$1$2");
    }
}
