package conclab.kernel;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;

/**
 * A cell's value, made visible in a jshell script. The notebook shows the value of a cell's last snippet when it is
 * an expression written without a closing semicolon ({@link Session#eval}); jshell shows no values while it runs a
 * script file. So that expression becomes {@code display(EXPRESSION);}, which the script's stub prints.
 *
 * <p>Which text is an expression is decided by parsing alone (javac's parser, nothing attributed), because the
 * cell's variables are not known here: a declaration ({@code int x = 1}), a statement, or an assignment (which
 * the notebook does not show either) stays as it is.
 */
final class CellValue {
    private CellValue() {}

    /** {@code code} with its last snippet shown through {@code display(...)} if it is the cell's value; else {@code code}. */
    static String shown(String code, SourceCodeAnalysis analysis) {
        int start = lastSnippetStart(code, analysis);
        if (start < 0 || Session.endsWithSemicolon(code.substring(start))) return code;
        int from = start + leadingCommentsAndBlanks(code.substring(start));
        String expression = code.substring(from).stripTrailing();
        String commentLines = "";
        while (expression.contains("\n") && expression.substring(expression.lastIndexOf('\n') + 1).strip().startsWith("//")) {
            int end = expression.lastIndexOf('\n');
            commentLines = expression.substring(end) + commentLines;
            expression = expression.substring(0, end).stripTrailing();
        }
        String comment = "";
        int commentAt = Session.lineCommentStart(expression, expression.lastIndexOf('\n') + 1);
        if (commentAt >= 0) {
            comment = " " + expression.substring(commentAt).strip();
            expression = expression.substring(0, commentAt).stripTrailing();
        }
        if (!isValue(expression)) return code;
        return code.substring(0, from) + "display(" + expression + "); // the cell's value" + comment + commentLines + "\n";
    }

    /**
     * Where the last snippet of {@code code} starts, split as the kernel splits a cell; -1 if there is none, or
     * if comments follow it (the notebook then shows no value).
     */
    static int lastSnippetStart(String code, SourceCodeAnalysis analysis) {
        String rest = code;
        int offset = 0, last = -1;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.completeness() == Completeness.EMPTY) return -1;
            if (!info.completeness().isComplete()) return offset; // incomplete: the rest is one (broken) snippet
            last = offset;
            offset += rest.length() - info.remaining().length();
            rest = info.remaining();
        }
        return last;
    }

    /** The length of the blank lines and line comments that {@code snippet} starts with. */
    private static int leadingCommentsAndBlanks(String snippet) {
        int i = 0;
        while (i < snippet.length()) {
            if (Character.isWhitespace(snippet.charAt(i))) {
                i++;
            } else if (snippet.startsWith("//", i)) {
                int end = snippet.indexOf('\n', i);
                i = end < 0 ? snippet.length() : end + 1;
            } else {
                break;
            }
        }
        return i;
    }

    /** True if {@code text} parses as one expression that is not an assignment. */
    static boolean isValue(String text) {
        String source = "class CellValue { Object value = (\n" + text + "\n); }";
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///CellValue.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        DiagnosticCollector<JavaFileObject> problems = new DiagnosticCollector<>();
        JavacTask task = (JavacTask) ToolProvider.getSystemJavaCompiler()
                .getTask(null, null, problems, List.of("-proc:none"), null, List.of(file));
        Iterable<? extends CompilationUnitTree> units;
        try {
            units = task.parse();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the source is in memory: never
        }
        if (problems.getDiagnostics().stream().anyMatch(d -> d.getKind() == Diagnostic.Kind.ERROR)) return false;
        CompilationUnitTree unit = units.iterator().next();
        if (unit.getTypeDecls().size() != 1 || !(unit.getTypeDecls().getFirst() instanceof ClassTree type)
                || type.getMembers().size() != 1 || !(type.getMembers().getFirst() instanceof VariableTree field)
                || !(field.getInitializer() instanceof ParenthesizedTree parenthesized)) {
            return false; // the text closed the parenthesis or the class itself
        }
        ExpressionTree expression = parenthesized.getExpression();
        return !(expression instanceof AssignmentTree || expression instanceof CompoundAssignmentTree);
    }
}
