package conclab.grader;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cells of a notebook that try an exercise: the code cells after an exercise's solution cell that use a name
 * the solution declares, or a name declared by such a cell (a method that calls the solution, called two cells
 * later). In a learner's copy they throw "exercise not done yet" until the exercise is done, so that Run All would
 * stop at the first of them; {@link Release} tags them {@code raises-exception}, and JupyterLab then goes on.
 *
 * <p>Found by names, not by running: a cell that only mentions a name is counted too (its tag then only lets Run
 * All go past it), and a cell that reaches the solution under no name a cell declares (reflection, a name made at
 * run time) is missed. Only declarations at a cell's top level count (a line that starts in column 0), as JShell
 * keeps only those.
 */
final class TriedCells {
    private TriedCells() {}

    /**
     * A type, method or variable declared at a cell's top level: group 1 names a type, group 2 the others. Annotations
     * and modifiers may come first; type parameters may nest one level ({@code <T extends Comparable<T>>}). Only the
     * first variable of {@code int a = 1, b = 2;} is seen.
     */
    private static final Pattern DECLARED = Pattern.compile(
            "^(?!(?:if|else|for|while|do|switch|try|catch|finally|return|throw|new|yield|case|default|assert)\\b)"
                    + "(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*"
                    + "(?:(?:public|private|protected|static|final|abstract|sealed|non-sealed|synchronized|volatile"
                    + "|transient|strictfp)\\s+)*"
                    + "(?:(?:class|record|interface|enum)\\s+(\\w+)"
                    + "|(?:<(?:[^<>]|<[^<>]*>)*>\\s*)?[\\w.]+(?:<[^=;(){}]*>)?(?:\\[])*\\s+(\\w+)\\s*[(=;])",
            Pattern.MULTILINE);

    /** The indexes of the cells that try an exercise, in order. */
    static List<Integer> in(List<NotebookFile.Cell> cells) {
        Set<String> names = new HashSet<>();
        List<Integer> tried = new ArrayList<>();
        for (NotebookFile.Cell c : cells) {
            if (!c.type().equals("code")) continue;
            if (c.role() == NotebookFile.Role.SOLUTION) {
                names.addAll(declared(c.body()));
            } else if (c.role() == null && !names.isEmpty() && mentions(c.source(), names)) {
                tried.add(c.index());
                names.addAll(declared(c.source()));
            }
        }
        return tried;
    }

    /** The names declared at the top level of {@code code}. */
    static Set<String> declared(String code) {
        Set<String> names = new HashSet<>();
        Matcher m = DECLARED.matcher(code);
        while (m.find()) names.add(m.group(1) != null ? m.group(1) : m.group(2));
        return names;
    }

    private static boolean mentions(String code, Set<String> names) {
        for (String name : names) {
            if (Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(code).find()) return true;
        }
        return false;
    }
}
